using System.Text.RegularExpressions;
using Backup.Abstractions;
using Backup.MariaDb;
using CliWrap;
using Microsoft.Extensions.Logging;

namespace Backup.Plugins.MariaDbBackup;

/// <summary>Restores a verified physical backup into an empty data directory: <c>mbstream -x</c>, then <c>mariadb-backup --prepare</c>; a stopped server then starts on it.</summary>
/// <remarks>
/// The prepared directory IS the data directory (no <c>--copy-back</c>): extracting straight into it saves a second
/// full copy of the data. The host verified every byte before this runs, so the stream is trusted; the directory
/// must be empty so a restore never mixes two servers' files.
/// </remarks>
internal sealed partial class DatadirRestorer(MariaDbBackupSettings settings, Microsoft.Extensions.Logging.ILogger logger)
{
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

        var entryName = context.Metadata.GetValueOrDefault("entryName") ?? MariaDbBackupSettings.DefaultEntryName;
        if (!context.Entries.EntryNames.Contains(entryName))
        {
            throw new BackupRestoreException($"backup {context.BackupId} has no entry '{entryName}' (entries: {string.Join(", ", context.Entries.EntryNames)})");
        }

        await CheckToolVersionAsync(context, cancellationToken).ConfigureAwait(false);
        PrepareDirectory(directory);

        logger.LogInformation("Extracting {Entry} of {Id} into {Directory}", entryName, context.BackupId, directory);
        await using (var entry = await context.Entries.OpenAsync(entryName, cancellationToken).ConfigureAwait(false))
        {
            await RunAsync(settings.StreamCommand, ["-x", "-C", directory], PipeSource.FromStream(entry), cancellationToken).ConfigureAwait(false);
        }

        logger.LogInformation("Preparing {Directory} (mariadb-backup --prepare)", directory);
        await RunAsync(settings.BackupCommand, ["--prepare", $"--target-dir={directory}"], PipeSource.Null, cancellationToken).ConfigureAwait(false);

        // For Galera: the copy's cluster position, which a node bootstrapped from this directory starts from (docs/mariadb-backup.md).
        var galera = Path.Combine(directory, "xtrabackup_galera_info");
        if (File.Exists(galera) && new FileInfo(galera).Length < 4096)
        {
            logger.LogInformation("Galera position of the backup (xtrabackup_galera_info): {Position}", (await File.ReadAllTextAsync(galera, cancellationToken).ConfigureAwait(false)).Trim());
        }
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

    private static void PrepareDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            if (Directory.EnumerateFileSystemEntries(directory).Any())
            {
                throw new BackupRestoreException($"target data directory {directory} is not empty; nothing was written (a physical restore needs an empty directory and the server stopped)");
            }

            return;
        }

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
