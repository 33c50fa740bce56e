using System.Globalization;

namespace Backup.Host.Plugins;

/// <summary>The rule for loading a plugin: same contract major version as the host, and a minor version no higher than the host's.</summary>
/// <remarks>
/// A minor version only adds (a type, an optional interface), so a plugin built against 1.1 runs on a 1.3 host, but a
/// 1.3 plugin may call what a 1.1 host lacks. A major version changes or removes something: no crossing in either
/// direction. Patch versions (and pre-release tags) never matter.
/// </remarks>
internal static class ContractCompatibility
{
    /// <summary>Why a plugin built against <paramref name="pluginVersion"/> cannot run on a host with <paramref name="hostVersion"/>, or null when it can.</summary>
    public static string? Check(string pluginVersion, string hostVersion)
    {
        if (Parse(pluginVersion) is not { } plugin)
        {
            return $"its contract version '{pluginVersion}' is not a major.minor.patch version";
        }

        var host = Parse(hostVersion) ?? throw new ArgumentException($"host contract version '{hostVersion}' is invalid", nameof(hostVersion));
        var advice = $"a plugin needs contract {host.Major}.x with x <= {host.Minor}";
        if (plugin.Major != host.Major)
        {
            var fix = plugin.Major > host.Major ? "upgrade the host" : "rebuild the plugin against the host's Backup.Abstractions";
            return $"built against contract {pluginVersion}, the host has {hostVersion} ({advice}): {fix}";
        }

        if (plugin.Minor > host.Minor)
        {
            return $"built against contract {pluginVersion}, newer than the host's {hostVersion} ({advice}): upgrade the host or rebuild the plugin against Backup.Abstractions {host.Major}.{host.Minor}";
        }

        return null;
    }

    private static (int Major, int Minor)? Parse(string version)
    {
        var core = version.Split('-', '+')[0].Split('.');
        return core.Length >= 2
            && int.TryParse(core[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            && int.TryParse(core[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
                ? (major, minor)
                : null;
    }
}
