using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Passwords;

namespace Backup.Plugins.MariaDbHa;

/// <summary>The validated settings of one <c>mariadb-ha</c> source.</summary>
internal sealed record MariaDbHaSettings(
    string Host,
    int Port,
    string User,
    IPasswordSource Password,
    string DumpCommand,
    IReadOnlyList<string> ExtraArgs,
    string EntryName)
{
    /// <summary>Reads the settings, recording every problem in <paramref name="settings"/> instead of throwing.</summary>
    public static MariaDbHaSettings Read(PluginSettings settings)
    {
        var host = settings.GetRequiredString("host");
        var port = settings.GetInt32("port", 3306);
        if (port is < 1 or > 65535)
        {
            settings.AddProblem("port", $"must be between 1 and 65535, not {port}");
        }

        var user = settings.GetString("user", "root")!;
        var password = PasswordSourceReader.Read(settings);
        var dumpCommand = settings.GetString("dumpCommand", "mariadb-dump")!;
        var extraArgs = settings.GetStringList("extraArgs");
        var entryName = settings.GetString("entryName", "all-databases-dump.sql")!;

        // The writer takes a plain file name; a path would escape the archive's layout.
        if (entryName.Length == 0 || entryName.IndexOfAny(['/', '\\']) >= 0 || entryName is "." or "..")
        {
            settings.AddProblem("entryName", $"must be a plain file name, not '{entryName}'");
        }

        return new MariaDbHaSettings(host, port, user, password, dumpCommand, extraArgs, entryName);
    }
}
