using System.Net;
using System.Net.Sockets;

namespace Backup.Testing;

/// <summary>Loopback ports for the servers tests start of their own (scratch mariadbd, scratch Galera nodes).</summary>
/// <remarks>
/// A fixed range, not port 0: a Galera node is told its peers' ports before they listen, so they must be chosen
/// up front. A port is free when it can be bound now and was not handed out before in this process (a handed-out
/// port stays unbound until its server starts, so probing alone would hand it out twice).
/// <c>BACKUP_TEST_SCRATCH_PORTS</c> (<c>first-last</c>) moves the range, e.g. when several checkouts test at once.
/// </remarks>
public static class ScratchPorts
{
    private static readonly HashSet<int> HandedOut = [];
    private static readonly (int First, int Last) Range = ReadRange();

    /// <summary>Takes <paramref name="count"/> free ports.</summary>
    /// <exception cref="InvalidOperationException">The range has fewer free ports.</exception>
    public static IReadOnlyList<int> Take(int count)
    {
        lock (HandedOut)
        {
            var ports = new List<int>(count);
            for (var port = Range.First; port <= Range.Last && ports.Count < count; port++)
            {
                if (!HandedOut.Contains(port) && CanBind(port))
                {
                    ports.Add(port);
                }
            }

            if (ports.Count < count)
            {
                throw new InvalidOperationException($"fewer than {count} free ports in {Range.First}-{Range.Last} for scratch servers (BACKUP_TEST_SCRATCH_PORTS)");
            }

            HandedOut.UnionWith(ports);
            return ports;
        }
    }

    /// <summary>Gives <paramref name="ports"/> back once their server has stopped.</summary>
    public static void Release(IEnumerable<int> ports)
    {
        lock (HandedOut)
        {
            HandedOut.ExceptWith(ports);
        }
    }

    private static bool CanBind(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static (int, int) ReadRange()
    {
        var text = Environment.GetEnvironmentVariable("BACKUP_TEST_SCRATCH_PORTS");
        if (text is { Length: > 0 } && text.Split('-') is [var first, var last] && int.TryParse(first, out var f) && int.TryParse(last, out var l) && f <= l)
        {
            return (f, l);
        }

        return text is { Length: > 0 }
            ? throw new InvalidOperationException($"BACKUP_TEST_SCRATCH_PORTS must be first-last, not '{text}'")
            : (19200, 19299);
    }
}
