using System.Collections.Concurrent;
using System.IO.Compression;
using Backup.Host.Spec;
using ZstdNet;

namespace Backup.Host.Compression;

/// <summary>Compresses one block into one self-contained gzip member or zstd frame; safe to call from several threads at once.</summary>
/// <remarks>
/// Members (RFC 1952 §2.2) and frames (RFC 8878 §3.1) may be concatenated: gzip, zcat, tar and .NET's GZipStream
/// read a run of gzip members as one stream, zstd reads a run of frames as one. That is what makes compressing
/// independent blocks on several threads produce one ordinary <c>.gz</c> / <c>.zst</c>.
/// </remarks>
internal abstract class BlockCodec
{
    /// <summary>The MIME type of the compressed object.</summary>
    public abstract string ContentType { get; }

    /// <summary>Creates the codec for <paramref name="kind"/> at <paramref name="level"/>.</summary>
    public static BlockCodec Create(CompressionKind kind, int level) =>
        kind == CompressionKind.Zstd ? new ZstdCodec(level) : new GzipCodec(level);

    /// <summary>The largest output <see cref="Compress"/> can produce for <paramref name="inputLength"/> bytes.</summary>
    public abstract int MaxOutputLength(int inputLength);

    /// <summary>Compresses <paramref name="input"/> into <paramref name="output"/> (at least <see cref="MaxOutputLength"/> long); returns the bytes written.</summary>
    public abstract int Compress(ReadOnlySpan<byte> input, byte[] output);

    private sealed class GzipCodec(int level) : BlockCodec
    {
        // Header (no name, no mtime, OS unknown), an empty final static-Huffman deflate block, CRC-32 0, size 0.
        private static readonly byte[] EmptyMember = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff, 0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0];

        private readonly ZLibCompressionOptions _options = new() { CompressionLevel = level };

        public override string ContentType => "application/gzip";

        // zlib-ng's compressBound: level 1 ("deflate_quick") uses static Huffman codes, up to 9 bits per literal, so
        // incompressible input can grow by 1/8; plus block headers and the 18-byte gzip header and trailer.
        public override int MaxOutputLength(int inputLength) => inputLength + (inputLength >> 3) + 1024;

        public override int Compress(ReadOnlySpan<byte> input, byte[] output)
        {
            if (input.IsEmpty)
            {
                // GZipStream writes nothing at all for no input, and an empty file is not a valid .gz.
                EmptyMember.CopyTo(output);
                return EmptyMember.Length;
            }

            using var target = new MemoryStream(output, writable: true);
            using (var gzip = new GZipStream(target, _options, leaveOpen: true))
            {
                gzip.Write(input);
            }

            return (int)target.Position;
        }
    }

    private sealed class ZstdCodec(int level) : BlockCodec
    {
        // As the zstd CLI does: a content checksum per frame, so `zstd -t` and decompression detect corruption.
        private readonly CompressionOptions _options =
            new(null, new Dictionary<ZSTD_cParameter, int> { [ZSTD_cParameter.ZSTD_c_checksumFlag] = 1 }, level);

        // A compression context costs a few MB to create at higher levels: keep one per worker thread that used one.
        private readonly ConcurrentBag<Compressor> _idle = [];

        public override string ContentType => "application/zstd";

        public override int MaxOutputLength(int inputLength) => Compressor.GetCompressBound(inputLength);

        public override int Compress(ReadOnlySpan<byte> input, byte[] output)
        {
            if (!_idle.TryTake(out var compressor))
            {
                compressor = new Compressor(_options);
            }

            try
            {
                return compressor.Wrap(input, output, 0);
            }
            finally
            {
                _idle.Add(compressor);
            }
        }
    }
}
