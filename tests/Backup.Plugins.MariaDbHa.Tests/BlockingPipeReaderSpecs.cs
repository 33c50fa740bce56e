using Backup.MariaDb;
using Backup.Testing;
using CliWrap;

namespace Backup.Plugins.MariaDbHa.Tests;

public sealed class BlockingPipeReaderSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Copies_every_byte_a_child_writes_in_4_KiB_pieces_as_full_chunks()
    {
        // 2.5 chunks, written 4 KiB per write() as mariadb-dump's stdio does into a pipe.
        var data = new byte[(BlockingPipeReader.ChunkSize * 5 / 2) + 123];
        new Random(7).NextBytes(data);
        var file = _dir.Combine("data.bin");
        await File.WriteAllBytesAsync(file, data);
        var destination = new RecordingStream();

        var result = await Cli.Wrap("dd").WithArguments([$"if={file}", "bs=4096", "status=none"])
            .WithStandardOutputPipe(BlockingPipeReader.To(destination))
            .ExecuteAsync();

        result.ExitCode.Should().Be(0);
        destination.ToArray().Should().Equal(data);
        destination.WriteSizes.Should().Equal(BlockingPipeReader.ChunkSize, BlockingPipeReader.ChunkSize, (BlockingPipeReader.ChunkSize / 2) + 123);
    }

    [Fact]
    public async Task A_child_that_writes_nothing_produces_no_write()
    {
        var destination = new RecordingStream();

        await Cli.Wrap("true").WithStandardOutputPipe(BlockingPipeReader.To(destination)).ExecuteAsync();

        destination.WriteSizes.Should().BeEmpty();
    }

    [Fact]
    public async Task A_destination_that_fails_fails_the_command_and_stops_the_child()
    {
        var destination = new RecordingStream { FailAfter = 1 };

        // `yes` writes forever: the run ends only if the failure stops the child.
        var act = () => Cli.Wrap("yes").WithStandardOutputPipe(BlockingPipeReader.To(destination)).ExecuteAsync(new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token).Task;

        (await act.Should().ThrowAsync<IOException>()).Which.Message.Should().Be("disk full (test)");
        destination.WriteSizes.Should().HaveCount(2);
    }

    private sealed class RecordingStream : MemoryStream
    {
        public List<int> WriteSizes { get; } = [];

        public int FailAfter { get; init; } = int.MaxValue;

        public override void Write(byte[] buffer, int offset, int count)
        {
            WriteSizes.Add(count);
            if (WriteSizes.Count > FailAfter)
            {
                throw new IOException("disk full (test)");
            }

            base.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the reader writes synchronously from its own thread");
    }
}
