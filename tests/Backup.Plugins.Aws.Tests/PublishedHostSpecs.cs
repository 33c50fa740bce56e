using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Backup.Abstractions;
using Backup.Plugins.Aws.Tests.Support;
using Backup.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using MySqlConnector;

namespace Backup.Plugins.Aws.Tests;

/// <summary>Real runs of the published host with the <c>aws</c> plugin in its own load context: a MariaDB backup, a killed upload, IRSA.</summary>
public sealed class PublishedHostSpecs(AwsHostFixture host) : IClassFixture<AwsHostFixture>, IDisposable
{
    private const string Database = "aws_e2e_shop";
    private readonly TempDir _dir = new();
    private readonly string _prefix = $"host-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_real_MariaDB_backup_is_stored_on_an_S3_compatible_store_and_reads_back_byte_for_byte()
    {
        await SeedAsync();
        var spec = AwsJobSpec.Write(_dir.Path, _prefix, S3Emulators.S3rver(), TestServers.MariaDbHaSource);

        var result = await host.RunAsync(spec, S3Emulators.ChildEnvironment(_dir.Path));

        result.ExitCode.Should().Be(0, result.StandardError);
        result.StandardError.Should().NotContain(TestServers.MariaDbPassword);
        // stdout: "<id> s3://backups/<key> <size> <sha1>"
        var fields = result.StandardOutput.Trim().Split(' ');
        var (key, size, sha1) = (fields[1]["s3://backups/".Length..], long.Parse(fields[2]), fields[3]);
        var storage = Storage(S3Emulators.S3rver());

        var listed = await storage.ListAsync(_prefix + "/", default).ToListAsync();
        listed.Select(o => o.Key).Should().BeEquivalentTo(key, key + ".sha1", key[..^".tar.gz".Length] + ".manifest.json");
        await using (var archive = await storage.OpenReadAsync(key, default))
        {
            var copy = _dir.Combine("downloaded.tar.gz");
            await using (var file = File.Create(copy))
            {
                await archive.CopyToAsync(file);
            }

            new FileInfo(copy).Length.Should().Be(size);
            Convert.ToHexStringLower(SHA1.HashData(await File.ReadAllBytesAsync(copy))).Should().Be(sha1);
            (await ReadDumpAsync(copy)).Should().Contain($"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `{Database}`").And.Contain("-- Dump completed");
        }

        await using (var checksum = await storage.OpenReadAsync(key + ".sha1", default))
        {
            (await new StreamReader(checksum).ReadToEndAsync()).Should().Be($"{sha1}  {Path.GetFileName(key)}\n");
        }

        using var client = EmulatorClient(S3Emulators.S3rverUrl);
        // The archive is hashed while it streams, so the checksum object (uploaded last) carries the SHA-1 as metadata.
        var checksumHead = await client.GetObjectMetadataAsync(S3Emulators.Bucket, key + ".sha1");
        checksumHead.Metadata["x-amz-meta-sha1"].Should().Be(sha1);
        checksumHead.Headers.ContentType.Should().Be("text/plain");
        (await client.GetObjectMetadataAsync(S3Emulators.Bucket, key)).Headers.ContentType.Should().Be("application/gzip");
    }

    [Fact]
    public async Task A_host_killed_mid_upload_leaves_nothing_at_the_key()
    {
        // 40 MB of random bytes do not compress; the source then stalls inside its entry, so when its marker appears at
        // least ~30 MB (the pipes hold the rest) went into a multipart upload of 8 MiB parts that cannot have completed.
        var marker = _dir.Combine("source-started");
        var source = $"plugin: fake\n  settings:\n    entries: 1\n    bytes: 40000000\n    behaviour: hang\n    markerFile: {marker}";
        var settings = S3Emulators.Fauxqs();
        settings["maxConcurrentParts"] = "1";
        var spec = AwsJobSpec.Write(_dir.Path, _prefix, settings, source);
        var uploadedArchive = false;
        var start = new ProcessStartInfo(host.Executable) { ArgumentList = { "run", "--spec", spec, "--plugins-dir", host.PluginsDirectory }, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (name, value) in S3Emulators.ChildEnvironment(_dir.Path))
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            // The host logs "Uploading <manifest>" only after the archive's upload completed.
            uploadedArchive |= e.Data.Contains("Uploading", StringComparison.Ordinal);
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();

        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!File.Exists(marker + ".stalled") && !process.HasExited && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        File.Exists(marker + ".stalled").Should().BeTrue("the source must have written its bytes and stalled mid-upload");
        process.Kill();
        await process.WaitForExitAsync();

        uploadedArchive.Should().BeFalse("the kill must come while the archive is being uploaded");
        (await Storage(S3Emulators.Fauxqs()).ListAsync(_prefix, default).ToListAsync()).Should().BeEmpty("an incomplete multipart upload is never visible at the key");
    }

    [Fact]
    public async Task With_IRSA_the_plugin_gets_its_credentials_from_STS_inside_its_own_load_context()
    {
        await using var sts = new StsStubLifetime();
        await sts.Stub.InitializeAsync();
        var token = _dir.Combine("token");
        await File.WriteAllTextAsync(token, "eyJ-projected-service-account-token");
        var spec = AwsJobSpec.Write(_dir.Path, _prefix, S3Emulators.S3rver());
        var environment = S3Emulators.ChildEnvironment(_dir.Path, accessKey: null, secretKey: null);
        environment["AWS_WEB_IDENTITY_TOKEN_FILE"] = token;
        environment["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/backup";
        environment["AWS_ROLE_SESSION_NAME"] = "backup-test";
        environment["AWS_REGION"] = "us-east-1";
        environment["AWS_ENDPOINT_URL_STS"] = sts.Stub.Address;

        var result = await host.RunAsync(spec, environment);

        result.ExitCode.Should().Be(0, result.StandardError);
        var request = sts.Stub.Requests.Should().NotBeEmpty().And.Subject.First();
        request["RoleArn"].Should().Be("arn:aws:iam::123456789012:role/backup");
        request["WebIdentityToken"].Should().Be("eyJ-projected-service-account-token");
        (await Storage(S3Emulators.S3rver()).ListAsync(_prefix, default).ToListAsync()).Should().HaveCount(3);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task On_s3rver_two_runs_at_once_get_their_own_ids_and_a_run_whose_id_is_taken_exits_5_leaving_it_whole()
    {
        var spec = AwsJobSpec.Write(_dir.Path, _prefix, S3Emulators.S3rver());
        var storage = Storage(S3Emulators.S3rver());

        var runs = await Task.WhenAll(host.RunAsync(spec, S3Emulators.ChildEnvironment(_dir.Path)), host.RunAsync(spec, S3Emulators.ChildEnvironment(_dir.Path)));

        runs.Should().AllSatisfy(r => r.ExitCode.Should().Be(0, r.StandardError));
        runs.Select(r => r.StandardOutput.Split(' ')[0]).Distinct().Should().HaveCount(2);
        (await storage.ListAsync(_prefix + "/", default).ToListAsync()).Should().HaveCount(6);

        var taken = AwsJobSpec.Write(_dir.Path, _prefix + "/taken", S3Emulators.S3rver(), name: "{job}-fixed");
        (await host.RunAsync(taken, S3Emulators.ChildEnvironment(_dir.Path))).ExitCode.Should().Be(0);
        var before = await storage.ListAsync(_prefix + "/taken/", default).ToListAsync();

        var again = await host.RunAsync(taken, S3Emulators.ChildEnvironment(_dir.Path));

        again.ExitCode.Should().Be(5, again.StandardError);
        AwsJobSpec.ErrorLines(again.StandardError).Should().ContainSingle().Which.Should().Be(
            $"error: s3://{S3Emulators.Bucket}/{_prefix}/taken/aws-e2e-fixed.tar.gz already exists; this run did not create it and left it as it is (another run with the same backup id?)");
        (await storage.ListAsync(_prefix + "/taken/", default).ToListAsync()).Should().BeEquivalentTo(before, "nothing was replaced or removed");
    }

    private static IReadableBackupStorage Storage(Dictionary<string, object> settings) =>
        (IReadableBackupStorage)new AwsStoragePlugin().CreateStorage(new PluginContext(settings.ToSettings(), NullLoggerFactory.Instance));

    private static AmazonS3Client EmulatorClient(string url) =>
        new(new BasicAWSCredentials(S3Emulators.AccessKey, S3Emulators.SecretKey), new AmazonS3Config { ServiceURL = url, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

    private static async Task<string> ReadDumpAsync(string archive)
    {
        return (await ArchiveContent.ReadAsync(archive)).TryGetValue("all-databases-dump.sql", out var dump)
            ? System.Text.Encoding.UTF8.GetString(dump)
            : throw new InvalidOperationException("no dump in the archive");
    }

    private static async Task SeedAsync()
    {
        await using var connection = await TestServers.OpenMariaDbAsync();
        foreach (var sql in new[]
        {
            $"DROP DATABASE IF EXISTS {Database}",
            $"CREATE DATABASE {Database}",
            $"CREATE TABLE {Database}.orders (id INT PRIMARY KEY, amount DECIMAL(10,2))",
            $"USE {Database}",
            $"INSERT INTO {Database}.orders SELECT seq, 42.50 FROM seq_1_to_5000",
        })
        {
            await using var command = new MySqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private sealed class StsStubLifetime : IAsyncDisposable
    {
        public StsStub Stub { get; } = new();

        public async ValueTask DisposeAsync() => await Stub.DisposeAsync();
    }
}
