using Backup.Deploy.Tests.Support;
using k8s;
using YamlDotNet.RepresentationModel;

namespace Backup.Deploy.Tests;

/// <summary>Every YAML file under deploy/ is a kustomization, a job spec, or Kubernetes objects the model loader accepts (the PrometheusRule too); none is orphaned.</summary>
public sealed class ManifestFileSpecs
{
    private static readonly IReadOnlyList<string> YamlFiles =
        Directory.GetFiles(DeployTree.Root, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

    [Fact]
    public void Every_manifest_loads_as_typed_kubernetes_objects_without_unknown_fields()
    {
        var manifests = YamlFiles.Where(f => Path.GetFileName(f) is not ("kustomization.yaml" or DeployTree.SpecKey)).ToList();
        manifests.Should().NotBeEmpty();
        foreach (var file in manifests)
        {
            var act = () => KubernetesYaml.LoadAllFromString(File.ReadAllText(file), PrometheusRule.TypeMap, strict: true);
            act.Should().NotThrow($"{file} must be valid Kubernetes objects").Which.Should().NotBeEmpty(file);
        }
    }

    [Fact]
    public void Every_job_spec_file_is_a_single_yaml_mapping()
    {
        foreach (var file in YamlFiles.Where(f => Path.GetFileName(f) == DeployTree.SpecKey))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(File.ReadAllText(file)));
            stream.Documents.Should().ContainSingle(file).Which.RootNode.Should().BeOfType<YamlMappingNode>();
        }
    }

    [Fact]
    public void Every_yaml_file_is_used_by_an_overlay_or_a_component()
    {
        var kustomize = new Kustomize();
        foreach (var overlay in DeployTree.Overlays)
        {
            kustomize.Build(Path.Combine(DeployTree.Root, "overlays", overlay));
        }

        kustomize.Build(Path.Combine(DeployTree.Root, "monitoring"));
        kustomize.Build(Path.Combine(DeployTree.Root, "monitoring", "binlogs"));
        foreach (var component in Directory.GetDirectories(Path.Combine(DeployTree.Root, "components")))
        {
            DeployTree.RenderWithComponent(DeployTree.Overlays[0], Path.GetFileName(component), kustomize);
        }

        YamlFiles.Should().BeSubsetOf(kustomize.FilesRead, "a file no kustomization references is never deployed");
    }

    [Fact]
    public void There_is_an_overlay_for_every_storage_the_image_can_be_built_with()
    {
        DeployTree.Overlays.Should().Contain(["aws", "azure", "gcp", "local"]);
        DeployTree.Overlays.Should().Contain(ImageLayouts.Storages);
    }
}
