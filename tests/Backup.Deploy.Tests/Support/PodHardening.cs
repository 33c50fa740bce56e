using k8s.Models;

namespace Backup.Deploy.Tests.Support;

/// <summary>What every backup pod's container must hold to, whichever user it runs as.</summary>
internal static class PodHardening
{
    /// <summary>Asserts <paramref name="container"/> runs as non-root <paramref name="uid"/> on a read-only root, with no privilege, capability or host namespace.</summary>
    public static void ShouldBeUnprivileged(V1PodSpec pod, V1Container container, long uid)
    {
        var security = container.SecurityContext;
        security.RunAsNonRoot.Should().BeTrue();
        security.RunAsUser.Should().Be(uid);
        security.ReadOnlyRootFilesystem.Should().BeTrue();
        security.AllowPrivilegeEscalation.Should().BeFalse();
        security.Privileged.Should().NotBeTrue();
        security.Capabilities.Drop.Should().Equal("ALL");
        security.Capabilities.Add.Should().BeNullOrEmpty();
        pod.SecurityContext.SeccompProfile.Type.Should().Be("RuntimeDefault");
        pod.HostNetwork.Should().NotBeTrue();
        pod.HostPID.Should().NotBeTrue();
    }
}
