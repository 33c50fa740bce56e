using System.Net;
using System.Net.Sockets;
using Backup.Deploy.Tests.Support;
using Backup.Testing;

namespace Backup.Deploy.Tests;

/// <summary>Each storage's image run as the CronJob runs it: a real backup and its verification, the user, the writable paths, exit codes, SIGTERM.</summary>
public sealed class ImageRunSpecs(ImageTargets targets) : IClassFixture<ImageTargets>, IDisposable
{
    private const string Database = "deploy_image_probe";
    private const string Spec = "/etc/backup/job.yaml";
    private readonly TempDir _dir = new("backup-image-");
    private readonly string _prefix = $"image-{Guid.NewGuid():N}";

    public static TheoryData<string> Storages => [.. ImageLayouts.Storages];

    public void Dispose() => _dir.Dispose();

    [ImageTheory]
    [MemberData(nameof(Storages))]
    public async Task A_real_backup_by_the_default_command_is_stored_in_the_storage_and_verify_latest_from_the_same_image_accepts_it(string storage)
    {
        await TestServers.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {Database}");
        var job = targets.Job(storage, _dir, _prefix);

        var run = await ContainerImages.RunAsync(job);
        var verify = await ContainerImages.RunAsync(job with { Arguments = ["verify", "--spec", Spec, "--latest"] });

        run.ExitCode.Should().Be(0, run.StandardError);
        // "<id> <location>/<key> <bytes> <sha1>"; a location may hold spaces ("gs://backups at http://...").
        var fields = HostOutput.Lines(run.StandardOutput).Should().ContainSingle().Subject.Split(' ');
        var (id, key, size, sha1) = (fields[0], fields[^3], long.Parse(fields[^2]), fields[^1]);
        key.Should().Contain($"{_prefix}/image-{storage}-").And.EndWith(".tar.gz");
        (run.StandardError + run.StandardOutput).Should().NotContain(TestServers.MariaDbPassword);
        verify.ExitCode.Should().Be(0, verify.StandardError);
        verify.StandardOutput.Should().Contain($"{id} ok: sha1 {sha1}, {size} bytes");
        if (storage == "local")
        {
            var archive = Path.Combine(_dir.Combine("backups"), _prefix, Path.GetFileName(key));
            new FileInfo(archive).Length.Should().Be(size);
            File.ReadAllText(archive + ".sha1").Should().StartWith(sha1);
        }
    }

    [ImageTheory]
    [MemberData(nameof(Storages))]
    public async Task The_image_runs_as_uid_10001_and_can_write_only_to_tmp(string storage)
    {
        var job = targets.Job(storage, _dir, _prefix);
        const string probe = """
            id -u; id -g
            for d in / /app /app/plugins /etc /etc/backup /usr/bin /var/tmp /run /home /tmp; do
              if (: > "$d/.write-probe") 2>/dev/null; then echo "writable $d"; fi
            done
            """;

        // The image's own USER (no --user), on the CronJob's read-only root with its /tmp volume.
        var readOnlyRoot = await ContainerImages.RunAsync(job with { User = null, Entrypoint = "/bin/sh", Arguments = ["-c", probe] });
        // On a writable root too, uid 10001 owns nothing the image ships.
        var writableRoot = await ContainerImages.RunAsync(job with
        {
            ReadOnlyRoot = false, Entrypoint = "/bin/sh", Arguments = ["-c", "find /app /usr/bin/mariadb-dump /usr/bin/mariadb /usr/lib -writable"],
        });

        readOnlyRoot.ExitCode.Should().Be(0, readOnlyRoot.StandardError);
        readOnlyRoot.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal("10001", "10001", "writable /tmp");
        writableRoot.ExitCode.Should().Be(0, writableRoot.StandardError);
        writableRoot.StandardOutput.Should().BeEmpty();
    }

    [ImageTheory]
    [InlineData("an unknown option", 2)]
    [InlineData("the source database down", 4)]
    [InlineData("a read-only storage directory", 5)]
    [InlineData("no password in the environment", 6)]
    public async Task The_hosts_exit_code_is_the_containers_exit_code(string failure, int exitCode)
    {
        var job = targets.Job("local", _dir, _prefix, failure == "the source database down" ? SourceAt(ClosedPort()) : null);
        job = failure switch
        {
            "an unknown option" => job with { Arguments = ["--no-such-option"] },
            "a read-only storage directory" => job with { Volumes = [$"{_dir.Combine("backups")}:{ImageTargets.LocalMount}:ro"] },
            "no password in the environment" => job with { Environment = new Dictionary<string, string>() },
            _ => job,
        };

        var result = await ContainerImages.RunAsync(job);

        result.ExitCode.Should().Be(exitCode, result.StandardError);
        result.StandardError.Should().NotContain("   at ", "a failure is one line, not a stack trace");
    }

    [ImageTheory]
    [MemberData(nameof(Storages))]
    public async Task SIGTERM_to_the_container_ends_the_run_with_143_and_removes_its_temp_files(string storage)
    {
        // The real server behind a proxy that freezes mid-dump (after the probes' few KB): the run waits in the dump with
        // its temp dir made, until the signal.
        await using var proxy = new FreezableTcpProxy(TestServers.MariaDbPort);
        var frozen = proxy.FreezeWhen(p => p.BytesToClient > 200_000);
        var tmp = Directory.CreateDirectory(_dir.Combine("tmp")).FullName;
        File.SetUnixFileMode(tmp, (UnixFileMode)0b1_111_111_111); // 1777, as an emptyDir is world-writable
        var name = $"backup-sigterm-{Guid.NewGuid():N}";
        var source = TestServers.MariaDbHaSource.Replace($"port: {TestServers.MariaDbPort}", $"port: {proxy.Port}", StringComparison.Ordinal);
        var job = targets.Job(storage, _dir, _prefix, source) with { Name = name, TmpDirectory = tmp };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            var run = ContainerImages.RunAsync(job, timeout.Token);
            await frozen.WaitAsync(timeout.Token);
            var kill = await ContainerImages.PodmanAsync(["kill", "--signal", "TERM", name]);
            var result = await run;

            kill.ExitCode.Should().Be(0, kill.StandardError);
            result.ExitCode.Should().Be(143, result.StandardError);
            result.StandardError.Should().Contain("cancelled");
            Directory.EnumerateFileSystemEntries(Path.Combine(tmp, "backup")).Should().BeEmpty("the run removes its temp files on SIGTERM");
        }
        finally
        {
            // A failed test must not leave the container running (podman run's client may be gone, the container not).
            await ContainerImages.PodmanAsync(["rm", "--force", "--ignore", name]);
        }
    }

    private static string SourceAt(int port) => $"""
        plugin: mariadb-ha
          settings:
            host: 127.0.0.1
            port: {port}
            password:
              env: {TestServers.MariaDbPasswordVariable}
        """;

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
