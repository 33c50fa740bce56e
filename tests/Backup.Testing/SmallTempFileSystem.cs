using CliWrap;
using CliWrap.Buffered;

namespace Backup.Testing;

/// <summary>Runs the published host with a small tmpfs mounted on its temp directory: a real full disk (ENOSPC), not a simulation.</summary>
/// <remarks>
/// The tmpfs lives in a private mount namespace (<c>unshare --mount</c>) that ends with the process, so nothing is left
/// mounted whatever happens to the test; as a non-root user the namespace also maps the user to root (<c>--user
/// --map-root-user</c>), which needs unprivileged user namespaces. From outside, the directory looks empty.
/// RLIMIT_FSIZE would be no substitute: it fails writes with EFBIG, not ENOSPC.
/// </remarks>
public static class SmallTempFileSystem
{
    /// <summary>Runs <c>backup</c> with <paramref name="arguments"/> while a tmpfs of <paramref name="bytes"/> is mounted on <paramref name="directory"/>.</summary>
    public static async Task<BufferedCommandResult> RunHostAsync(string directory, long bytes, params string[] arguments)
    {
        Directory.CreateDirectory(directory);
        string[] user = Environment.IsPrivilegedProcess ? [] : ["--user", "--map-root-user"];
        return await Cli.Wrap("unshare")
            .WithArguments([
                .. user, "--mount", "sh", "-c", "mount -t tmpfs -o size=\"$1\" tmpfs \"$2\" && shift 2 && exec \"$@\"",
                "sh", bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), directory,
                Path.Combine(await PublishedHost.DirectoryAsync(), "backup"), .. arguments])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
    }
}
