namespace Backup.Deploy.Tests.Support;

/// <summary>
/// One <c>podman run</c> of a storage's image, by default as the CronJob's pod runs: read-only root filesystem with
/// only <c>/tmp</c> writable, uid/gid 10001, no capabilities, no privilege escalation, the host's network (where the
/// test servers listen on 127.0.0.1), the spec mounted at the image's CMD path and secrets in the environment.
/// </summary>
/// <param name="Storage">The storage whose image runs.</param>
public sealed record ContainerRun(string Storage)
{
    /// <summary>The source the image carries (its build's SOURCE).</summary>
    public string Source { get; init; } = ImageLayouts.DefaultSource;

    /// <summary>The container's name, so a test can signal it; null lets podman pick one.</summary>
    public string? Name { get; init; }

    /// <summary>The arguments after the image name; empty runs the image's CMD.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Another entrypoint (e.g. <c>sh</c>) for probes of the image itself.</summary>
    public string? Entrypoint { get; init; }

    /// <summary>Variables set in the container.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>A host directory mounted read-only at <c>/etc/backup</c> (the ConfigMap's mount), or null.</summary>
    public string? SpecDirectory { get; init; }

    /// <summary>Further mounts, <c>host:container[:ro]</c>.</summary>
    public IReadOnlyList<string> Volumes { get; init; } = [];

    /// <summary>A host directory at <c>/tmp</c>, as the pod's emptyDir, so a test can look into it; null mounts a tmpfs.</summary>
    public string? TmpDirectory { get; init; }

    /// <summary>Mount the image read-only with only <c>/tmp</c> writable (readOnlyRootFilesystem).</summary>
    public bool ReadOnlyRoot { get; init; } = true;

    /// <summary>The user to run as (runAsUser/runAsGroup); null keeps the image's own USER.</summary>
    public string? User { get; init; } = "10001:10001";

    /// <summary>The <c>podman</c> arguments for this run.</summary>
    public async Task<IReadOnlyList<string>> PodmanArgumentsAsync()
    {
        List<string> arguments = ["run", "--rm", "--network", "host", "--cap-drop", "ALL", "--security-opt", "no-new-privileges"];
        if (ReadOnlyRoot)
        {
            // podman's --read-only alone also mounts tmpfs on /run and /var/tmp; the pod has only its /tmp volume.
            arguments.AddRange(["--read-only", "--read-only-tmpfs=false"]);
        }

        arguments.AddRange(TmpDirectory is null ? ["--tmpfs", "/tmp"] : ["--volume", $"{TmpDirectory}:/tmp"]);
        if (User is not null)
        {
            arguments.AddRange(["--user", User]);
        }

        if (Name is not null)
        {
            arguments.AddRange(["--name", Name]);
        }

        if (Entrypoint is not null)
        {
            arguments.AddRange(["--entrypoint", Entrypoint]);
        }

        if (SpecDirectory is not null)
        {
            arguments.AddRange(["--volume", $"{SpecDirectory}:/etc/backup:ro"]);
        }

        foreach (var volume in Volumes)
        {
            arguments.AddRange(["--volume", volume]);
        }

        foreach (var (name, value) in Environment)
        {
            arguments.AddRange(["--env", $"{name}={value}"]);
        }

        return [.. arguments, await ContainerImages.ImageAsync(Storage, Source), .. Arguments];
    }
}
