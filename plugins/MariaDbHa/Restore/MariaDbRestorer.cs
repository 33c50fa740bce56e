using Backup.Abstractions;
using Backup.MariaDb;
using Backup.MariaDb.Nodes;
using Backup.Plugins.MariaDbHa.Dump;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace Backup.Plugins.MariaDbHa.Restore;

/// <summary>Loads a verified backup into a MariaDB server: checks the target first, then feeds each SQL entry to the <c>mariadb</c> client.</summary>
internal sealed class MariaDbRestorer(MariaDbHaSettings settings, ILogger logger)
{
    /// <summary>Restores <paramref name="context"/>'s entries into the target (command-line override, else the source's settings).</summary>
    public async Task RestoreAsync(RestoreContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Target.DataDirectory is not null)
        {
            throw new BackupRestoreException("mariadb-ha backups are SQL and load into a running server: use --target-host/--target-port, not --target-datadir (that is for mariadb-backup backups)");
        }

        var order = RestorePlan.LoadOrder(context.Entries.EntryNames, context.Databases);
        if (order.Count == 0)
        {
            throw new BackupRestoreException($"backup {context.BackupId} has no .sql entry to load (entries: {string.Join(", ", context.Entries.EntryNames)})");
        }

        // Checked before anything is loaded, and before the target is touched: a mistyped name loads nothing.
        var databases = context.Databases.Count == 0 ? null : context.Databases.ToHashSet(StringComparer.Ordinal);
        if (databases is not null)
        {
            await RequireDatabasesAsync(context, order, cancellationToken).ConfigureAwait(false);
        }

        var password = await settings.Password.ResolveAsync(cancellationToken).ConfigureAwait(false);
        using var login = ClientLogin.Create(context.WorkDirectory, password, settings.Password.SecretVariables);
        var (host, port) = await TargetAsync(context.Target, cancellationToken).ConfigureAwait(false);
        var client = new MariaDbClient(login, host, port, settings.User);

        var target = await TargetState.ReadAsync(client, cancellationToken).ConfigureAwait(false);
        if (RestorePlan.RefusalFor(context.Metadata, target.IsGalera) is { } refusal)
        {
            throw new BackupRestoreException($"backup {context.BackupId} {refusal}; target {client.Server}");
        }

        // With --database only the named databases must be absent: the rest of the target is left alone.
        var occupied = context.Databases.Count == 0 ? target.UserDatabases : target.UserDatabases.Intersect(context.Databases, StringComparer.Ordinal).ToList();
        if (occupied.Count > 0)
        {
            var names = string.Join(", ", occupied.Take(10)) + (occupied.Count > 10 ? ", ..." : "");
            if (!context.Force)
            {
                throw new BackupRestoreException($"target {client.Server} is not empty (databases with tables, routines or events: {names}); nothing was loaded; use --force to load into it anyway");
            }

            logger.LogWarning("Target {Server} already holds {Databases}; loading anyway (--force)", client.Server, names);
        }

        if (context.Databases.Count > 0 && context.Entries.EntryNames.Contains(RestorePlan.UsersEntry))
        {
            logger.LogInformation("Not loading {Entry}: users and grants belong to the whole server, not to the databases asked for", RestorePlan.UsersEntry);
        }

        foreach (var entry in order)
        {
            logger.LogInformation("Loading {Entry} of backup {BackupId} into {Server}", entry, context.BackupId, client.Server);
            var opened = await context.Entries.OpenAsync(entry, cancellationToken).ConfigureAwait(false);
            await using var stream = databases is null ? opened : new DatabaseFilterStream(opened, databases);
            await client.LoadAsync(stream, entry, cancellationToken).ConfigureAwait(false);
        }

        logger.LogInformation("Backup {BackupId} loaded into {Server}", context.BackupId, client.Server);
    }

    /// <summary>Replays archived binlogs into the target a backup was just restored into (see <see cref="BinlogReplayer"/>).</summary>
    public async Task ReplayAsync(LogReplay replay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replay);
        var password = await settings.Password.ResolveAsync(cancellationToken).ConfigureAwait(false);
        using var login = ClientLogin.Create(replay.WorkDirectory, password, settings.Password.SecretVariables);
        var (host, port) = await TargetAsync(replay.Target, cancellationToken).ConfigureAwait(false);
        var client = new MariaDbClient(login, host, port, settings.User);
        await new BinlogReplayer(settings.BinlogCommand, client, settings.Password.SecretVariables, logger).ReplayAsync(replay, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses names no entry has a section for, listing the ones the backup has; reads every entry to load once more to find them.</summary>
    private static async Task RequireDatabasesAsync(RestoreContext context, IReadOnlyList<string> order, CancellationToken cancellationToken)
    {
        var inDump = new List<string>();
        foreach (var entry in order)
        {
            await using var stream = await context.Entries.OpenAsync(entry, cancellationToken).ConfigureAwait(false);
            inDump.AddRange(await DumpSections.ListAsync(stream, cancellationToken).ConfigureAwait(false));
        }

        inDump = [.. inDump.Distinct(StringComparer.Ordinal)];
        var missing = context.Databases.Where(name => !inDump.Contains(name, StringComparer.Ordinal)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var holds = inDump.Count == 0
            ? "it has no database sections ('-- Current Database:' lines of an --all-databases dump)"
            : "it holds " + string.Join(", ", inDump.Take(50)) + (inDump.Count > 50 ? $" and {inDump.Count - 50} more" : "");
        throw new BackupRestoreException($"backup {context.BackupId} has no database {string.Join(", ", missing)}: {holds}; nothing was loaded");
    }

    /// <summary>Reads what the target (command-line override, else the source's settings) holds, for a drill's checks.</summary>
    public async Task<ContentInventory> ReadInventoryAsync(RestoreTarget target, CancellationToken cancellationToken)
    {
        var password = await settings.Password.ResolveAsync(cancellationToken).ConfigureAwait(false);
        var (host, port) = await TargetAsync(target, cancellationToken).ConfigureAwait(false);
        var node = new NodeCandidate(host, port);
        try
        {
            return await TargetInventory.ReadAsync(new NodeProbe(settings.User, password, settings.ConnectTimeoutSeconds), node, cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BackupRestoreException($"cannot read what target {node.Address} holds: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The server to load into: the command line's target, else the first node the source's discovery finds
    /// (in a Galera cluster a load into one node replicates to the others).
    /// </summary>
    private async Task<(string Host, int Port)> TargetAsync(RestoreTarget target, CancellationToken cancellationToken)
    {
        if (target.Host is { } host && target.Port is { } port)
        {
            return (host, port);
        }

        var candidates = await settings.Discovery.DiscoverAsync(cancellationToken).ConfigureAwait(false);
        var first = candidates.FirstOrDefault(c => c.Unavailable is null) ?? candidates[0];
        return (target.Host ?? first.Host, target.Port ?? first.Port);
    }
}
