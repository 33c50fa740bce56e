using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary><c>backup binlogs</c> refuses a server whose binlog cannot give consistent positions, in one line naming the setting.</summary>
public sealed class BinlogPreflightHostSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Archiving_binlogs_of_a_server_without_a_binary_log_refuses_to_start_naming_log_bin()
    {
        // The standalone test server runs without log_bin (the Galera nodes have one).
        var spec = _dir.Combine("job.yaml");
        await File.WriteAllTextAsync(spec, $"name: nolog\nsource:\n  {TestServers.MariaDbHaSource}\nstorage:\n  plugin: local\n  settings:\n    path: {_dir.Combine("store")}\ntempDirectory: {_dir.Combine("tmp")}\n");

        var result = await PublishedHost.RunAsync(["binlogs", "--spec", spec, "--once"]);

        result.ExitCode.Should().Be(11, result.StandardError);
        HostOutput.Lines(result.StandardError).Should().ContainSingle(l => l.StartsWith("error:", StringComparison.Ordinal))
            .Which.Should().Contain("log_bin");
        Directory.Exists(_dir.Combine("store")).Should().BeFalse("nothing was archived");
    }

    public void Dispose() => _dir.Dispose();
}
