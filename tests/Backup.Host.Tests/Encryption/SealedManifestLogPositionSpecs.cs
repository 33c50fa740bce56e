using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Pipeline;

namespace Backup.Host.Tests.Encryption;

/// <summary>The manifest beside an encrypted archive keeps the backup's log positions in the clear (point-in-time planning and binlog retention read them without a key) and nothing else of the source's facts.</summary>
public sealed class SealedManifestLogPositionSpecs : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 2, 0, 0, TimeSpan.Zero);
    private readonly AgeIdentity _key = AgeIdentity.Generate().Identity;

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task A_sealed_manifest_shows_the_log_positions_but_not_the_source_facts_they_came_from()
    {
        var position = new LogPosition("1", 4711, "1-1-4711");
        var manifest = new BackupManifest(1, "job", "job-1", At, At, "mariadb-ha", new Dictionary<string, string> { ["gtidPosition"] = "1-1-4711", ["wsrepNodeName"] = "secret-node" }, [], "1.0", null);

        var sealedManifest = await manifest.SealAsync([_key.Recipient], [position], CancellationToken.None);
        var json = sealedManifest.ToJsonBytes();
        var read = await BackupManifest.ReadAsync(new MemoryStream(json), CancellationToken.None);

        System.Text.Encoding.UTF8.GetString(json).Should().NotContain("secret-node").And.NotContain("gtidPosition");
        read!.LogPositions.Should().Equal(position);
        read.SourceMetadata.Should().BeEmpty();
        (await read.UnsealAsync([_key], CancellationToken.None)).LogPositions.Should().BeNull("the full manifest reads them from its source facts");
    }

    [Fact]
    public async Task A_manifest_sealed_without_positions_records_none()
    {
        var manifest = new BackupManifest(1, "job", "job-1", At, At, "mariadb", new Dictionary<string, string>(), [], "1.0", null);

        var sealedManifest = await manifest.SealAsync([_key.Recipient], [], CancellationToken.None);

        System.Text.Encoding.UTF8.GetString(sealedManifest.ToJsonBytes()).Should().NotContain("logPositions");
    }
}
