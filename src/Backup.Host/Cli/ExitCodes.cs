namespace Backup.Host.Cli;

/// <summary>The process exit codes, one per kind of failure, so a CronJob's history tells what went wrong.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>A bug or an unexpected environment problem; the message names the exception type.</summary>
    public const int InternalError = 1;

    /// <summary>Bad command line, spec or plugin settings; nothing ran.</summary>
    public const int InvalidInput = 2;

    /// <summary>
    /// A plugin the job needs is broken or was built against an incompatible contract. For <c>backup plugins</c>: some
    /// plugin in the directory failed to load or some folder/file there was ignored (the full listing is still printed).
    /// </summary>
    public const int PluginLoadFailed = 3;

    /// <summary>The source failed (e.g. the dump failed or was truncated); nothing was uploaded.</summary>
    public const int SourceFailed = 4;

    /// <summary>The storage failed, or an object the run was to create already existed (left untouched); nothing that looks like a complete backup was left.</summary>
    public const int StorageFailed = 5;

    /// <summary>A credential (e.g. the database password secret) could not be read.</summary>
    public const int CredentialsFailed = 6;

    /// <summary>A stored backup is damaged or incomplete (checksum mismatch, truncated, entry differs from its manifest), or encrypted and not decryptable (no identity configured, wrong key); nothing was loaded.</summary>
    public const int IntegrityFailed = 7;

    /// <summary>A restore was refused (target not empty, wrong layout for the target) or loading into the target failed.</summary>
    public const int RestoreFailed = 8;

    /// <summary>The temp directory is full or not writable; the message names it and the space needed or known.</summary>
    public const int TempDirectoryFailed = 9;

    /// <summary>A drill loaded the backup, but the server does not hold what the backup's manifest recorded (an object missing or extra, a table's row count differs).</summary>
    public const int DrillFailed = 10;

    /// <summary><c>backup binlogs</c> refused to start: a server lacks a setting consistent log positions need (the line names it).</summary>
    public const int LogNotArchivable = 11;

    /// <summary>Interrupted by SIGINT (Ctrl-C); temp files were removed.</summary>
    public const int Interrupted = 130;

    /// <summary>Terminated by SIGTERM (e.g. the pod was stopped); temp files were removed.</summary>
    public const int Terminated = 143;
}
