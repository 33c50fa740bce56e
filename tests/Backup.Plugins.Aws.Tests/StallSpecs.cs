using System.Diagnostics;
using Backup.Plugins.Aws.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.Aws.Tests;

/// <summary>The published host against an S3 endpoint that freezes mid-upload (fauxqs behind a freezable proxy): the run ends by itself and says so.</summary>
public sealed class StallSpecs(AwsHostFixture host) : IClassFixture<AwsHostFixture>, IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private readonly string _prefix = $"stall-{Guid.NewGuid():N}";
    private readonly FreezableTcpProxy _proxy = new(new Uri(S3Emulators.FauxqsUrl).Port);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task A_run_whose_S3_endpoint_freezes_mid_upload_fails_with_exit_5_naming_the_stalled_storage()
    {
        // After 10 MB through the proxy the multipart upload is under way; then the endpoint stops answering.
        var frozen = _proxy.FreezeWhen(p => p.BytesToServer > 10_000_000);
        using var process = Start(stallTimeoutSeconds: 3);
        var stderr = process.StandardError.ReadToEndAsync();

        await frozen.WaitAsync(TimeSpan.FromMinutes(2));
        var exited = await ExitAsync(process, TimeSpan.FromMinutes(2));

        exited.Should().BeTrue("the watchdog must end a run that moves no bytes");
        var errors = AwsJobSpec.ErrorLines(await stderr);
        process.ExitCode.Should().Be(5, string.Join("\n", errors));
        errors.Should().ContainSingle().Which.Should()
            .StartWith("error: storage 'aws' (s3://backups) stalled while streaming")
            .And.Contain("no data moved for 3 s (pipeline.stallTimeoutSeconds 3)");
        _proxy.Thaw();
        (await ListAsync()).Should().BeEmpty("nothing of a stalled run may be visible at a key");
    }

    [Fact]
    public async Task SIGTERM_with_a_frozen_S3_endpoint_ends_the_run_within_the_shutdown_budget_and_says_what_was_left()
    {
        var frozen = _proxy.FreezeWhen(p => p.BytesToServer > 10_000_000);
        using var process = Start(stallTimeoutSeconds: 600, shutdownSeconds: 2);
        var stderr = process.StandardError.ReadToEndAsync();
        await frozen.WaitAsync(TimeSpan.FromMinutes(2));

        Signals.Terminate(process.Id);
        var exited = await ExitAsync(process, TimeSpan.FromMinutes(1));

        exited.Should().BeTrue("SIGTERM must end the run even when its clean-up cannot reach the storage");
        process.ExitCode.Should().Be(143);
        // The multipart abort (10 s timeout) cannot finish against a frozen endpoint: only the budget ends the run this early.
        AwsJobSpec.ErrorLines(await stderr).Should().Contain(l => l.StartsWith("error: clean-up did not finish within 2 s of the signal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_frozen_S3_endpoint_fails_the_pre_flight_with_exit_5_within_the_stall_timeout_before_the_source_starts()
    {
        _proxy.Freeze();
        using var process = Start(stallTimeoutSeconds: 3);
        var stderr = process.StandardError.ReadToEndAsync();

        var exited = await ExitAsync(process, TimeSpan.FromMinutes(2));

        exited.Should().BeTrue("the pre-flight is bounded by the stall timeout");
        var errors = AwsJobSpec.ErrorLines(await stderr);
        process.ExitCode.Should().Be(5, string.Join("\n", errors));
        errors.Should().Equal("error: pre-flight: storage 'aws' (s3://backups) did not answer within 3 s; nothing was backed up");
        _proxy.BytesToClient.Should().Be(0, "nothing came back from the frozen endpoint");
    }

    private Process Start(int stallTimeoutSeconds, int? shutdownSeconds = null)
    {
        var settings = S3Emulators.Fauxqs();
        settings["serviceUrl"] = $"http://127.0.0.1:{_proxy.Port}";
        settings["maxConcurrentParts"] = "1";
        // 60 MB of random bytes do not compress: several 8 MiB parts, so the freeze comes between parts.
        var spec = AwsJobSpec.Write(_dir.Path, _prefix, settings, "plugin: fake\n  settings:\n    entries: 1\n    bytes: 60000000");
        File.AppendAllText(spec, $"pipeline:\n  stallTimeoutSeconds: {stallTimeoutSeconds}\n");
        var start = new ProcessStartInfo(host.Executable) { ArgumentList = { "run", "--spec", spec, "--plugins-dir", host.PluginsDirectory }, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (name, value) in S3Emulators.ChildEnvironment(_dir.Path))
        {
            start.Environment[name] = value;
        }

        if (shutdownSeconds is { } seconds)
        {
            start.Environment["BACKUP_SHUTDOWN_SECONDS"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        return process;
    }

    private static async Task<bool> ExitAsync(Process process, TimeSpan deadline)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(deadline);
            return true;
        }
        catch (TimeoutException)
        {
            process.Kill();
            return false;
        }
    }

    private async Task<List<string>> ListAsync()
    {
        var storage = new AwsStoragePlugin().CreateStorage(new Backup.Abstractions.PluginContext(S3Emulators.Fauxqs().ToSettings(), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        return await ((Backup.Abstractions.IReadableBackupStorage)storage).ListAsync(_prefix + "/", default).Select(o => o.Key).ToListAsync();
    }
}
