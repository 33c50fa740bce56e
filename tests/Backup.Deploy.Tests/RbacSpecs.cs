using Backup.Deploy.Tests.Support;
using k8s.Models;

namespace Backup.Deploy.Tests;

/// <summary>Least privilege: the pod may read its one password Secret, and EndpointSlices only when node discovery is added.</summary>
public sealed class RbacSpecs
{
    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void The_only_grant_is_get_on_the_secret_the_spec_reads(string overlay)
    {
        var manifests = DeployTree.Render(overlay);
        var secretName = manifests.ResolvedEnvironment()["MARIADB_HA_SECRET_NAME"];
        manifests.Objects.Should().NotContain(o => o is V1ClusterRole || o is V1ClusterRoleBinding, "nothing cluster-wide");

        var rule = manifests.Objects.OfType<V1Role>().Should().ContainSingle().Which.Rules.Should().ContainSingle().Which;
        rule.ApiGroups.Should().Equal("");
        rule.Resources.Should().Equal("secrets");
        rule.ResourceNames.Should().Equal(secretName);
        rule.Verbs.Should().Equal("get");
        rule.NonResourceURLs.Should().BeNullOrEmpty();
        AssertBoundToThePodOnly(manifests, manifests.Objects.OfType<V1Role>().Single());
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void Node_discovery_adds_only_list_and_watch_on_endpoint_slices(string overlay)
    {
        var manifests = DeployTree.RenderWithComponent(overlay, "node-discovery");
        var roles = manifests.Objects.OfType<V1Role>().ToList();
        roles.Should().HaveCount(2);
        var discovery = roles.Single(r => r.Rules.Any(rule => rule.Resources.Contains("endpointslices")));
        var rule = discovery.Rules.Should().ContainSingle().Which;
        rule.ApiGroups.Should().Equal("discovery.k8s.io");
        rule.Resources.Should().Equal("endpointslices");
        rule.Verbs.Should().BeEquivalentTo("list", "watch");
        AssertBoundToThePodOnly(manifests, discovery);
        roles.Single(r => r != discovery).Rules.Single().Resources.Should().Equal("secrets");
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void The_secret_is_read_in_the_pod_own_namespace_where_the_role_lives(string overlay)
    {
        var manifests = DeployTree.Render(overlay);
        var ns = manifests.CronJob.Metadata.NamespaceProperty;
        ns.Should().NotBeNullOrEmpty();
        manifests.ResolvedEnvironment()["CELL_DEFAULT_NAMESPACE"].Should().Be(ns);
        manifests.Objects.OfType<V1Role>().Single().Metadata.NamespaceProperty.Should().Be(ns);
        manifests.Pod.AutomountServiceAccountToken.Should().NotBeFalse("the source reads the Secret with the service account token");
    }

    private static void AssertBoundToThePodOnly(Manifests manifests, V1Role role)
    {
        var binding = manifests.Objects.OfType<V1RoleBinding>().Should().ContainSingle(b => b.RoleRef.Name == role.Metadata.Name).Which;
        binding.RoleRef.Kind.Should().Be("Role");
        var subject = binding.Subjects.Should().ContainSingle().Which;
        subject.Kind.Should().Be("ServiceAccount");
        subject.Name.Should().Be(manifests.Pod.ServiceAccountName);
        subject.NamespaceProperty.Should().Be(manifests.CronJob.Metadata.NamespaceProperty);
        binding.Metadata.NamespaceProperty.Should().Be(role.Metadata.NamespaceProperty);
    }
}
