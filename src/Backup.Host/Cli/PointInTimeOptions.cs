using System.CommandLine;
using System.Globalization;
using Backup.Abstractions;

namespace Backup.Host.Cli;

/// <summary>The options of a point-in-time restore: <c>--to-time T | --to-gtid POSITION</c> and <c>--allow-gaps</c>.</summary>
internal sealed class PointInTimeOptions
{
    /// <summary>Restore the state as of this UTC time.</summary>
    public Option<string?> ToTime { get; } = new("--to-time")
    {
        Description = "Restore the newest backup before T, then replay the archived binlogs up to T (ISO 8601, e.g. 2026-11-30T03:14:15Z; every transaction logged in that second is included).",
    };

    /// <summary>Restore up to and including this log position.</summary>
    public Option<string?> ToGtid { get; } = new("--to-gtid") { Description = "Like --to-time, but up to and including this GTID (D-S-N)." };

    /// <summary>Replay across missing binlogs.</summary>
    public Option<bool> AllowGaps { get; } = new("--allow-gaps") { Description = "Replay even when archived binlogs are missing between the backup and the target (the missing transactions are lost)." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(ToTime);
        command.Options.Add(ToGtid);
        command.Options.Add(AllowGaps);
    }

    /// <summary>Whether a point-in-time restore was asked for.</summary>
    public bool IsRequested(ParseResult parseResult) =>
        parseResult.GetValue(ToTime) is not null || parseResult.GetValue(ToGtid) is not null;

    /// <summary>Refuses what does not combine with a point in time (the backup is chosen for it; replay covers whole servers); returns null.</summary>
    public string? RefuseSelection(ParseResult parseResult, BackupSelection selection, IReadOnlyList<string> databases)
    {
        if (parseResult.GetValue(ToTime) is not null && parseResult.GetValue(ToGtid) is not null)
        {
            throw new BackupSettingsException("give either --to-time or --to-gtid, not both");
        }

        if (parseResult.GetValue(selection.Id) is not null || parseResult.GetValue(selection.Latest))
        {
            throw new BackupSettingsException("--to-time/--to-gtid choose the backup themselves: leave out --id and --latest");
        }

        return databases.Count > 0
            ? throw new BackupSettingsException("--database cannot be combined with --to-time/--to-gtid: replayed binlogs hold every database's transactions")
            : null;
    }

    /// <summary>The time asked for, or null; one line (exit 2) when it is not an ISO 8601 time with a zone.</summary>
    public DateTimeOffset? Time(ParseResult parseResult)
    {
        if (parseResult.GetValue(ToTime) is not { } text)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new BackupSettingsException($"--to-time: '{text}' is not a time such as 2026-11-30T03:14:15Z");
    }
}
