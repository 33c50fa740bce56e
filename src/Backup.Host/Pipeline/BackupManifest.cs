using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using Backup.Abstractions;

namespace Backup.Host.Pipeline;

/// <summary>What a restore needs to know about a backup: stored inside the archive and, with the archive's checksum, beside it.</summary>
/// <param name="FormatVersion">The manifest format; bumped on incompatible changes.</param>
/// <param name="Job">The job's name.</param>
/// <param name="BackupId">The backup's id (archive name without extension).</param>
/// <param name="StartedAt">When the run started (UTC).</param>
/// <param name="SourceFinishedAt">When the source finished writing (UTC).</param>
/// <param name="SourcePlugin">The source plugin's name.</param>
/// <param name="SourceMetadata">Facts the source reported (node, server version, dump options...).</param>
/// <param name="Entries">The archive's data entries.</param>
/// <param name="HostVersion">The version of the host that made the backup.</param>
/// <param name="Archive">The archive's name, size and SHA-1; only in the copy stored beside the archive.</param>
/// <param name="Encryption">How the archive is encrypted and the sealed full manifest; only in the copy beside an encrypted archive.</param>
/// <param name="Inventory">What the backup holds, object by object, as the source saw it (contract 1.3); absent in older backups. A drill compares a restored server with it.</param>
/// <param name="BasedOn">The id of the backup this one is an increment on (contract 1.3), or null for a full backup. Kept in the clear beside an encrypted archive: restore and retention follow it.</param>
/// <param name="LogPositions">Only beside an encrypted archive: the change-log positions the (sealed) source facts record (e.g. the dump's GTID), kept in the clear so point-in-time planning, the recoverable window and binlog retention work with the public keys only; null elsewhere (read from <paramref name="SourceMetadata"/>).</param>
internal sealed partial record BackupManifest(
    int FormatVersion,
    string Job,
    string BackupId,
    DateTimeOffset StartedAt,
    DateTimeOffset SourceFinishedAt,
    string SourcePlugin,
    IReadOnlyDictionary<string, string> SourceMetadata,
    IReadOnlyList<EntryInfo> Entries,
    string HostVersion,
    ArchiveInfo? Archive,
    ManifestEncryption? Encryption = null,
    ContentInventory? Inventory = null,
    string? BasedOn = null,
    IReadOnlyList<LogPosition>? LogPositions = null)
{
    /// <summary>The manifest's entry name inside the archive.</summary>
    public const string EntryName = BackupEntryName.Reserved;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The database node the source read from, under the names sources report it (mariadb-ha: the Galera node's name, else the pod); null when none did.</summary>
    public string? SourceNode() =>
        SourceMetadata.TryGetValue("wsrepNodeName", out var name) ? name : SourceMetadata.TryGetValue("pod", out var pod) ? pod : null;

    /// <summary>The change-log positions the backup is consistent at, as <paramref name="source"/> reads them from its facts, or as kept in the clear beside an encrypted archive.</summary>
    public IReadOnlyList<LogPosition> LogPositionsFor(ILogReplayingSource source) => LogPositions ?? source.LogPositionsOf(SourceMetadata);

    /// <summary>The manifest as indented JSON (UTF-8).</summary>
    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Options);

    /// <summary>The largest manifest any reader accepts: this host's are a few KB (about 2 MB with a full inventory of <see cref="ContentInventory.MaxItems"/>), and a forged one must not cost memory.</summary>
    public const int MaxBytes = 4 << 20;

    /// <summary>Reads a manifest written by <see cref="ToJsonBytes"/>, at most <see cref="MaxBytes"/> of it.</summary>
    /// <exception cref="InvalidDataException">The stream holds more than <see cref="MaxBytes"/>.</exception>
    /// <exception cref="JsonException">It is not a manifest's JSON.</exception>
    public static async Task<BackupManifest?> ReadAsync(Stream json, CancellationToken cancellationToken)
    {
        // Pooled: `list` reads one manifest per backup, and a fresh 4 MiB buffer each would churn the large-object heap.
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        try
        {
            var length = await json.ReadAtLeastAsync(buffer.AsMemory(0, MaxBytes + 1), MaxBytes + 1, throwOnEndOfStream: false, cancellationToken);
            return length > MaxBytes
                ? throw new InvalidDataException($"the manifest is larger than {MaxBytes:N0} bytes")
                : JsonSerializer.Deserialize<BackupManifest>(buffer.AsSpan(0, length), Options);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>The uploaded archive as recorded in the manifest beside it.</summary>
/// <param name="Name">The archive's file name.</param>
/// <param name="Size">Its size in bytes.</param>
/// <param name="Sha1">Its SHA-1, lower-case hex (also in the <c>.sha1</c> object).</param>
internal sealed record ArchiveInfo(string Name, long Size, string Sha1);
