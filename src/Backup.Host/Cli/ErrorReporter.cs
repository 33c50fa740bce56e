using Backup.Abstractions;
using Backup.Host.Monitoring;
using Backup.Host.Pipeline;
using Backup.Host.Plugins;

namespace Backup.Host.Cli;

/// <summary>Turns an exception into the user-facing lines on stderr and the exit code; never a stack trace unless asked.</summary>
internal static class ErrorReporter
{
    /// <summary>Prints <paramref name="exception"/> as one line per problem and returns its exit code.</summary>
    /// <param name="exception">What went wrong.</param>
    /// <param name="error">Where the lines go.</param>
    /// <param name="verbose">Also print the stack trace.</param>
    /// <param name="recorder">Records the first line as the outcome's error line.</param>
    public static int Report(Exception exception, TextWriter error, bool verbose, OutcomeRecorder? recorder = null)
    {
        var (code, lines) = exception switch
        {
            BackupSettingsException settings => (ExitCodes.InvalidInput, settings.Problems),
            PluginLoadException load => (ExitCodes.PluginLoadFailed, [load.Message]),
            BackupCredentialsException credentials => (ExitCodes.CredentialsFailed, [credentials.Message]),
            BackupSourceException source => (ExitCodes.SourceFailed, [source.Message]),
            BackupStorageException storage => (ExitCodes.StorageFailed, [storage.Message]),
            BackupObjectExistsException exists => (ExitCodes.StorageFailed, [exists.Message]),
            BackupIntegrityException integrity => (ExitCodes.IntegrityFailed, [integrity.Message]),
            BackupRestoreException restore => (ExitCodes.RestoreFailed, [restore.Message]),
            TempDirectoryException temp => (ExitCodes.TempDirectoryFailed, [temp.Message]),
            _ => (ExitCodes.InternalError, (IReadOnlyList<string>)[$"internal error: {exception.GetType().Name}: {exception.Message} (run with --verbose for details)"]),
        };

        if (lines.Count > 0)
        {
            recorder?.Failed(lines[0].ReplaceLineEndings(" "));
        }

        foreach (var line in lines)
        {
            error.WriteLine($"error: {line.ReplaceLineEndings(" ")}");
        }

        if (verbose)
        {
            error.WriteLine(exception.ToString());
        }

        return code;
    }
}
