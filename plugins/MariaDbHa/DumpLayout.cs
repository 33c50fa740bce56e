namespace Backup.Plugins.MariaDbHa;

/// <summary>What a backup contains and how it is split into entries; recorded in the manifest so a restore knows what it has.</summary>
internal enum DumpLayout
{
    /// <summary>The seed's argument list: <c>--all-databases</c> (with <c>mysql</c>) minus <c>mysql.global_priv</c>, one entry.</summary>
    Seed,

    /// <summary>Every database but <c>mysql</c> with routines and events, plus users and grants as portable SQL in <c>users.sql</c>: safe to load into a live Galera cluster.</summary>
    GaleraSafe,

    /// <summary>Application schemas only (not <c>mysql</c> or <c>sys</c>), no users.</summary>
    Schemas,
}
