using System.IO.Compression;
using Backup.Host.Spec;
using ZstdNet;

namespace Backup.Host.Pipeline;

/// <summary>One kind of archive object the runner writes: its name suffix, how it is compressed, and whether it is a tar with a manifest inside.</summary>
/// <remarks>
/// <see cref="All"/> is the only list of formats: the runner picks its format here and list, verify, restore and
/// retention recognise objects by it, so a new format is added once and every command knows it. A streaming object is
/// named after the type of its one entry (<see cref="Backup.Abstractions.BackupEntryShape.Extension"/>), so the list
/// depends on the job's source; <c>.sql.*</c> is always in it, as every streaming backup before contract 1.3 was one.
/// </remarks>
/// <param name="Suffix">The archive object's name suffix after the backup id, e.g. <c>.tar.gz</c>.</param>
/// <param name="Compression">How the object is compressed.</param>
/// <param name="IsTar">A tar of <c>manifest.json</c> and every entry (archive mode); otherwise the one entry itself, compressed (streaming mode).</param>
/// <param name="IsEncrypted">The compressed object is encrypted in the age format (<c>.age</c>); the <c>.sha1</c> is of the encrypted bytes.</param>
internal sealed record ArchiveFormat(string Suffix, CompressionKind Compression, bool IsTar, bool IsEncrypted = false)
{
    /// <summary>What an encrypted format appends to its plaintext format's suffix: <c>age -d</c> turns <c>x.tar.gz.age</c> into <c>x.tar.gz</c>.</summary>
    public const string EncryptedSuffix = ".age";

    /// <summary>Archive mode: <c>manifest.json</c> and every entry in a gzip-compressed tar.</summary>
    public static readonly ArchiveFormat TarGz = new(".tar.gz", CompressionKind.Gzip, IsTar: true);

    /// <summary>Streaming mode with gzip, a source that declares no entry shape: the one entry, gzip members.</summary>
    public static readonly ArchiveFormat SqlGz = Streaming(BackupJob.DefaultStreamExtension, CompressionKind.Gzip);

    /// <summary>Streaming mode with zstd, a source that declares no entry shape: the one entry, zstd frames.</summary>
    public static readonly ArchiveFormat SqlZst = Streaming(BackupJob.DefaultStreamExtension, CompressionKind.Zstd);

    /// <summary>Every format the runner can produce for a job whose streaming objects carry <paramref name="streamExtension"/>: archive, and streaming as that and as <c>sql</c>, each plain or encrypted.</summary>
    public static IReadOnlyList<ArchiveFormat> All(string streamExtension)
    {
        ArchiveFormat[] plain =
        [
            TarGz,
            .. new[] { BackupJob.DefaultStreamExtension, streamExtension }.Distinct()
                .SelectMany(extension => new[] { Streaming(extension, CompressionKind.Gzip), Streaming(extension, CompressionKind.Zstd) }),
        ];
        return [.. plain, .. plain.Select(f => f with { Suffix = f.Suffix + EncryptedSuffix, IsEncrypted = true })];
    }

    /// <summary>The suffix of the format's checksum object (sha1sum format), e.g. <c>.tar.gz.sha1</c>.</summary>
    public string ChecksumSuffix => Suffix + ArtifactNames.Sha1Suffix;

    /// <summary>The format a run with <paramref name="mode"/> and <paramref name="compression"/> writes; a streaming object is named <c>.&lt;streamExtension&gt;.gz</c> or <c>.zst</c>.</summary>
    public static ArchiveFormat For(PipelineMode mode, CompressionKind compression, bool encrypted, string streamExtension) =>
        All(streamExtension).First(f =>
            f.IsTar == (mode == PipelineMode.Archive) && f.Compression == compression && f.IsEncrypted == encrypted
            && (f.IsTar || f.Suffix.StartsWith($".{streamExtension}.", StringComparison.Ordinal)));

    private static ArchiveFormat Streaming(string extension, CompressionKind compression) =>
        new($".{extension}{(compression == CompressionKind.Zstd ? ".zst" : ".gz")}", compression, IsTar: false);

    /// <summary>A stream that decompresses <paramref name="compressed"/> (left open): a run of gzip members or zstd frames reads as one stream.</summary>
    /// <remarks>zstd's stream reports the end of its input as the end of the data even inside a frame; a truncated object is caught by its size and SHA-1, which every reader checks.</remarks>
    public Stream OpenDecompression(Stream compressed) =>
        Compression == CompressionKind.Zstd
            ? new DecompressionStream(compressed)
            : new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true);

    /// <summary>Whether <paramref name="exception"/> from a decompressing read means damaged data rather than a broken download.</summary>
    public static bool IsDataDamage(Exception exception) =>
        exception is InvalidDataException or EndOfStreamException or FormatException or ZstdException;
}
