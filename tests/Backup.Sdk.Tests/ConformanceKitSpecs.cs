using Backup.Sdk.Tests.Support;
using CliWrap.Buffered;

namespace Backup.Sdk.Tests;

/// <summary>The conformance kit as a plugin author gets it, from its package: it runs its tests, and refuses to "pass" a project that would run none.</summary>
[Collection(SdkCollection.Name)]
public sealed class ConformanceKitSpecs(SdkFixture sdk)
{
    [Fact]
    public async Task The_sample_source_passes_the_source_kit_from_the_package()
    {
        var result = await TestAsync(Path.Combine(Samples, SamplePlugin.TestProject));

        result.ExitCode.Should().Be(0, result.StandardOutput + result.StandardError);

        // Two tests run; the two about secrets are skipped (the directory source takes none), and the entry-shape one (it
        // declares no shape: its one entry is a tar, and 'tar' would read as archive mode's .tar.gz), saying why.
        result.StandardOutput.Should().MatchRegex(@"Failed:\s+0, Passed:\s+2, Skipped:\s+3, Total:\s+5");
    }

    [Fact]
    public async Task A_test_project_without_the_xunit_runner_fails_to_build_instead_of_passing_with_no_tests()
    {
        var project = await VariantAsync("NoRunner", text => text.Replace("""    <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />""" + "\n", "", StringComparison.Ordinal));

        var result = await TestAsync(project);

        result.ExitCode.Should().NotBe(0);
        result.StandardOutput.Should().Contain("error BPT003: Backup.PluginTesting: this project does not reference xunit.runner.visualstudio");
    }

    [Fact]
    public async Task A_test_project_without_the_test_sdk_fails_to_build_instead_of_passing_with_no_tests()
    {
        var project = await VariantAsync("NoTestSdk", text => text.Replace("""    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.11.0" />""" + "\n", "", StringComparison.Ordinal));

        var result = await TestAsync(project);

        result.ExitCode.Should().NotBe(0);
        result.StandardOutput.Should().Contain("error BPT002: Backup.PluginTesting: this project does not reference Microsoft.NET.Test.Sdk");
    }

    [Fact]
    public async Task A_test_project_on_xunit_v3_fails_to_build_instead_of_finding_no_tests()
    {
        var project = await VariantAsync("XunitV3", text => text.Replace("""Include="xunit" Version="2.9.3" """, """Include="xunit.v3" Version="3.2.2" """, StringComparison.Ordinal));

        var result = await TestAsync(project);

        result.ExitCode.Should().NotBe(0);
        result.StandardOutput.Should().Contain("error BPT001: Backup.PluginTesting supports xunit v2 (2.9.x) with xunit.runner.visualstudio only");
    }

    private string Samples => SamplePlugin.SamplesOf(sdk.Current);

    /// <summary><c>dotnet test</c> of <paramref name="project"/> against the workspace's feed and package cache.</summary>
    private Task<BufferedCommandResult> TestAsync(string project) =>
        DotNet.TryRunAsync(Samples, "test", project, SamplePlugin.RestorePackagesPath(sdk.Current));

    /// <summary>A copy of the sample's test project beside it, its project file changed by <paramref name="edit"/>; returns the project file.</summary>
    private async Task<string> VariantAsync(string name, Func<string, string> edit)
    {
        var source = Path.Combine(Samples, Path.GetDirectoryName(SamplePlugin.TestProject)!);
        var variant = Path.Combine(Samples, $"{Path.GetFileName(source)}.{name}");
        SamplePlugin.CopyDirectory(source, variant);
        var project = Path.Combine(variant, Path.GetFileName(SamplePlugin.TestProject));
        var text = await File.ReadAllTextAsync(project);
        var edited = edit(text);
        edited.Should().NotBe(text, "the variant must differ from the sample");
        await File.WriteAllTextAsync(project, edited);
        return project;
    }
}
