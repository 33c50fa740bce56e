using Backup.Deploy.Tests.Support;
using k8s.Models;

namespace Backup.Deploy.Tests;

/// <summary>The optional drill CronJob (deploy/components/drill): a scratch MariaDB native sidecar, the tool restoring into it on localhost.</summary>
public sealed class DrillCronJobSpecs
{
    private static V1CronJob Drill(string overlay) =>
        DeployTree.RenderWithComponent(overlay, "drill").Objects.OfType<V1CronJob>().Single(c => c.Metadata.Name == "startree-backup-drill");

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void It_runs_after_the_backup_never_twice_at_once_and_never_retries_a_failed_drill(string overlay)
    {
        var drill = Drill(overlay);
        drill.Spec.Schedule.Should().Be("0 6 * * *", "two hours after the backup's 04:00, so --latest is last night's backup");
        drill.Spec.ConcurrencyPolicy.Should().Be("Forbid");
        drill.Spec.JobTemplate.Spec.BackoffLimit.Should().Be(0, "a failed drill is a finding: a retry would hide it");
        drill.Spec.JobTemplate.Spec.ActiveDeadlineSeconds.Should().BePositive();
        drill.Spec.JobTemplate.Spec.Template.Spec.RestartPolicy.Should().Be("Never");
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void The_scratch_server_is_a_native_sidecar_on_an_empty_dir_so_the_job_completes_when_the_drill_exits(string overlay)
    {
        var pod = Drill(overlay).Spec.JobTemplate.Spec.Template.Spec;
        var server = pod.InitContainers.Should().ContainSingle().Subject;
        server.RestartPolicy.Should().Be("Always", "an init container with restartPolicy Always is a sidecar the kubelet stops after the main container");
        server.StartupProbe.Should().NotBeNull("the drill container starts only once the server answers");
        server.Args.Should().Contain("--bind-address=127.0.0.1", "only this pod may reach the scratch server");
        var data = server.VolumeMounts.Single(m => m.MountPath == "/var/lib/mysql");
        pod.Volumes.Single(v => v.Name == data.Name).EmptyDir.Should().NotBeNull("the datadir is thrown away with the pod");
        server.Env.Single(e => e.Name == "MARIADB_ROOT_PASSWORD").ValueFrom.SecretKeyRef.Name.Should().Be("startree-mariadb-ha");
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void The_tool_drills_the_latest_backup_into_localhost_without_force_from_the_backups_spec(string overlay)
    {
        var pod = Drill(overlay).Spec.JobTemplate.Spec.Template.Spec;
        var tool = pod.Containers.Should().ContainSingle().Subject;
        tool.Args.Should().StartWith(["drill", "--spec", "/etc/backup/job.yaml", "--latest", "--target-host", "127.0.0.1", "--target-port", "3306"]);
        tool.Args.Should().NotContain("--force");
        pod.InitContainers.Single().Args.Should().Contain("--port=3306");
        var spec = tool.VolumeMounts.Single(m => m.MountPath == "/etc/backup");
        pod.Volumes.Single(v => v.Name == spec.Name).ConfigMap.Name.Should().Be(DeployTree.SpecConfigMap, "the drill lists the backups the backup job wrote");
        tool.SecurityContext.ReadOnlyRootFilesystem.Should().BeTrue();
        pod.Volumes.Single(v => v.Name == tool.VolumeMounts.Single(m => m.MountPath == "/tmp").Name).EmptyDir.SizeLimit.Should().NotBeNull();
    }

    [Fact]
    public void The_backup_cronjob_is_unchanged_by_the_component()
    {
        var manifests = DeployTree.RenderWithComponent("local", "drill");
        manifests.Objects.OfType<V1CronJob>().Single(c => c.Metadata.Name == "startree-backup").Spec.JobTemplate.Spec.Template.Spec.InitContainers
            .Should().BeNullOrEmpty();
    }
}
