using System.Globalization;

namespace Backup.MariaDb.Nodes;

/// <summary>A server the backup may dump from, as discovery found it.</summary>
/// <param name="Host">Its host name or IP address.</param>
/// <param name="Port">Its SQL port.</param>
/// <param name="Name">A friendlier name when discovery knows one (the pod behind an endpoint), or null.</param>
/// <param name="Unavailable">Why discovery already rules it out (e.g. an endpoint that is not ready), or null.</param>
internal sealed record NodeCandidate(string Host, int Port, string? Name = null, string? Unavailable = null)
{
    /// <summary><c>host:port</c>, as recorded in the manifest.</summary>
    public string Address => Host.Contains(':', StringComparison.Ordinal)
        ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public override string ToString() => Name is null ? Address : $"{Address} ({Name})";

    /// <summary>Whether <paramref name="pattern"/> (from prefer/avoid) names this node: host, host:port or pod name.</summary>
    public bool Matches(string pattern) =>
        string.Equals(pattern, Host, StringComparison.OrdinalIgnoreCase)
        || string.Equals(pattern, Address, StringComparison.OrdinalIgnoreCase)
        || (Name is not null && string.Equals(pattern, Name, StringComparison.OrdinalIgnoreCase));
}
