using Backup.Testing;

namespace Backup.EndToEnd.Tests;

/// <summary>Shims first on PATH that record what a MariaDB client program gets from the host (argv, environment, option files on disk), then exec the real one.</summary>
internal static class ClientShims
{
    /// <summary>Writes shims for <paramref name="clients"/> into <c>bin</c> in <paramref name="dir"/>; each appends to <c>&lt;client&gt;.argv/.env/.cnf</c> there (the *.cnf files under <paramref name="temp"/>). Returns the bin directory.</summary>
    public static string Create(TempDir dir, string temp, params string[] clients)
    {
        var bin = Directory.CreateDirectory(dir.Combine("bin")).FullName;
        foreach (var client in clients)
        {
            var real = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, client)).First(File.Exists);
            var log = dir.Combine(client);
            File.WriteAllText(Path.Combine(bin, client), $"""
                #!/bin/sh
                printf '%s\n' "$@" >> '{log}.argv'
                env >> '{log}.env'
                find '{temp}' -name '*.cnf' >> '{log}.cnf'
                exec '{real}' "$@"
                """);
            File.SetUnixFileMode(Path.Combine(bin, client), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return bin;
    }
}
