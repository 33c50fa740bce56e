using Backup.Host.Plugins;

namespace Backup.Host.Tests;

public sealed class ContractCompatibilitySpecs
{
    [Theory]
    [InlineData("1.0.0", "1.0.0")]
    [InlineData("1.0.0", "1.3.0")]
    [InlineData("1.2.0", "1.2.0")]
    [InlineData("1.2.9", "1.2.0")]
    [InlineData("1.2.0-preview.1", "1.2.0")]
    public void A_plugin_of_the_same_major_and_a_minor_no_higher_than_the_host_s_is_accepted(string plugin, string host)
    {
        ContractCompatibility.Check(plugin, host).Should().BeNull();
    }

    [Theory]
    [InlineData("1.3.0", "1.2.0", "built against contract 1.3.0, newer than the host's 1.2.0 (a plugin needs contract 1.x with x <= 2): upgrade the host or rebuild the plugin against Backup.Abstractions 1.2")]
    [InlineData("2.0.0", "1.5.0", "built against contract 2.0.0, the host has 1.5.0 (a plugin needs contract 1.x with x <= 5): upgrade the host")]
    [InlineData("1.0.0", "2.0.0", "built against contract 1.0.0, the host has 2.0.0 (a plugin needs contract 2.x with x <= 0): rebuild the plugin against the host's Backup.Abstractions")]
    [InlineData("one", "1.0.0", "its contract version 'one' is not a major.minor.patch version")]
    public void Any_other_plugin_is_refused_with_one_line_naming_both_versions(string plugin, string host, string expected)
    {
        ContractCompatibility.Check(plugin, host).Should().Be(expected);
    }

    [Fact]
    public void The_host_knows_its_own_contract_version_from_the_assembly_it_carries()
    {
        ContractStamp.HostVersion.Should().MatchRegex(@"^\d+\.\d+\.\d+");
        ContractStamp.Read(typeof(Backup.Abstractions.IBackupPlugin).Assembly.Location).ContractVersion.Should().Be(ContractStamp.HostVersion);
    }

    [Fact]
    public void A_plugin_s_name_and_kind_are_read_from_its_metadata_and_the_contract_itself_has_none()
    {
        var fake = ContractStamp.Read(typeof(Backup.TestPlugins.FakeSource.FakeSourcePlugin).Assembly.Location);
        var contract = ContractStamp.Read(typeof(Backup.Abstractions.IBackupPlugin).Assembly.Location);

        (fake.Name, fake.Kind, fake.ParsedKind, fake.ContractVersion).Should().Be(("fake", "source", PluginKind.Source, ContractStamp.HostVersion));
        (contract.Name, contract.Kind).Should().Be(((string?)null, (string?)null));
    }
}
