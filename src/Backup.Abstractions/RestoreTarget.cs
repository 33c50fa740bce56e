namespace Backup.Abstractions;

/// <summary>Where a restore goes, as given on the command line; <see langword="null"/> parts fall back to the source's settings.</summary>
/// <param name="Host">The target server's host name or address.</param>
/// <param name="Port">The target server's port.</param>
public sealed record RestoreTarget(string? Host, int? Port)
{
    /// <summary>No override: restore into the server the source's settings name.</summary>
    public static RestoreTarget FromSettings { get; } = new(null, null);
}
