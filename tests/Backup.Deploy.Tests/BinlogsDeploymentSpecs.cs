using Backup.Deploy.Tests.Support;
using k8s.Models;

namespace Backup.Deploy.Tests;

/// <summary>The optional binlog archiver (deploy/components/binlogs): one long-running pod with the backup's spec, hardened like it.</summary>
public sealed class BinlogsDeploymentSpecs
{
    private static V1Deployment Archiver(string overlay) =>
        DeployTree.RenderWithComponent(overlay, "binlogs").Objects.OfType<V1Deployment>().Single(d => d.Metadata.Name == "startree-backup-binlogs");

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void Exactly_one_archiver_runs_and_never_two_side_by_side(string overlay)
    {
        var archiver = Archiver(overlay);
        archiver.Spec.Replicas.Should().Be(1);
        archiver.Spec.Strategy.Type.Should().Be("Recreate", "a rolling update would run the old and the new archiver at once");
        archiver.Spec.Selector.MatchLabels.Should().BeEquivalentTo(archiver.Spec.Template.Metadata.Labels);
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void It_archives_continuously_from_the_backups_spec_in_the_overlays_image_as_an_unprivileged_user(string overlay)
    {
        var rendered = DeployTree.RenderWithComponent(overlay, "binlogs");
        var pod = Archiver(overlay).Spec.Template.Spec;
        var container = pod.Containers.Should().ContainSingle().Subject;
        container.Args.Should().Equal("binlogs", "--spec", "/etc/backup/job.yaml", "--interval", "60");
        container.Args.Should().NotContain("--once", "a Deployment's container must not exit after one round");
        // The backup's image name: an overlay that lists the component under its own components sets its tag, as for the backup.
        container.Image.Should().Be(rendered.Container.Image.Split(':')[0]);
        pod.ServiceAccountName.Should().Be(rendered.Pod.ServiceAccountName, "it reads the same password Secret");
        PodHardening.ShouldBeUnprivileged(pod, container, 10001);
        var spec = container.VolumeMounts.Single(m => m.MountPath == "/etc/backup");
        pod.Volumes.Single(v => v.Name == spec.Name).ConfigMap.Name.Should().Be(DeployTree.SpecConfigMap, "binlogs go under the backups' prefix");
        pod.Volumes.Single(v => v.Name == container.VolumeMounts.Single(m => m.MountPath == "/tmp").Name).EmptyDir.SizeLimit.Should().NotBeNull();
        pod.TerminationGracePeriodSeconds.Should().BeGreaterThan(20, "above the host's shutdown budget");
    }

    [Fact]
    public void The_backup_cronjob_is_unchanged_by_the_component()
    {
        DeployTree.RenderWithComponent("local", "binlogs").CronJob.Should().BeEquivalentTo(DeployTree.Render("local").CronJob);
    }
}
