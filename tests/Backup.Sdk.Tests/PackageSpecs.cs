using System.IO.Compression;
using System.Reflection;
using System.Xml.Linq;
using Backup.Sdk.Tests.Support;

namespace Backup.Sdk.Tests;

/// <summary>What <c>dotnet pack</c> makes of the contract and the conformance kit: what a plugin author downloads.</summary>
[Collection(SdkCollection.Name)]
public sealed class PackageSpecs(SdkFixture sdk)
{
    private static readonly string Version = SdkFixture.HostContractVersion;

    [Fact]
    public void The_contract_package_has_the_contract_version_xml_docs_readme_licence_and_symbols()
    {
        var feed = SamplePlugin.FeedOf(sdk.Current);
        File.Exists(Path.Combine(feed, $"Backup.Abstractions.{Version}.snupkg")).Should().BeTrue("symbols are published beside the package");
        using var package = ZipFile.OpenRead(Path.Combine(feed, $"Backup.Abstractions.{Version}.nupkg"));

        package.Entries.Select(e => e.FullName).Should().Contain(
        [
            "lib/net10.0/Backup.Abstractions.dll",
            "lib/net10.0/Backup.Abstractions.xml",
            "README.md",
            "build/Backup.Abstractions.props",
            "build/Backup.Abstractions.targets",
            "buildTransitive/Backup.Abstractions.props",
            "buildTransitive/Backup.Abstractions.targets",
        ]);
        var metadata = Nuspec(package);
        metadata.Element(metadata.Name.Namespace + "version")!.Value.Should().Be(Version);
        metadata.Element(metadata.Name.Namespace + "license")!.Value.Should().NotBeNullOrWhiteSpace();
        metadata.Element(metadata.Name.Namespace + "readme")!.Value.Should().Be("README.md");
        Read(package, "buildTransitive/Backup.Abstractions.props").Should().Contain($"<BackupContractVersion>{Version}</BackupContractVersion>");
    }

    [Fact]
    public void The_conformance_kit_package_depends_on_the_same_contract_version()
    {
        using var package = ZipFile.OpenRead(Path.Combine(SamplePlugin.FeedOf(sdk.Current), $"Backup.PluginTesting.{Version}.nupkg"));

        package.Entries.Select(e => e.FullName).Should().Contain("lib/net10.0/Backup.PluginTesting.dll");
        var metadata = Nuspec(package);
        metadata.Descendants(metadata.Name.Namespace + "dependency")
            .Select(d => (d.Attribute("id")!.Value, d.Attribute("version")!.Value))
            .Should().Contain(("Backup.Abstractions", Version)).And.Contain(d => d.Item1 == "xunit");
    }

    [Fact]
    public void A_newer_minor_contract_keeps_the_assembly_version_pinned_to_the_major()
    {
        using var package = ZipFile.OpenRead(Path.Combine(SamplePlugin.FeedOf(sdk.Newer), $"Backup.Abstractions.{SdkFixture.NewerContractVersion}.nupkg"));
        var dll = Path.Combine(sdk.NewTestDirectory(), "Backup.Abstractions.dll");
        package.GetEntry("lib/net10.0/Backup.Abstractions.dll")!.ExtractToFile(dll);

        AssemblyName.GetAssemblyName(dll).Version.Should().Be(new Version(int.Parse(Version.Split('.')[0]), 0, 0, 0),
            "a 1.x plugin must bind to any 1.y host; the minor version travels in [assembly: BackupContract]");
    }

    private static XElement Nuspec(ZipArchive package)
    {
        var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var root = XDocument.Load(stream).Root!;
        return root.Element(root.Name.Namespace + "metadata")!;
    }

    private static string Read(ZipArchive package, string entry)
    {
        using var reader = new StreamReader(package.GetEntry(entry)!.Open());
        return reader.ReadToEnd();
    }
}
