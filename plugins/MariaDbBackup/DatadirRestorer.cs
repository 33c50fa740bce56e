using System.Text.RegularExpressions;
using Backup.Abstractions;
using Backup.MariaDb;
using CliWrap;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.MariaDbBackup;

/// <summary>Restores a verified physical backup (with the bases of an increment) into an empty data directory: <c>mbstream -x</c>, <c>mariadb-backup --prepare</c>, then <c>--prepare --incremental-dir</c> per increment; a stopped server then starts on it.</summary>
/// <remarks>
/// The backup is extracted and prepared in a subdirectory of the target (<see cref="IncompleteDirectoryName"/>), and
/// its files are then renamed into place (no <c>--copy-back</c>: one copy of the data, not two). The directory must be
/// empty so a restore never mixes two servers' files, and a restore that fails anywhere (a damaged backup found while
/// extracting, a failed prepare, a cancelled run) empties it again: a half-extracted or unprepared datadir must never
/// be mistaken for a restored one. That is what lets the host verify a streaming backup while it is extracted
/// (<see cref="IDiscardingRestoreSource"/>) instead of before.
/// </remarks>
internal sealed partial class DatadirRestorer(MariaDbBackupSettings settings, Microsoft.Extensions.Logging.ILogger logger)
{
    /// <summary>Where a restore extracts and prepares, inside the target; its files move into place only once prepared.</summary>
    /// <remarks>
    /// A restore killed on the way (SIGKILL, a lost node: no chance to clean up) so leaves no datadir a server could
    /// start on, half-extracted or unprepared: only this directory, whose name says what it is, and the next restore
    /// into the target refuses and names it.
    /// </remarks>
    public const string IncompleteDirectoryName = ".restore-incomplete";

    /// <summary>Restores <paramref name="context"/>'s one entry into <c>--target-datadir</c>.</summary>
    public async Task RestoreAsync(RestoreContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var directory = context.Target.DataDirectory
            ?? throw new BackupRestoreException("a mariadb-backup backup is restored into a data directory: give --target-datadir DIR (empty; the server stopped)");
        if (context.Target.Host is not null || context.Target.Port is not null)
        {
            throw new BackupRestoreException("--target-host/--target-port do not apply to a mariadb-backup restore: it writes --target-datadir, then you start the server on it");
        }

        if (context.Databases.Count > 0)
        {
            // A physical backup is the whole datadir: InnoDB's system tablespace and logs belong to every database.
            throw new BackupRestoreException("--database does not apply to a mariadb-backup restore: it restores the whole data directory; nothing was restored");
        }

        // An increment comes with its bases, the full backup first: all are checked before the directory is touched.
        IReadOnlyList<RestoreContext> chain = [.. context.Bases, context];
        foreach (var link in chain)
        {
            EntryName(link);
            await CheckToolVersionAsync(link, cancellationToken).ConfigureAwait(false);
        }

        if (chain[0].Metadata.GetValueOrDefault("backupType") == "incremental")
        {
            throw new BackupRestoreException($"backup {chain[0].BackupId} is an increment, and its full base was not given; nothing was written");
        }

        var created = PrepareDirectory(directory);
        var incomplete = Path.Combine(directory, IncompleteDirectoryName);
        try
        {
            CreatePrivateDirectory(incomplete);
            await ExtractAndPrepareAsync(chain, incomplete, context.WorkDirectory, cancellationToken).ConfigureAwait(false);
            MoveIntoPlace(incomplete, directory);
        }
        catch (Exception ex)
        {
            Discard(directory, created, ex);
            throw;
        }

        // For Galera: which point of the old cluster's history the copy holds, and how to bring it up. No grastate.dat is
        // written on purpose: without one the bootstrapped node starts a NEW history (a new cluster state UUID), so every
        // other node, even one of the old cluster, must take a full SST from it; a grastate.dat with the old UUID and
        // seqno would let an old node that saw writes after the backup "catch up" by IST on top of data the restore
        // discarded (docs/mariadb-backup.md).
        var galera = Path.Combine(directory, "xtrabackup_galera_info");
        if (File.Exists(galera) && new FileInfo(galera).Length < 4096)
        {
            logger.LogInformation(
                "Galera position of the backup (xtrabackup_galera_info): {Position}. To bring a cluster up from it, start this node with --wsrep-new-cluster, then the other nodes with empty datadirs: they join by SST",
                (await File.ReadAllTextAsync(galera, cancellationToken).ConfigureAwait(false)).Trim());
        }
    }

    private async Task ExtractAndPrepareAsync(IReadOnlyList<RestoreContext> chain, string directory, string workDirectory, CancellationToken cancellationToken)
    {
        await ExtractAsync(chain[0], directory, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Preparing {Directory} (mariadb-backup --prepare)", directory);
        await RunAsync(settings.BackupCommand, ["--prepare", $"--target-dir={directory}"], PipeSource.Null, cancellationToken).ConfigureAwait(false);

        // Each increment is unpacked into the run's work directory (temp holds one increment at a time) and applied in order.
        foreach (var increment in chain.Skip(1))
        {
            var unpacked = Directory.CreateDirectory(Path.Combine(workDirectory, $"increment-{increment.BackupId}")).FullName;
            await ExtractAsync(increment, unpacked, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Applying increment {Id} to {Directory} (mariadb-backup --prepare --incremental-dir)", increment.BackupId, directory);
            await RunAsync(settings.BackupCommand, ["--prepare", $"--target-dir={directory}", $"--incremental-dir={unpacked}"], PipeSource.Null, cancellationToken).ConfigureAwait(false);
            Directory.Delete(unpacked, recursive: true);
        }
    }

    /// <summary>Moves the prepared files from <paramref name="incomplete"/> up into <paramref name="directory"/>: renames in one file system, so milliseconds whatever the size.</summary>
    private void MoveIntoPlace(string incomplete, string directory)
    {
        foreach (var entry in new DirectoryInfo(incomplete).EnumerateFileSystemInfos())
        {
            var destination = Path.Combine(directory, entry.Name);
            if (entry is DirectoryInfo subdirectory)
            {
                subdirectory.MoveTo(destination);
            }
            else
            {
                ((FileInfo)entry).MoveTo(destination);
            }
        }

        Directory.Delete(incomplete);
        logger.LogInformation("Moved the prepared files into {Directory}", directory);
    }

    /// <summary>Empties the target after a failed restore (removes it when this restore created it); a failure to do so is one more line in the error.</summary>
    private void Discard(string directory, bool created, Exception failure)
    {
        try
        {
            if (created)
            {
                Directory.Delete(directory, recursive: true);
            }
            else
            {
                foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
                {
                    if (entry is DirectoryInfo subdirectory)
                    {
                        subdirectory.Delete(recursive: true);
                    }
                    else
                    {
                        entry.Delete();
                    }
                }
            }

            logger.LogWarning("The restore failed; removed what it had written into {Directory}", directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupRestoreException(
                $"{failure.Message.ReplaceLineEndings(" ")}; removing what the restore had written into {directory} failed too ({ex.Message}): empty it before a server starts on it", failure);
        }
    }

    private static string EntryName(RestoreContext context)
    {
        var entryName = context.Metadata.GetValueOrDefault("entryName") ?? MariaDbBackupSettings.DefaultEntryName;
        return context.Entries.EntryNames.Contains(entryName)
            ? entryName
            : throw new BackupRestoreException($"backup {context.BackupId} has no entry '{entryName}' (entries: {string.Join(", ", context.Entries.EntryNames)})");
    }

    private async Task ExtractAsync(RestoreContext context, string directory, CancellationToken cancellationToken)
    {
        var entryName = EntryName(context);
        logger.LogInformation("Extracting {Entry} of {Id} into {Directory}", entryName, context.BackupId, directory);
        await using var entry = await context.Entries.OpenAsync(entryName, cancellationToken).ConfigureAwait(false);
        await RunAsync(settings.StreamCommand, ["-x", "-C", directory], PipeSource.FromStream(entry), cancellationToken).ConfigureAwait(false);
    }

    // A prepare by another mariadb-backup version may fail half-way or, worse, succeed with a redo log it misreads:
    // refuse before touching the directory. The comparison is on major.minor, which fixes the redo-log format.
    private async Task CheckToolVersionAsync(RestoreContext context, CancellationToken cancellationToken)
    {
        if (context.Metadata.GetValueOrDefault("toolVersion") is not { } made || MajorMinor(made) is not { } wanted)
        {
            return;
        }

        var version = new System.Text.StringBuilder();
        var (exitCode, stderr) = await ClientProcess.RunAsync(
            ClientLogin.WithoutLogin(settings.BackupCommand, ["--version"], settings.Nodes.Password.SecretVariables)
                .WithStandardOutputPipe(PipeTarget.ToStringBuilder(version)),
            cancellationToken).ConfigureAwait(false);
        // mariadb-backup prints its version on stderr ("mariadb-backup based on MariaDB server 10.11.19-MariaDB ...").
        var here = MajorMinor(version + " " + stderr);
        if (exitCode == 0 && here is not null && here != wanted)
        {
            throw new BackupRestoreException($"backup {context.BackupId} was made by mariadb-backup {made}; this {settings.BackupCommand} is {here}: prepare it with a {wanted} mariadb-backup");
        }
    }

    private static string? MajorMinor(string text) => Version().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"\b(\d+\.\d+)\.\d+")]
    private static partial Regex Version();

    /// <summary>Checks that the target is empty, or creates it; returns whether it was created.</summary>
    private static bool PrepareDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            var entries = Directory.GetFileSystemEntries(directory);
            if (entries.Length == 1 && Path.GetFileName(entries[0]) == IncompleteDirectoryName)
            {
                throw new BackupRestoreException(
                    $"target data directory {directory} holds an interrupted restore ({entries[0]}: the files of a restore that was killed before it finished); nothing was written: remove {entries[0]}, then restore again");
            }

            if (entries.Length > 0)
            {
                throw new BackupRestoreException($"target data directory {directory} is not empty; nothing was written (a physical restore needs an empty directory and the server stopped)");
            }

            return false;
        }

        CreatePrivateDirectory(directory);
        return true;
    }

    private static void CreatePrivateDirectory(string directory)
    {
        try
        {
            // 0750 like mariadb-install-db's: the server's user reads it, nobody else.
            if (OperatingSystem.IsWindows())
            {
                throw new BackupRestoreException("a physical restore needs a Linux host (mariadb-backup)");
            }

            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupRestoreException($"cannot create target data directory {directory}: {ex.Message}", ex);
        }
    }

    private async Task RunAsync(string program, IReadOnlyList<string> arguments, PipeSource input, CancellationToken cancellationToken)
    {
        int exitCode;
        string stderr;
        try
        {
            (exitCode, stderr) = await ClientProcess.RunAsync(
                ClientLogin.WithoutLogin(program, arguments, settings.Nodes.Password.SecretVariables).WithStandardInputPipe(input),
                cancellationToken).ConfigureAwait(false);
        }
        catch (ClientNotStartedException ex)
        {
            throw new BackupRestoreException($"cannot start '{program}': {ex.Message}", ex);
        }

        if (exitCode != 0)
        {
            throw new BackupRestoreException($"{Path.GetFileName(program)} {arguments[0]} failed with exit code {exitCode}: {stderr}");
        }
    }
}
