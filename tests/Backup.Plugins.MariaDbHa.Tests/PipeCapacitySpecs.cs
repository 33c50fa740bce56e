using Backup.MariaDb;
using CliWrap;

namespace Backup.Plugins.MariaDbHa.Tests;

public sealed class PipeCapacitySpecs
{
    [Fact]
    public async Task A_child_stdout_pipe_grows_to_the_size_asked_for()
    {
        int? size = 0;

        await Cli.Wrap("true")
            .WithStandardOutputPipe(PipeTarget.Create((origin, _) =>
            {
                size = PipeCapacity.TryGrow(origin, BlockingPipeReader.PipeBytes);
                return origin.CopyToAsync(Stream.Null);
            }))
            .ExecuteAsync();

        // The kernel answers F_SETPIPE_SZ with the size it set; fs.pipe-max-size is 1 MiB by default.
        size.Should().Be(BlockingPipeReader.PipeBytes);
    }

    [Fact]
    public async Task A_child_can_write_more_than_the_default_64_KiB_before_anyone_reads()
    {
        var written = new TaskCompletionSource();
        var received = 0L;

        // The child writes 768 KiB and then reports on stderr; only after that report does the target start reading.
        var run = Cli.Wrap("sh").WithArguments(["-c", "head -c 786432 /dev/zero && echo written >&2"])
            .WithStandardErrorPipe(PipeTarget.ToDelegate(line => written.TrySetResult()))
            .WithStandardOutputPipe(PipeTarget.Create(async (origin, ct) =>
            {
                PipeCapacity.TryGrow(origin, BlockingPipeReader.PipeBytes).Should().NotBeNull();
                await written.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
                received = await CountAsync(origin, ct);
            }))
            .ExecuteAsync();

        await run;
        received.Should().Be(786432);
    }

    [Fact]
    public void A_stream_that_is_not_a_pipe_is_left_alone()
    {
        PipeCapacity.TryGrow(new MemoryStream(), BlockingPipeReader.PipeBytes).Should().BeNull();
    }

    private static async Task<long> CountAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[65536];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            total += read;
        }

        return total;
    }
}
