using System.CommandLine;
using Backup.Abstractions;

namespace Backup.Host.Cli;

/// <summary>The <c>--id ID | --latest</c> choice of <c>verify</c> and <c>restore</c>.</summary>
internal sealed class BackupSelection
{
    /// <summary>A backup id as <c>backup list</c> shows it.</summary>
    public Option<string?> Id { get; } = new("--id") { Description = "The backup's id, as 'backup list' shows it." };

    /// <summary>The newest complete backup.</summary>
    public Option<bool> Latest { get; } = new("--latest") { Description = "The newest complete backup." };

    /// <summary>Adds both options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Id);
        command.Options.Add(Latest);
    }

    /// <summary>The chosen id, or null for the latest; exactly one of the two options must be given.</summary>
    public string? Resolve(ParseResult parseResult)
    {
        var id = parseResult.GetValue(Id);
        var latest = parseResult.GetValue(Latest);
        return (string.IsNullOrWhiteSpace(id), latest) switch
        {
            (true, true) => null,
            (false, false) => id!.Trim(),
            (false, true) => throw new BackupSettingsException("give either --id or --latest, not both"),
            (true, false) => throw new BackupSettingsException("say which backup: --id ID (see 'backup list') or --latest"),
        };
    }
}
