namespace Backup.MariaDb.Binlogs;

/// <summary>Gives up on a download whose output file stops growing: a frozen node, or a network that drops packets silently, would hold the archiver forever.</summary>
internal static class StallWatch
{
    /// <summary>Cancels <paramref name="download"/> once <paramref name="path"/> has not grown for <paramref name="limit"/>; checked once a second, until <paramref name="cancellationToken"/> ends the watch.</summary>
    public static async Task RunAsync(string path, TimeSpan limit, CancellationTokenSource download, CancellationToken cancellationToken)
    {
        var size = -1L;
        var grewAt = DateTime.UtcNow;
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            var now = File.Exists(path) ? new FileInfo(path).Length : 0;
            if (now != size)
            {
                (size, grewAt) = (now, DateTime.UtcNow);
            }
            else if (DateTime.UtcNow - grewAt > limit)
            {
                await download.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
    }
}
