using Backup.Deploy.Tests.Support;

namespace Backup.Deploy.Tests;

/// <summary>Each cloud overlay hooks the pod's ServiceAccount to the cloud's workload identity, so no cloud key is ever stored.</summary>
public sealed class CloudIdentitySpecs
{
    [Fact]
    public void The_aws_service_account_carries_the_IRSA_role()
    {
        var manifests = DeployTree.Render("aws");
        manifests.ServiceAccount.Metadata.Annotations["eks.amazonaws.com/role-arn"].Should().StartWith("arn:aws:iam::");
    }

    [Fact]
    public void The_azure_pod_uses_workload_identity_with_the_service_account_client_id()
    {
        var manifests = DeployTree.Render("azure");
        manifests.CronJob.Spec.JobTemplate.Spec.Template.Metadata.Labels["azure.workload.identity/use"].Should().Be("true");
        Guid.TryParse(manifests.ServiceAccount.Metadata.Annotations["azure.workload.identity/client-id"], out _).Should().BeTrue();
    }

    [Fact]
    public void The_gcp_service_account_is_bound_to_a_google_service_account()
    {
        var manifests = DeployTree.Render("gcp");
        manifests.ServiceAccount.Metadata.Annotations["iam.gke.io/gcp-service-account"].Should().EndWith(".iam.gserviceaccount.com");
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void No_overlay_puts_a_credential_in_the_environment(string overlay)
    {
        var container = DeployTree.Render(overlay).Container;
        container.Env.Select(e => e.Name).Should().NotContain(name =>
            name.Contains("SECRET_ACCESS_KEY") || name.Contains("PASSWORD") || name.Contains("CONNECTION_STRING") || name.EndsWith("_KEY"));
        container.Env.Should().OnlyContain(e => e.ValueFrom == null || e.ValueFrom.SecretKeyRef == null);
        container.EnvFrom.Should().BeNullOrEmpty();
    }
}
