using Backup.MariaDb.Binlogs;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

/// <summary>A binlog download that stops writing is cancelled; one that keeps writing is not, and the watch ends with its download.</summary>
public sealed class StallWatchSpecs : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_file_that_stops_growing_cancels_the_download_after_the_limit()
    {
        var path = _dir.Combine("binlog.000001");
        await File.WriteAllTextAsync(path, "some bytes, then nothing");
        using var download = new CancellationTokenSource();

        var watch = StallWatch.RunAsync(path, TimeSpan.FromSeconds(2), download, download.Token);

        await watch.WaitAsync(TimeSpan.FromSeconds(60));
        download.IsCancellationRequested.Should().BeTrue();
    }

    [Fact]
    public async Task A_file_that_keeps_growing_is_not_cancelled_and_the_watch_stops_with_its_download()
    {
        var path = _dir.Combine("binlog.000002");
        using var download = new CancellationTokenSource();
        using var done = new CancellationTokenSource();
        var watch = StallWatch.RunAsync(path, TimeSpan.FromSeconds(4), download, done.Token);

        // Growth every quarter second for more than twice the limit (a watch that ignored growth would have cancelled by
        // then), with room for a starved test thread on a busy machine.
        var started = DateTime.UtcNow;
        for (var i = 0; DateTime.UtcNow - started < TimeSpan.FromSeconds(9); i++)
        {
            await File.AppendAllTextAsync(path, "x");
            await Task.Delay(TimeSpan.FromMilliseconds(250));
            download.IsCancellationRequested.Should().BeFalse("the file grew {0} times", i + 1);
        }

        await done.CancelAsync();
        await watch.WaitAsync(TimeSpan.FromSeconds(60));
        download.IsCancellationRequested.Should().BeFalse();
    }
}
