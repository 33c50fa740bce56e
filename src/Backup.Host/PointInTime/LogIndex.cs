using System.Text.Json;
using System.Text.Json.Serialization;
using Backup.Abstractions;

namespace Backup.Host.PointInTime;

/// <summary>The index object stored beside one archived log file: what it holds and how to check it.</summary>
/// <param name="DataKey">The key of the compressed file.</param>
/// <param name="Name">The file's name on the server, e.g. <c>binlog.000042</c>.</param>
/// <param name="Node">The server it was read from.</param>
/// <param name="First">Its first transaction's position.</param>
/// <param name="Last">Its last transaction's position.</param>
/// <param name="FirstEventTime">When its first transaction was logged (UTC).</param>
/// <param name="LastEventTime">When its last transaction was logged (UTC).</param>
/// <param name="Sha1">
/// Plaintext file: the SHA-1 of the uncompressed binlog. Encrypted file: the SHA-1 of the stored (encrypted) bytes, as a
/// backup's <c>.sha1</c> is; a plaintext SHA-1 in a readable index would let anyone confirm a guessed binlog, and the
/// age layer authenticates every chunk of the plaintext anyway. Checked before the file is replayed.
/// </param>
/// <param name="Size">The uncompressed file's size in bytes (also for an encrypted file: it bounds the decompression and is checked).</param>
/// <param name="ArchivedAt">When this host stored it.</param>
/// <param name="GapAfter">When the file does not continue the archive (it starts after a position later than the last archived one), the last archived position before it; else null.</param>
/// <param name="Previous">The last position its server logged before it, or null when it starts the log (see <see cref="LogSegment.Previous"/>).</param>
/// <param name="Encryption">How the file is encrypted, or null for a plaintext one (archived before the job had <c>encryption</c>).</param>
internal sealed record LogIndex(
    string DataKey,
    string Name,
    string Node,
    LogPosition First,
    LogPosition Last,
    DateTimeOffset FirstEventTime,
    DateTimeOffset LastEventTime,
    string Sha1,
    long Size,
    DateTimeOffset ArchivedAt,
    LogPosition? GapAfter,
    LogPosition? Previous,
    LogEncryption? Encryption = null)
{
    /// <summary>The position the file continues from: its <see cref="Previous"/>, else the one before its first.</summary>
    [JsonIgnore]
    public long ContinuesFrom => Previous?.Sequence ?? First.Sequence - 1;

    /// <summary>An index is a few hundred bytes; anything larger is not one of ours.</summary>
    public const int MaxBytes = 64 << 10;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = 8,
    };

    /// <summary>The index as stored.</summary>
    public byte[] ToJsonBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads an index, or null when the bytes are not a complete one.</summary>
    public static LogIndex? Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var index = JsonSerializer.Deserialize<LogIndex>(json, Json);
            return index is { DataKey: not null, First: not null, Last: not null, Sha1: not null, Name: not null, Node: not null }
                && index.First.Stream == index.Last.Stream && index.First.Sequence <= index.Last.Sequence
                && index.Encryption is null or { Format: LogArchive.EncryptionFormat, Recipients: not null }
                ? index
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
