using Backup.Testing;
using CliWrap.Buffered;

namespace Backup.Deploy.Tests.Support;

/// <summary>Runs an image layout's <c>backup</c> the way the overlay's pod would: its mounted spec, the image's and the container's environment.</summary>
internal static class OverlayRun
{
    /// <summary>Writes the overlay's ConfigMap spec into <paramref name="directory"/> and runs <paramref name="command"/> on it from the <paramref name="storage"/> layout.</summary>
    /// <param name="overrides">Environment values that differ outside a cluster (the database address, directories); null removes a variable.</param>
    /// <param name="component">An optional deploy/components folder rendered with the overlay.</param>
    /// <param name="source">The source of the image layout that runs.</param>
    public static async Task<BufferedCommandResult> RunAsync(
        string storage, string overlay, string command, string directory, IReadOnlyDictionary<string, string?>? overrides = null,
        string? component = null, string source = ImageLayouts.DefaultSource)
    {
        var manifests = component is null ? DeployTree.Render(overlay) : DeployTree.RenderWithComponent(overlay, component);
        var spec = Path.Combine(directory, DeployTree.SpecKey);
        await File.WriteAllTextAsync(spec, manifests.SpecText(DeployTree.SpecConfigMap, DeployTree.SpecKey));

        // The test process's own BACKUP_* settings must not leak in: the image sets none but these.
        var environment = new Dictionary<string, string?> { ["BACKUP_PLUGINS_DIR"] = null };
        foreach (var (name, value) in Dockerfile.Load().Environment.Concat(manifests.ResolvedEnvironment()))
        {
            environment[name] = value;
        }

        foreach (var (name, value) in overrides ?? new Dictionary<string, string?>())
        {
            environment[name] = value;
        }

        return await PublishedHost.RunFromAsync(await ImageLayouts.DirectoryAsync(storage, source), [command, "--spec", spec], environment);
    }
}
