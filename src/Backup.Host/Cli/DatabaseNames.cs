using System.CommandLine;
using Backup.Abstractions;

namespace Backup.Host.Cli;

/// <summary>The <c>--database NAME</c> option of <c>restore</c>: repeatable, each value a comma-separated list.</summary>
internal static class DatabaseNames
{
    /// <summary>MariaDB's limit on a database name, in characters.</summary>
    public const int MaxLength = 64;

    /// <summary>Creates the option.</summary>
    public static Option<string[]> Option() => new("--database")
    {
        Description = "Load only this database's section of an all-databases dump (repeatable, or a comma list); other databases on the target are left alone.",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>The distinct names given, in order; a name that cannot be a database is bad input.</summary>
    public static IReadOnlyList<string> Parse(string[]? values)
    {
        var names = new List<string>();
        foreach (var name in (values ?? []).SelectMany(v => v.Split(',')).Select(n => n.Trim()))
        {
            if (name.Length is 0 or > MaxLength || name.Any(char.IsControl))
            {
                throw new BackupSettingsException($"--database: '{(name.Length > 80 ? name[..80] + "..." : name).ReplaceLineEndings(" ")}' is not a database name (1 to {MaxLength} characters, no control characters)");
            }

            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        return names;
    }
}
