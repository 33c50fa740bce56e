using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Backup.Host.Pipeline;

namespace Backup.Host.Stored;

/// <summary>Recognises the backup ids a job's name template produces and reads the timestamp back out of them.</summary>
/// <remarks>
/// Retention deletes only what this pattern matches, so an object that merely shares the prefix (another job's
/// backup, a hand-made copy, a README) is never a candidate.
/// </remarks>
internal sealed class ArtifactNamePattern
{
    private const string TimestampGroup = "ts";

    private readonly Regex _regex;

    /// <summary>Builds the pattern of <paramref name="template"/> rendered for job <paramref name="jobName"/>.</summary>
    public ArtifactNamePattern(string template, string jobName)
    {
        var pattern = new StringBuilder("^");
        var hasTimestamp = false;
        // {unique} is optional together with the separator before it: ids written before it existed (the earlier
        // default {job}-{timestamp}) must still be listed, verified, restored and pruned under the current default.
        foreach (var part in Regex.Split(template, @"(\{job\}|\{timestamp\}|[-._]?\{unique\})"))
        {
            pattern.Append(part switch
            {
                "{job}" => Regex.Escape(jobName),
                "{timestamp}" when hasTimestamp => $@"\k<{TimestampGroup}>",
                "{timestamp}" => $@"(?<{TimestampGroup}>\d{{8}}T\d{{6}}Z)",
                _ when part.EndsWith("{unique}", StringComparison.Ordinal) => $"(?:{Regex.Escape(part[..^"{unique}".Length])}[0-9a-f]{{{ArtifactNames.UniqueLength}}})?",
                _ => Regex.Escape(part),
            });
            hasTimestamp |= part == "{timestamp}";
        }

        _regex = new Regex(pattern.Append('$').ToString(), RegexOptions.CultureInvariant);
        HasTimestamp = hasTimestamp;
    }

    /// <summary>Whether the template has <c>{timestamp}</c>; without it the store's modification time dates a backup.</summary>
    public bool HasTimestamp { get; }

    /// <summary>Whether <paramref name="backupId"/> is one of the job's backups; <paramref name="timestamp"/> is its time when the name holds one.</summary>
    public bool Matches(string backupId, out DateTimeOffset? timestamp)
    {
        timestamp = null;
        var match = _regex.Match(backupId);
        if (!match.Success)
        {
            return false;
        }

        if (!match.Groups[TimestampGroup].Success)
        {
            return true;
        }

        // The digits may still be no date (month 13): then it is not a name this job wrote.
        if (!DateTimeOffset.TryParseExact(match.Groups[TimestampGroup].Value, ArtifactNames.TimestampFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return false;
        }

        timestamp = parsed;
        return true;
    }
}
