using Backup.Abstractions;
using Backup.MariaDb.Nodes;
using Backup.MariaDb.Passwords;

namespace Backup.Plugins.MariaDbHa;

/// <summary>The validated settings of one <c>mariadb-ha</c> source.</summary>
/// <param name="Discovery">Where the candidate nodes come from: <c>host</c>, <c>hosts</c> or <c>kubernetesService</c>.</param>
/// <param name="User">The database user.</param>
/// <param name="Password">Where the password comes from.</param>
/// <param name="DumpCommand">The mariadb-dump executable.</param>
/// <param name="ExtraArgs">Arguments appended to the data dump's.</param>
/// <param name="EntryName">The data entry's name in the archive.</param>
/// <param name="Layout">What the backup contains (<c>layout</c>).</param>
/// <param name="Desync">Whether to set <c>wsrep_desync=ON</c> on the dumped node for the dump.</param>
/// <param name="Prefer">Nodes to try first, in order (host, host:port, pod or wsrep node name).</param>
/// <param name="Avoid">Nodes to use only when no other is usable (e.g. the one taking the writes).</param>
/// <param name="MaxAttempts">How many dumps to try before giving up: on other nodes, or again on the only usable one after an error a retry can fix.</param>
/// <param name="ConnectTimeoutSeconds">How long to wait for a node to answer a probe.</param>
/// <param name="RecordBinlogPosition">Whether layouts other than <c>seed</c> add <c>--master-data=2 --gtid</c> when the node writes a binlog.</param>
/// <param name="BinlogCommand">The mariadb-binlog executable, for archiving and replaying binary logs (point-in-time recovery).</param>
internal sealed record MariaDbHaSettings(
    INodeDiscovery Discovery,
    string User,
    IPasswordSource Password,
    string DumpCommand,
    IReadOnlyList<string> ExtraArgs,
    string EntryName,
    DumpLayout Layout,
    bool Desync,
    IReadOnlyList<string> Prefer,
    IReadOnlyList<string> Avoid,
    int MaxAttempts,
    int ConnectTimeoutSeconds,
    bool RecordBinlogPosition,
    string BinlogCommand)
{
    /// <summary>Reads the settings, recording every problem in <paramref name="settings"/> instead of throwing.</summary>
    public static MariaDbHaSettings Read(PluginSettings settings)
    {
        // Nodes, login, choice and fall-over are read as every MariaDB source reads them (src/Backup.MariaDb).
        var nodes = NodeSettings.Read(settings);
        var dumpCommand = settings.GetString("dumpCommand", "mariadb-dump")!;
        var extraArgs = settings.GetStringList("extraArgs");
        foreach (var problem in extraArgs.Select(ExtraArgsPolicy.Problem).OfType<string>())
        {
            settings.AddProblem("extraArgs", problem);
        }
        var entryName = settings.GetEntryName("entryName", "all-databases-dump.sql");
        var layout = DumpLayoutNames.Parse(settings.GetChoice("layout", DumpLayoutNames.All, "seed")!);
        if (layout == DumpLayout.GaleraSafe && entryName == DumpArguments.UsersEntryName)
        {
            settings.AddProblem("entryName", $"must not be '{DumpArguments.UsersEntryName}': the galera-safe layout writes users there");
        }

        return new MariaDbHaSettings(
            nodes.Discovery,
            nodes.User,
            nodes.Password,
            dumpCommand,
            extraArgs,
            entryName,
            layout,
            nodes.Desync,
            nodes.Prefer,
            nodes.Avoid,
            nodes.MaxAttempts,
            nodes.ConnectTimeoutSeconds,
            settings.GetBoolean("recordBinlogPosition", true),
            settings.GetString("binlogCommand", "mariadb-binlog")!);
    }

    /// <summary>The node settings shared with every MariaDB source.</summary>
    public NodeSettings Nodes => new(Discovery, User, Password, Desync, Prefer, Avoid, MaxAttempts, ConnectTimeoutSeconds);
}
