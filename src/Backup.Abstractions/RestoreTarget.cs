namespace Backup.Abstractions;

/// <summary>Where a restore goes, as given on the command line; <see langword="null"/> parts fall back to the source's settings.</summary>
/// <param name="Host">The target server's host name or address.</param>
/// <param name="Port">The target server's port.</param>
public sealed record RestoreTarget(string? Host, int? Port)
{
    /// <summary>An empty data directory to restore a physical backup into (<c>--target-datadir</c>), or <see langword="null"/> to restore into a server.</summary>
    /// <remarks>Added in contract 1.3; a source that restores only into a server refuses a restore that sets it.</remarks>
    public string? DataDirectory { get; init; }

    /// <summary>No override: restore into the server the source's settings name.</summary>
    public static RestoreTarget FromSettings { get; } = new(null, null);
}
