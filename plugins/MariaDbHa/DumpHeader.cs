using System.Text;

namespace Backup.Plugins.MariaDbHa;

/// <summary>Reads facts from the comment lines mariadb-dump writes at the start and end of a dump.</summary>
internal static class DumpHeader
{
    private const string ServerVersionPrefix = "-- Server version";
    private const string Trailer = "-- Dump completed";
    private const string GtidPositionPrefix = "-- SET GLOBAL gtid_slave_pos='";

    /// <summary>The server version from the <c>-- Server version\t...</c> header line, or null when absent.</summary>
    public static string? ServerVersion(ReadOnlySpan<byte> head)
    {
        foreach (var line in Encoding.UTF8.GetString(head).Split('\n'))
        {
            if (line.StartsWith(ServerVersionPrefix, StringComparison.Ordinal))
            {
                var version = line[ServerVersionPrefix.Length..].Trim();
                return version.Length > 0 ? version : null;
            }
        }

        return null;
    }

    /// <summary>The GTID position the dump is consistent with, from the <c>-- SET GLOBAL gtid_slave_pos='...'</c> comment <c>--master-data=2 --gtid</c> writes near its end, or null.</summary>
    public static string? GtidPosition(byte[] tail)
    {
        foreach (var line in Encoding.UTF8.GetString(tail).Split('\n'))
        {
            if (line.StartsWith(GtidPositionPrefix, StringComparison.Ordinal) && line.IndexOf('\'', GtidPositionPrefix.Length) is var end and > 0)
            {
                return line[GtidPositionPrefix.Length..end];
            }
        }

        return null;
    }

    /// <summary>Whether the dump's last line is the <c>-- Dump completed</c> trailer, i.e. it was not cut off.</summary>
    public static bool IsComplete(byte[] tail)
    {
        var text = Encoding.UTF8.GetString(tail).TrimEnd();
        var lastLine = text[(text.LastIndexOf('\n') + 1)..];
        return lastLine.StartsWith(Trailer, StringComparison.Ordinal);
    }
}
