using Backup.Deploy.Tests.Support;
using Backup.Testing;
using k8s.Models;

namespace Backup.Deploy.Tests;

/// <summary>
/// The optional physical-backup component (deploy/components/mariadb-backup) on every overlay: the CronJob runs the
/// mariadb-backup image on the node of one MariaDB pod, with that pod's data volume mounted read-only, hardened as the
/// logical one, its secrets read through the API only.
/// </summary>
public sealed class MariaDbBackupCronJobSpecs : IDisposable
{
    private const string Component = "mariadb-backup";
    private const string PodNameLabel = "statefulset.kubernetes.io/pod-name";
    private readonly TempDir _dir = new("backup-deploy-");

    public void Dispose() => _dir.Dispose();

    private static Manifests Render(string overlay) => DeployTree.RenderWithComponent(overlay, Component);

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void It_runs_the_mariadb_backup_image_of_the_overlay_storage(string overlay)
    {
        Render(overlay).Container.Image.Should().Be($"startree-backup-mariadb-backup:{overlay}",
            $"built with --build-arg SOURCE=mariadb-backup --build-arg STORAGE={overlay}: the overlay's tag, the physical source's name");
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void The_affinity_the_claim_and_the_host_name_the_same_MariaDB_pod_and_the_pod_must_share_its_node(string overlay)
    {
        var manifests = Render(overlay);
        var term = manifests.Pod.Affinity.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution.Should().ContainSingle(
            "required, not preferred: a ReadWriteOnce volume can be mounted by a second pod only on the node it is attached to").Subject;
        term.TopologyKey.Should().Be("kubernetes.io/hostname");
        var pod = term.LabelSelector.MatchLabels.Should().ContainKey(PodNameLabel).WhoseValue;
        term.LabelSelector.MatchLabels.Should().HaveCount(1, "one pod, whose data volume is mounted");
        manifests.Pod.Affinity.PodAntiAffinity.Should().BeNull();

        var claim = DataVolume(manifests).PersistentVolumeClaim;
        claim.ClaimName.Should().EndWith("-" + pod, "a StatefulSet's claim is <volumeClaimTemplate>-<pod>");
        var host = manifests.ResolvedEnvironment()["MARIADB_HA_SERVICE_NAME"];
        host.Should().StartWith(pod + ".", "mariadb-backup must talk to the server whose files it copies: the pod's own DNS name, not a Service");
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void The_data_volume_is_mounted_read_only_and_only_tmp_is_writable(string overlay)
    {
        var manifests = Render(overlay);
        var volume = DataVolume(manifests);
        volume.PersistentVolumeClaim.ReadOnlyProperty.Should().BeTrue("the claim is attached read-only for this pod");
        var mount = manifests.Container.VolumeMounts.Single(m => m.Name == volume.Name);
        mount.ReadOnlyProperty.Should().BeTrue();
        mount.MountPath.Should().Be("/var/lib/mysql", "the official image's @@datadir, where mariadb-backup reads the files");

        var writable = manifests.Container.VolumeMounts.Where(m => m.ReadOnlyProperty != true).ToList();
        writable.Should().OnlyContain(m => manifests.Pod.Volumes.Single(v => v.Name == m.Name).EmptyDir != null || m.MountPath == "/backups",
            "scratch space (and the local storage's own claim) only");
        manifests.Pod.Volumes.Where(v => v.PersistentVolumeClaim is not null && v.Name != volume.Name).Select(v => v.PersistentVolumeClaim.ClaimName)
            .Should().BeEquivalentTo(overlay == "local" ? ["startree-backup-data"] : Array.Empty<string>(), "no other claim but the local storage's");
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void The_pod_runs_as_the_datadir_owner_and_its_group_without_privileges(string overlay)
    {
        var manifests = Render(overlay);
        var pod = manifests.Pod.SecurityContext;
        pod.RunAsNonRoot.Should().BeTrue();
        pod.RunAsUser.Should().Be(999, "the MariaDB image's user owns the 0660 data files");
        pod.RunAsGroup.Should().Be(999);
        pod.FsGroup.Should().Be(pod.RunAsGroup, "the datadir owner's group: /tmp and the local storage's claim writable, the database's files already in it");
        pod.FsGroupChangePolicy.Should().Be("OnRootMismatch", "the kubelet never walks a volume whose root has the group already");
        PodHardening.ShouldBeUnprivileged(manifests.Pod, manifests.Container, 999);
        manifests.Pod.Volumes.Should().NotContain(v => v.HostPath != null, "the data comes through its claim, never a node path");
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void No_secret_is_in_the_environment_or_the_arguments_and_the_spec_is_mounted_read_only(string overlay)
    {
        var manifests = Render(overlay);
        var container = manifests.Container;
        container.Env.Should().OnlyContain(e => e.ValueFrom == null || e.ValueFrom.FieldRef != null, "the password is read through the API with the pod's token");
        container.EnvFrom.Should().BeNullOrEmpty();
        container.Args.Should().BeNullOrEmpty("the image's CMD: run --spec /etc/backup/job.yaml");
        container.Command.Should().BeNullOrEmpty();
        var spec = container.VolumeMounts.Single(m => m.MountPath == "/etc/backup");
        spec.ReadOnlyProperty.Should().BeTrue();
        manifests.Pod.Volumes.Single(v => v.Name == spec.Name).ConfigMap.Name.Should().Be(DeployTree.SpecConfigMap);
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void The_spec_streams_the_physical_source_under_its_own_prefix_and_every_variable_set_is_read(string overlay)
    {
        var manifests = Render(overlay);
        var environment = manifests.ResolvedEnvironment();
        var spec = manifests.SpecText(DeployTree.SpecConfigMap, DeployTree.SpecKey);

        environment["BACKUP_SOURCE_PLUGIN"].Should().Be("mariadb-backup");
        environment["BACKUP_PIPELINE_MODE"].Should().Be("streaming", "archive mode would stage the whole stream in the 1 GiB temp volume");
        environment["BACKUP_COMPRESSION"].Should().Be("zstd");
        environment["BACKUP_PREFIX"].Should().NotBe("mariadb-ha-backup", "restore --latest and retention must never mix logical and physical backups");
        environment.Keys.Should().BeSubsetOf(SpecVariables.Read(spec).Keys.Concat(EnvironmentSpecs.HostVariables));
        SpecVariables.Required(spec).Should().BeSubsetOf(environment.Keys);
        var tmp = manifests.Pod.Volumes.Single(v => v.Name == manifests.Container.VolumeMounts.Single(m => m.MountPath == "/tmp").Name);
        tmp.EmptyDir.SizeLimit.Should().NotBeNull();
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void Everything_else_is_the_backup_cronjob_of_the_overlay(string overlay)
    {
        var physical = Render(overlay);
        var logical = DeployTree.Render(overlay);

        physical.CronJob.Spec.Schedule.Should().Be(logical.CronJob.Spec.Schedule);
        physical.CronJob.Spec.ConcurrencyPolicy.Should().Be("Forbid");
        physical.CronJob.Spec.JobTemplate.Spec.ActiveDeadlineSeconds.Should().Be(logical.CronJob.Spec.JobTemplate.Spec.ActiveDeadlineSeconds);
        physical.Pod.TerminationGracePeriodSeconds.Should().Be(logical.Pod.TerminationGracePeriodSeconds);
        physical.Pod.ServiceAccountName.Should().Be(logical.Pod.ServiceAccountName);
        physical.Container.Resources.Requests.Should().ContainKeys("cpu", "memory");
        physical.Container.Resources.Limits.Should().ContainKey("memory");
        physical.Objects.OfType<V1Role>().Should().BeEquivalentTo(logical.Objects.OfType<V1Role>(), "mariadb-backup reads the same one Secret");
        logical.Pod.Affinity.Should().BeNull("the logical CronJob runs anywhere");
    }

    [Fact]
    public async Task The_local_overlay_with_the_component_is_valid_for_the_mariadb_backup_image()
    {
        var result = await OverlayRun.RunAsync(ImageLayouts.ProofStorage, "local", "validate", _dir.Path, component: Component, source: "mariadb-backup");

        result.ExitCode.Should().Be(0, result.StandardError);
        result.StandardOutput.Should().Contain("is valid: mariadb-backup -> local (");
    }

    private static V1Volume DataVolume(Manifests manifests) =>
        manifests.Pod.Volumes.Single(v => v.PersistentVolumeClaim is not null && v.PersistentVolumeClaim.ClaimName != "startree-backup-data");
}
