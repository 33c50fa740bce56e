using Backup.Deploy.Tests.Support;
using Backup.Testing;

namespace Backup.Deploy.Tests;

/// <summary>The spec each overlay mounts passes <c>backup validate</c> in the image built for that storage.</summary>
/// <remarks>Covers every overlay whose storage plugin is in this checkout; the cloud plugins join as soon as they are.</remarks>
public sealed class JobSpecValidationSpecs : IDisposable
{
    private readonly TempDir _dir = new("backup-deploy-");

    public void Dispose() => _dir.Dispose();

    [Theory]
    [MemberData(nameof(DeployTree.InstalledOverlayData), MemberType = typeof(DeployTree))]
    public async Task The_mounted_spec_is_valid_for_the_image_of_its_storage(string overlay)
    {
        var result = await OverlayRun.RunAsync(overlay, overlay, "validate", _dir.Path);

        result.ExitCode.Should().Be(0, result.StandardError);
        result.StandardOutput.Should().Contain($"is valid: mariadb-ha -> {overlay} (");
    }

    [Fact]
    public void The_local_overlay_is_validated_in_every_checkout()
    {
        DeployTree.InstalledOverlays.Should().Contain("local");
    }
}
