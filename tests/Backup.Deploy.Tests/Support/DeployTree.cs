using Backup.Testing;

namespace Backup.Deploy.Tests.Support;

/// <summary>The deploy/ folder: its overlays (one per storage), the optional components, and rendering them.</summary>
internal static class DeployTree
{
    /// <summary>The ConfigMap holding the job spec, and its key (the file name under the mount path).</summary>
    public const string SpecConfigMap = "startree-backup-spec";

    /// <summary>The key of the job spec in <see cref="SpecConfigMap"/>.</summary>
    public const string SpecKey = "job.yaml";

    /// <summary>deploy/ in the repository.</summary>
    public static string Root { get; } = Path.Combine(RepositoryPaths.Root, "deploy");

    /// <summary>The overlay names (= storage plugin names): aws, azure, gcp, local.</summary>
    public static IReadOnlyList<string> Overlays { get; } =
        Directory.GetDirectories(Path.Combine(Root, "overlays")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;

    /// <summary>The overlays as xunit theory data.</summary>
    public static TheoryData<string> OverlayData => [.. Overlays];

    /// <summary>The overlays whose storage plugin is in this checkout (the cloud plugins come from other branches) as theory data.</summary>
    public static TheoryData<string> InstalledOverlayData => [.. InstalledOverlays];

    /// <summary>The overlays whose storage plugin is in this checkout.</summary>
    public static IReadOnlyList<string> InstalledOverlays => Overlays.Where(ImageLayouts.Storages.Contains).ToList();

    /// <summary>Renders deploy/overlays/<paramref name="overlay"/> into typed objects.</summary>
    public static Manifests Render(string overlay) => Manifests.Load(new Kustomize().BuildText(Path.Combine(Root, "overlays", overlay)));

    /// <summary>Renders <paramref name="overlay"/> with the optional deploy/components/<paramref name="component"/> added, as a user would.</summary>
    public static Manifests RenderWithComponent(string overlay, string component, Kustomize? kustomize = null)
    {
        using var dir = new TempDir("backup-deploy-");
        File.WriteAllText(dir.Combine("kustomization.yaml"), $"""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
              - {Path.Combine(Root, "overlays", overlay)}
            components:
              - {Path.Combine(Root, "components", component)}
            """);
        return Manifests.Load((kustomize ?? new Kustomize()).BuildText(dir.Path));
    }
}
