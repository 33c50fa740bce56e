using System.Globalization;
using Backup.Abstractions;
using Backup.MariaDb.Passwords;

namespace Backup.MariaDb.Nodes;

/// <summary>The settings every MariaDB source reads the same way: which nodes, how to log in, which node to choose, how often to fall over.</summary>
/// <param name="Discovery">Where the candidate nodes come from: <c>host</c>, <c>hosts</c> or <c>kubernetesService</c>.</param>
/// <param name="User">The database user.</param>
/// <param name="Password">Where the password comes from.</param>
/// <param name="Desync">Whether to set <c>wsrep_desync=ON</c> on the chosen Galera node while it is backed up.</param>
/// <param name="Prefer">Nodes to try first, in order (host, host:port, pod or wsrep node name).</param>
/// <param name="Avoid">Nodes to use only when no other is usable (e.g. the one taking the writes).</param>
/// <param name="MaxAttempts">How many attempts before giving up.</param>
/// <param name="ConnectTimeoutSeconds">How long to wait for a node to answer a probe.</param>
internal sealed record NodeSettings(
    INodeDiscovery Discovery,
    string User,
    IPasswordSource Password,
    bool Desync,
    IReadOnlyList<string> Prefer,
    IReadOnlyList<string> Avoid,
    int MaxAttempts,
    int ConnectTimeoutSeconds)
{
    /// <summary>Reads the settings, recording every problem in <paramref name="settings"/> instead of throwing.</summary>
    public static NodeSettings Read(PluginSettings settings)
    {
        var port = settings.GetInt32("port", 3306, 1, 65535);

        var discovery = ReadDiscovery(settings, port);
        var user = settings.GetString("user", "root")!;
        CheckPrintable(settings, "user", user);
        var password = PasswordSourceReader.Read(settings);

        var maxAttempts = settings.GetInt32("maxAttempts", 3, 1, int.MaxValue);
        var connectTimeout = settings.GetInt32("connectTimeoutSeconds", 5, 1, int.MaxValue);

        return new NodeSettings(
            discovery,
            user,
            password,
            settings.GetBoolean("desync", false),
            settings.GetStringList("prefer"),
            settings.GetStringList("avoid"),
            maxAttempts,
            connectTimeout);
    }

    private static INodeDiscovery ReadDiscovery(PluginSettings settings, int port)
    {
        // Contains marks each key as read; exactly one way to find the nodes may be set.
        var present = new[] { "host", "hosts", "kubernetesService" }.Where(settings.Contains).ToList();
        if (present.Count == 0)
        {
            settings.AddProblem("host", "is required (or list the nodes in hosts, or name a kubernetesService)");
            return new StaticNodeDiscovery([]);
        }

        if (present.Count > 1)
        {
            settings.AddProblem(present[1], $"cannot be combined with {present[0]}: set one of host, hosts or kubernetesService");
            return new StaticNodeDiscovery([]);
        }

        switch (present[0])
        {
            case "host":
                var host = settings.GetRequiredString("host");
                CheckPrintable(settings, "host", host);
                return new StaticNodeDiscovery([new NodeCandidate(host, port)]);
            case "hosts":
                var hosts = settings.GetStringList("hosts");
                if (hosts.Count == 0)
                {
                    settings.AddProblem("hosts", "must list at least one host");
                }

                foreach (var entry in hosts)
                {
                    CheckPrintable(settings, "hosts", entry);
                }

                return new StaticNodeDiscovery([.. hosts.Select(h => ParseHost(settings, h, port))]);
            default:
                var service = settings.GetSection("kubernetesService");
                if (service is null)
                {
                    settings.AddProblem("kubernetesService", "must be a mapping with namespace and name");
                    return new StaticNodeDiscovery([]);
                }

                return new EndpointSliceDiscovery(
                    service.GetRequiredString("namespace"),
                    service.GetRequiredString("name"),
                    service.GetString("portName"),
                    port,
                    service.GetString("kubeconfig"));
        }
    }

    // A newline in a host or user would split log lines, error lines and the manifest's facts, and no real name has one.
    private static void CheckPrintable(PluginSettings settings, string key, string value)
    {
        var index = Array.FindIndex(value.ToCharArray(), char.IsControl);
        if (index >= 0)
        {
            settings.AddProblem(key, $"must not contain control characters (U+{(int)value[index]:X4} at position {index + 1})");
        }
    }

    // "db-0", "db-0:3307", "10.0.0.5:3306" or "[fd00::5]:3306".
    private static NodeCandidate ParseHost(PluginSettings settings, string text, int defaultPort)
    {
        var host = text;
        string? portText = null;
        if (text.StartsWith('[') && text.IndexOf(']', StringComparison.Ordinal) is var close and > 0)
        {
            host = text[1..close];
            portText = text[(close + 1)..].TrimStart(':') is { Length: > 0 } p ? p : null;
        }
        else if (text.Count(c => c == ':') == 1)
        {
            host = text[..text.IndexOf(':', StringComparison.Ordinal)];
            portText = text[(text.IndexOf(':', StringComparison.Ordinal) + 1)..];
        }

        var port = defaultPort;
        if (host.Length == 0 || (portText is not null && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)))
        {
            settings.AddProblem("hosts", $"has an entry '{text}' that is not host or host:port");
        }

        return new NodeCandidate(host, port);
    }
}
