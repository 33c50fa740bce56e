using Backup.Deploy.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace Backup.Deploy.Tests;

/// <summary>The container's environment and the job spec's <c>${VAR}</c>s agree, and carry the seed design's variables.</summary>
public sealed class EnvironmentSpecs
{
    // Read by the host itself (src/Backup.Host), not through the spec.
    internal static readonly string[] HostVariables = ["BACKUP_TEMP_DIR", "BACKUP_LOG_FORMAT", "BACKUP_PLUGINS_DIR"];

    private readonly Dockerfile _dockerfile = Dockerfile.Load();

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void Every_variable_the_spec_needs_is_set_by_the_container_or_the_image(string overlay)
    {
        var manifests = DeployTree.Render(overlay);
        var spec = manifests.SpecText(DeployTree.SpecConfigMap, DeployTree.SpecKey);
        var provided = manifests.ResolvedEnvironment().Keys.Concat(_dockerfile.Environment.Keys).ToHashSet();
        SpecVariables.Required(spec).Should().NotBeEmpty().And.BeSubsetOf(provided);
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void Every_variable_the_container_sets_is_used_by_the_spec_or_the_host(string overlay)
    {
        var manifests = DeployTree.Render(overlay);
        var used = SpecVariables.Read(manifests.SpecText(DeployTree.SpecConfigMap, DeployTree.SpecKey)).Keys.Concat(HostVariables);
        manifests.ResolvedEnvironment().Keys.Should().BeSubsetOf(used, "a variable nobody reads is a setting that silently does nothing");
    }

    [Theory]
    [InlineData("aws", "S3_BUCKET")]
    [InlineData("azure", "AZURE_STORAGE_CONTAINER")]
    [InlineData("gcp", "GCS_BUCKET")]
    [InlineData("local", "BACKUP_LOCAL_DIR")]
    public void The_seed_variables_are_set_and_CLOUD_PROVIDER_names_the_image_storage(string overlay, string bucketVariable)
    {
        var environment = DeployTree.Render(overlay).ResolvedEnvironment();
        environment.Should().ContainKeys("CELL_DEFAULT_NAMESPACE", "MARIADB_HA_SERVICE_NAME", "MARIADB_HA_SECRET_NAME", bucketVariable);
        environment["CLOUD_PROVIDER"].Should().Be(overlay);
        environment.Values.Should().OnlyContain(value => value.Length > 0);
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void The_storage_plugin_is_the_one_CLOUD_PROVIDER_names(string overlay)
    {
        var spec = DeployTree.Render(overlay).SpecText(DeployTree.SpecConfigMap, DeployTree.SpecKey);
        var stream = new YamlStream();
        stream.Load(new StringReader(spec));
        var root = (YamlMappingNode)stream.Documents.Single().RootNode;
        var storage = (YamlMappingNode)root["storage"];
        storage["plugin"].ToString().Should().Be("${CLOUD_PROVIDER}");
        root["source"]["plugin"].ToString().Should().Be("${BACKUP_SOURCE_PLUGIN:-mariadb-ha}", "logical unless deploy/components/mariadb-backup sets the variable");
    }
}
