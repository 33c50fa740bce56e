using Backup.Abstractions;

namespace Backup.Host.Pipeline;

/// <summary>Wraps an unexpected exception from a plugin so it is reported as that stage's failure, in one line.</summary>
internal static class StageFailure
{
    /// <summary>Runs <paramref name="action"/>; a non-<see cref="BackupException"/> failure becomes one made by <paramref name="wrap"/>.</summary>
    public static async Task<T> Guard<T>(string stage, Func<Task<T>> action, Func<string, Exception, BackupException> wrap)
    {
        try
        {
            return await action();
        }
        catch (Exception ex) when (ex is not BackupException and not OperationCanceledException)
        {
            throw wrap($"{stage} failed unexpectedly: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}", ex);
        }
    }
}
