using System.Formats.Tar;
using System.IO.Compression;
using Backup.Host.Compression;
using Backup.Host.Spec;
using Backup.Host.Tests.Support;
using Backup.Testing;
using CliWrap;
using CliWrap.Buffered;
using ZstdNet;

namespace Backup.Host.Tests;

public sealed class ParallelCompressionStreamSpecs : IDisposable
{
    private const int Block = 64 << 10;
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1, 6)]
    [InlineData(3, 1)]
    [InlineData(4, 9)]
    public async Task Gzip_members_decompress_byte_exact_with_GZipStream(int threads, int level)
    {
        var data = TestData.Dump((Block * 10) + 12345);

        var compressed = await CompressAsync(data, CompressionKind.Gzip, level, threads);

        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gzip.CopyToAsync(plain);
        plain.ToArray().Should().Equal(data);
    }

    [Fact]
    public async Task Gzip_t_accepts_the_member_stream_and_zcat_restores_it()
    {
        var data = TestData.Dump(Block * 7);
        var file = _dir.Combine("dump.sql.gz");
        await File.WriteAllBytesAsync(file, await CompressAsync(data, CompressionKind.Gzip, 6, 2));

        var test = await CliWrap.Cli.Wrap("gzip").WithArguments(["-t", file]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        test.ExitCode.Should().Be(0, test.StandardError);
        var zcat = await CliWrap.Cli.Wrap("gzip").WithArguments(["-dc", file]).ExecuteBufferedAsync(System.Text.Encoding.ASCII);
        zcat.StandardOutput.Should().Be(System.Text.Encoding.ASCII.GetString(data));
    }

    [Fact]
    public async Task Tar_reads_a_tar_written_through_the_member_stream()
    {
        var data = TestData.Dump(Block * 5 + 7);
        var file = _dir.Combine("backup.tar.gz");
        await using (var output = File.Create(file))
        await using (var compressor = new ParallelCompressionStream(output, BlockCodec.Create(CompressionKind.Gzip, 6), 2, Block, leaveOpen: true))
        {
            await using (var tar = new TarWriter(compressor, TarEntryFormat.Pax, leaveOpen: true))
            {
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "dump.sql") { DataStream = new MemoryStream(data) });
            }

            await compressor.CompleteAsync(CancellationToken.None);
        }

        var extract = _dir.Combine("out");
        Directory.CreateDirectory(extract);
        var result = await CliWrap.Cli.Wrap("tar").WithArguments(["-xzf", file, "-C", extract]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        result.ExitCode.Should().Be(0, result.StandardError);
        (await File.ReadAllBytesAsync(Path.Combine(extract, "dump.sql"))).Should().Equal(data);
    }

    [Fact]
    public async Task Zstd_frames_decompress_byte_exact_and_zstd_t_accepts_them()
    {
        var data = TestData.Dump((Block * 6) + 99);
        var compressed = await CompressAsync(data, CompressionKind.Zstd, 3, 2);

        await using (var zstd = new DecompressionStream(new MemoryStream(compressed)))
        using (var plain = new MemoryStream())
        {
            await zstd.CopyToAsync(plain);
            plain.ToArray().Should().Equal(data);
        }

        var file = _dir.Combine("dump.sql.zst");
        await File.WriteAllBytesAsync(file, compressed);
        var test = await CliWrap.Cli.Wrap("zstd").WithArguments(["-q", "-t", file]).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        test.ExitCode.Should().Be(0, test.StandardError);
    }

    [Fact]
    public async Task An_empty_input_is_still_a_valid_gzip_file()
    {
        var compressed = await CompressAsync([], CompressionKind.Gzip, 6, 2);

        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gzip.CopyToAsync(plain);
        compressed.Should().NotBeEmpty();
        plain.Length.Should().Be(0);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task Memory_is_bounded_by_threads_and_block_size_not_by_the_data(int threads)
    {
        await using var compressor = new ParallelCompressionStream(Stream.Null, BlockCodec.Create(CompressionKind.Gzip, 1), threads, Block);
        var chunk = TestData.Dump(50_000);
        for (var i = 0; i < 200; i++)
        {
            await compressor.WriteAsync(chunk);
        }

        await compressor.CompleteAsync(CancellationToken.None);

        compressor.BytesIn.Should().Be(200L * chunk.Length, "about 150 blocks went through");
        compressor.BuffersAllocated.Should().BeLessThanOrEqualTo((2 * threads) + 1);
    }

    [Fact]
    public async Task A_cancelled_write_stops_a_writer_waiting_on_a_stalled_output()
    {
        using var cancellation = new CancellationTokenSource();
        var output = new StalledStream();
        await using var compressor = new ParallelCompressionStream(output, BlockCodec.Create(CompressionKind.Gzip, 1), 1, Block);
        var data = TestData.Dump(Block * 8);

        var write = compressor.WriteAsync(data, cancellation.Token).AsTask();
        await output.Entered.WaitAsync(TimeSpan.FromMinutes(1));
        // The output holds the first block forever and at most 2 * threads + 1 buffers exist: 8 blocks cannot all be taken.
        write.IsCompleted.Should().BeFalse("the output takes nothing, so the writer must wait after one block in flight");
        await cancellation.CancelAsync();

        await write.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
        compressor.BuffersAllocated.Should().BeLessThanOrEqualTo(3);
    }

    [Fact]
    public async Task Disposing_without_completing_writes_nothing_more()
    {
        using var output = new MemoryStream();
        await using (var compressor = new ParallelCompressionStream(output, BlockCodec.Create(CompressionKind.Gzip, 6), 2, Block, leaveOpen: true))
        {
            await compressor.WriteAsync(TestData.Dump(Block / 2));
        }

        output.Length.Should().Be(0, "a half-written block is abandoned, so a failed run never looks complete");
    }

    private static async Task<byte[]> CompressAsync(byte[] data, CompressionKind kind, int level, int threads)
    {
        using var output = new MemoryStream();
        await using (var compressor = new ParallelCompressionStream(output, BlockCodec.Create(kind, level), threads, Block, leaveOpen: true))
        {
            // Odd-sized writes: blocks must be cut across write boundaries.
            for (var offset = 0; offset < data.Length; offset += 10_007)
            {
                await compressor.WriteAsync(data.AsMemory(offset, Math.Min(10_007, data.Length - offset)));
            }

            await compressor.CompleteAsync(CancellationToken.None);
        }

        return output.ToArray();
    }

    private sealed class StalledStream : Stream
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the first write arrived (and stalled).</summary>
        public Task Entered => _entered.Task;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
