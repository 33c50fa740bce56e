namespace Backup.Host.Spec;

/// <summary>The spec's <c>incremental</c> section: most backups are increments on the previous one, every <paramref name="FullEvery"/>-th is full.</summary>
/// <param name="FullEvery">The chain length: a full backup, then up to <c>FullEvery - 1</c> increments, then a full one again.</param>
internal sealed record IncrementalSpec(int FullEvery)
{
    /// <summary>The shortest chain that has an increment in it.</summary>
    public const int MinFullEvery = 2;

    /// <summary>The longest chain: a restore downloads and applies every link, and retention keeps them all.</summary>
    public const int MaxFullEvery = 100;
}
