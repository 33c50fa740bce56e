using Backup.Abstractions;
using Backup.Host.Spec;

namespace Backup.Host.Tests;

public sealed class SpecLoaderSpecs
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["CLOUD_PROVIDER"] = "aws",
        ["S3_BUCKET"] = "backups",
        ["CELL_DEFAULT_NAMESPACE"] = "cell-7",
    };

    [Fact]
    public void A_full_spec_is_read_with_variables_substituted_per_value()
    {
        var spec = Parse("""
            name: nightly
            source:
              plugin: mariadb-ha
              settings:
                host: ${MARIADB_HA_SERVICE_NAME:-startree-mariadb-ha}
                port: 3306
                extraArgs: [--quick, --hex-blob]
                password:
                  kubernetesSecret:
                    namespace: ${CELL_DEFAULT_NAMESPACE}
            storage:
              plugin: ${CLOUD_PROVIDER}
              settings:
                bucket: ${S3_BUCKET}
            artifact:
              prefix: /mariadb-ha-backup/
              name: "{job}-{timestamp}-full"
            tempDirectory: /scratch
            """);

        spec.Name.Should().Be("nightly");
        spec.Source.Plugin.Should().Be("mariadb-ha");
        spec.Source.Settings.GetString("host").Should().Be("startree-mariadb-ha");
        spec.Source.Settings.GetInt32("port", 0).Should().Be(3306);
        spec.Source.Settings.GetStringList("extraArgs").Should().Equal("--quick", "--hex-blob");
        spec.Source.Settings.GetSection("password")!.GetSection("kubernetesSecret")!.GetString("namespace").Should().Be("cell-7");
        spec.Storage.Plugin.Should().Be("aws");
        spec.Storage.Settings.GetString("bucket").Should().Be("backups");
        spec.Artifact.Should().Be(new ArtifactSpec("mariadb-ha-backup", "{job}-{timestamp}-full"));
        spec.TempDirectory.Should().Be("/scratch");
    }

    [Fact]
    public void The_prefix_defaults_to_the_job_name_and_the_name_to_a_timestamped_template()
    {
        var spec = Parse("name: nightly\nsource: {plugin: a}\nstorage: {plugin: b}\n");

        spec.Artifact.Should().Be(new ArtifactSpec("nightly", "{job}-{timestamp}-{unique}"));
        spec.Source.Settings.Keys.Should().BeEmpty();
    }

    [Fact]
    public void Every_problem_is_reported_at_once_with_file_line_and_column()
    {
        var act = () => Parse("""
            source:
              plugin: a
              colour: red
            storage:
              settings: {}
            artifact:
              name: "{job}-{when}"
            """);

        act.Should().Throw<BackupSettingsException>().Which.Problems.Should().BeEquivalentTo(
            "job.yaml:3:3: unknown key 'source.colour' (expected one of: plugin, settings)",
            "job.yaml:1:1: name is required",
            "job.yaml:5:3: storage.plugin is required",
            "job.yaml:7:9: artifact.name '{job}-{when}' has an unknown placeholder (known: {job}, {timestamp}, {unique})");
    }

    [Fact]
    public void A_variable_cannot_inject_yaml_structure()
    {
        var spec = new SpecLoader(name => name == "EVIL" ? "x\nstorage: {plugin: evil}" : null)
            .Parse("name: n\nsource: {plugin: a, settings: {host: '${EVIL}'}}\nstorage: {plugin: b}\n", "job.yaml");

        spec.Storage.Plugin.Should().Be("b");
        spec.Source.Settings.GetString("host").Should().Be("x\nstorage: {plugin: evil}");
    }

    [Theory]
    [InlineData("name: ../etc\nsource: {plugin: a}\nstorage: {plugin: b}\n", "name '../etc' may only contain")]
    [InlineData("name: n\nsource: {plugin: a}\nstorage: {plugin: b}\nartifact: {prefix: a/../b}\n", "artifact.prefix must not contain empty, '.' or '..' segments")]
    [InlineData("name: n\nsource: [a]\nstorage: {plugin: b}\n", "source must be a mapping")]
    [InlineData("- just\n- a list\n", "the spec must be one YAML mapping")]
    [InlineData("name: n\nsource: {plugin: a, settings: {hosts: [{a: 1}]}}\nstorage: {plugin: b}\n", "source.settings.hosts must be a list of plain values")]
    public void Unsafe_or_malformed_values_are_rejected(string yaml, string expected)
    {
        var act = () => Parse(yaml);

        act.Should().Throw<BackupSettingsException>().Which.Message.Should().Contain(expected);
    }

    private static JobSpec Parse(string yaml) =>
        new SpecLoader(name => Environment.GetValueOrDefault(name)).Parse(yaml, "job.yaml");
}
