using Backup.Deploy.Tests.Support;
using k8s.Models;

namespace Backup.Deploy.Tests;

/// <summary>The rendered CronJob of every overlay: schedule, run limits, the spec mount, temp space and hardening.</summary>
public sealed class CronJobSpecs
{
    private readonly Dockerfile _dockerfile = Dockerfile.Load();

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void It_runs_daily_at_four_never_twice_at_once_and_within_deadlines(string overlay)
    {
        var cronJob = DeployTree.Render(overlay).CronJob;
        cronJob.Spec.Schedule.Should().Be("0 4 * * *");
        cronJob.Spec.ConcurrencyPolicy.Should().Be("Forbid");
        cronJob.Spec.StartingDeadlineSeconds.Should().BePositive();
        cronJob.Spec.SuccessfulJobsHistoryLimit.Should().BePositive();
        cronJob.Spec.FailedJobsHistoryLimit.Should().BePositive();
        var job = cronJob.Spec.JobTemplate.Spec;
        job.BackoffLimit.Should().BeInRange(0, 3);
        job.ActiveDeadlineSeconds.Should().BePositive().And.BeLessThan(24 * 3600, "a hung run must end before the next one is due");
        job.Template.Spec.RestartPolicy.Should().Be("Never");
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void The_grace_period_outlasts_the_hosts_shutdown_budget(string overlay)
    {
        var manifests = DeployTree.Render(overlay);
        // The host's default (README, "Pipeline and performance"); a container may set its own.
        var budget = manifests.Container.Env?.SingleOrDefault(e => e.Name == "BACKUP_SHUTDOWN_SECONDS")?.Value is { } value ? int.Parse(value) : 20;

        manifests.Pod.TerminationGracePeriodSeconds.Should().BeGreaterThan(budget + 5,
            "Kubernetes SIGKILLs the pod when the grace period ends: the host must have exited 143 by itself, with its clean-up line, before that");
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void It_mounts_the_spec_config_map_at_the_path_the_image_command_reads(string overlay)
    {
        var manifests = DeployTree.Render(overlay);
        var commandLine = manifests.Container.Command ?? [];
        commandLine.Should().BeEmpty("the image's ENTRYPOINT runs the host");
        var arguments = manifests.Container.Args ?? _dockerfile.DefaultCommandLine.Skip(1).ToList();
        var specPath = arguments.SkipWhile(a => a != "--spec").Skip(1).First();

        var mount = manifests.Container.VolumeMounts.Single(m => specPath.StartsWith(m.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal));
        mount.ReadOnlyProperty.Should().BeTrue();
        Path.GetDirectoryName(specPath).Should().Be(mount.MountPath, "the ConfigMap's keys are the files of the mount");
        var volume = manifests.Pod.Volumes.Single(v => v.Name == mount.Name);
        volume.ConfigMap.Name.Should().Be(DeployTree.SpecConfigMap);
        manifests.SpecText(DeployTree.SpecConfigMap, Path.GetFileName(specPath))
            .Should().Be(File.ReadAllText(Path.Combine(DeployTree.Root, "overlays", overlay, DeployTree.SpecKey)));
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void Temp_files_go_to_a_size_limited_empty_dir_because_the_root_filesystem_is_read_only(string overlay)
    {
        var manifests = DeployTree.Render(overlay);
        var environment = new Dictionary<string, string>(_dockerfile.Environment);
        foreach (var (name, value) in manifests.ResolvedEnvironment())
        {
            environment[name] = value;
        }

        var tempDir = environment["BACKUP_TEMP_DIR"];
        var mount = manifests.Container.VolumeMounts.Single(m => (tempDir + "/").StartsWith(m.MountPath.TrimEnd('/') + "/", StringComparison.Ordinal));
        mount.ReadOnlyProperty.Should().NotBeTrue();
        var emptyDir = manifests.Pod.Volumes.Single(v => v.Name == mount.Name).EmptyDir;
        emptyDir.Should().NotBeNull("the temp dir must be scratch space, not a persistent volume");
        emptyDir.SizeLimit.Should().NotBeNull("an unbounded emptyDir can fill the node's disk");
        environment["HOME"].Should().StartWith(mount.MountPath, "tools writing under $HOME need a writable place");
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void The_pod_runs_as_the_image_user_without_privileges(string overlay)
    {
        var manifests = DeployTree.Render(overlay);
        var uid = long.Parse(_dockerfile.User.Split(':')[0]);
        var pod = manifests.Pod.SecurityContext;
        pod.RunAsNonRoot.Should().BeTrue();
        pod.RunAsUser.Should().Be(uid);
        PodHardening.ShouldBeUnprivileged(manifests.Pod, manifests.Container, uid);
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void The_container_requests_resources_and_has_a_memory_limit(string overlay)
    {
        var resources = DeployTree.Render(overlay).Container.Resources;
        resources.Requests.Should().ContainKeys("cpu", "memory");
        resources.Limits.Should().ContainKey("memory");
        resources.Limits["memory"].ToInt64().Should().BeGreaterThanOrEqualTo(resources.Requests["memory"].ToInt64());
    }

    [Theory]
    [MemberData(nameof(DeployTree.OverlayData), MemberType = typeof(DeployTree))]
    public void The_image_is_the_one_built_for_the_overlay_storage(string overlay)
    {
        var image = DeployTree.Render(overlay).Container.Image;
        image.Should().Be($"startree-backup:{overlay}", $"built with docker build --build-arg STORAGE={overlay}");
    }
}
