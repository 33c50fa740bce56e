using Backup.Plugins.Aws.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.Aws.Tests;

/// <summary>Storage failures a user meets, through the published host: one clear line, exit code 5, no stack trace, no secret.</summary>
public sealed class HostErrorSpecs(AwsHostFixture host) : IClassFixture<AwsHostFixture>, IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task A_missing_bucket_fails_the_pre_flight_in_one_line_naming_the_bucket_with_exit_code_5()
    {
        var spec = AwsJobSpec.Write(_dir.Path, "nightly", S3Emulators.S3rver("no-such-bucket"));

        var result = await host.RunAsync(spec, S3Emulators.ChildEnvironment(_dir.Path));

        result.ExitCode.Should().Be(5, result.StandardError);
        AwsJobSpec.ErrorLines(result.StandardError).Should().ContainSingle()
            .Which.Should().MatchRegex(@"^error: pre-flight: aws storage: bucket 'no-such-bucket' does not exist \(check access, http://127\.0\.0\.1:\d+\); nothing was backed up$");
        result.StandardError.Should().NotContain("   at ");
    }

    [Fact]
    public async Task Bad_credentials_are_one_line_with_exit_code_5_and_never_show_the_secret()
    {
        // s3rver checks the access key id but not SigV4 signatures, so an unknown key is the rejection it can produce.
        const string secret = "not-the-secret-4f1c9";
        var spec = AwsJobSpec.Write(_dir.Path, "nightly", S3Emulators.S3rver());

        var result = await host.RunAsync(spec, S3Emulators.ChildEnvironment(_dir.Path, "UNKNOWNKEY", secret));

        result.ExitCode.Should().Be(5, result.StandardError);
        AwsJobSpec.ErrorLines(result.StandardError).Should().ContainSingle()
            .Which.Should().MatchRegex(@"^error: pre-flight: aws storage: credentials rejected \(InvalidAccessKeyId\) while trying to check access in bucket 'backups'");
        result.StandardError.Should().NotContain(secret).And.NotContain("   at ");
    }

    [Fact]
    public async Task No_credentials_anywhere_is_one_line_saying_where_the_sdk_looked_with_exit_code_6()
    {
        var spec = AwsJobSpec.Write(_dir.Path, "nightly", S3Emulators.S3rver());

        var result = await host.RunAsync(spec, S3Emulators.ChildEnvironment(_dir.Path, accessKey: null, secretKey: null));

        result.ExitCode.Should().Be(6, result.StandardError);
        AwsJobSpec.ErrorLines(result.StandardError).Should().ContainSingle()
            .Which.Should().StartWith("error: pre-flight: aws storage: no AWS credentials found for bucket 'backups' (looked in: environment");
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_one_line_naming_it_with_exit_code_5()
    {
        var settings = S3Emulators.S3rver();
        settings["serviceUrl"] = $"http://127.0.0.1:{ClosedPort()}";
        var spec = AwsJobSpec.Write(_dir.Path, "nightly", settings);

        var result = await host.RunAsync(spec, S3Emulators.ChildEnvironment(_dir.Path));

        result.ExitCode.Should().Be(5, result.StandardError);
        AwsJobSpec.ErrorLines(result.StandardError).Should().ContainSingle()
            .Which.Should().MatchRegex(@"^error: pre-flight: aws storage: cannot reach http://127\.0\.0\.1:\d+ to check access in bucket 'backups': .*refused");
    }

    [Fact]
    public async Task Validate_online_checks_the_bucket_and_the_credentials_and_plain_validate_does_not()
    {
        var missing = AwsJobSpec.Write(_dir.Path, "nightly", S3Emulators.S3rver("no-such-bucket"));

        var offline = await PublishedHost.RunAsync(["validate", "--spec", missing, "--plugins-dir", host.PluginsDirectory], S3Emulators.ChildEnvironment(_dir.Path));
        var online = await PublishedHost.RunAsync(["validate", "--online", "--spec", missing, "--plugins-dir", host.PluginsDirectory], S3Emulators.ChildEnvironment(_dir.Path));
        var working = await PublishedHost.RunAsync(
            ["validate", "--online", "--spec", AwsJobSpec.Write(_dir.Path, "nightly", S3Emulators.S3rver()), "--plugins-dir", host.PluginsDirectory], S3Emulators.ChildEnvironment(_dir.Path));

        offline.ExitCode.Should().Be(0, offline.StandardError);
        online.ExitCode.Should().Be(5, online.StandardError);
        AwsJobSpec.ErrorLines(online.StandardError).Should().ContainSingle().Which.Should().StartWith("error: pre-flight: aws storage: bucket 'no-such-bucket' does not exist");
        working.ExitCode.Should().Be(0, working.StandardError);
        working.StandardOutput.Should().EndWith("; storage pre-flight check passed\n");
    }

    [Fact]
    public async Task A_missing_region_is_a_settings_error_before_anything_runs()
    {
        var settings = S3Emulators.S3rver();
        settings.Remove("region");
        var spec = AwsJobSpec.Write(_dir.Path, "nightly", settings);

        var result = await PublishedHost.RunAsync(["validate", "--spec", spec, "--plugins-dir", host.PluginsDirectory], S3Emulators.ChildEnvironment(_dir.Path));

        result.ExitCode.Should().Be(2, result.StandardError);
        AwsJobSpec.ErrorLines(result.StandardError).Should().ContainSingle()
            .Which.Should().MatchRegex(@"^error: .*job\.yaml:\d+:\d+: storage\.settings\.region is required: the bucket's AWS region");
    }

    public void Dispose() => _dir.Dispose();

    private static int ClosedPort()
    {
        // Bind and release: nothing listens there afterwards.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
