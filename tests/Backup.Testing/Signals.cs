using System.Runtime.InteropServices;

namespace Backup.Testing;

/// <summary>Sends POSIX signals (Process.Kill only sends SIGKILL, which no program can clean up after).</summary>
public static class Signals
{
    private const int SIGTERM = 15;

    /// <summary>Sends SIGTERM to <paramref name="pid"/>, as Kubernetes does when it stops a pod.</summary>
    public static void Terminate(int pid)
    {
        if (kill(pid, SIGTERM) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
