using System.Globalization;

namespace Backup.Host.Retention;

/// <summary>Decides which backups a <see cref="RetentionPolicy"/> keeps; pure, so every rule is tested with made-up timestamps.</summary>
/// <remarks>
/// <para>Complete backups follow restic's <c>forget</c>: walking from the newest, a rule with N left keeps a backup
/// whose bucket (the backup itself for <c>last</c>; its UTC day, ISO week or month) differs from the last bucket
/// that rule kept, and counts down. So each rule keeps the newest backup of each of its N newest buckets, and one
/// backup may be kept by several rules.</para>
/// <para>Incomplete backups (no <c>.sha1</c>: a failed or interrupted upload) count for no rule. One older than the
/// newest complete backup is removed; a newer one is kept, because it may be an upload still in progress.</para>
/// <para>A backup dated in the future (beyond the clock-skew tolerance) was made under a wrong clock: it counts for no
/// rule and is not "the newest", so it can neither push real backups out nor shield incomplete ones; it is kept, because
/// its content may be a good backup, and <c>backup list</c> flags it for a person to decide.</para>
/// <para>The protected backup (the one a run just made) is always kept, and an empty policy keeps everything.</para>
/// <para>Then <see cref="KeepBases"/> keeps every backup a kept increment builds on, whatever the rules said.</para>
/// </remarks>
internal static class RetentionPlanner
{
    /// <summary>Decides for every candidate; the result is ordered newest first.</summary>
    public static IReadOnlyList<RetentionDecision> Plan(IEnumerable<RetentionCandidate> candidates, RetentionPolicy policy, string? protectedId = null)
    {
        var ordered = candidates.OrderByDescending(c => c.Timestamp).ThenByDescending(c => c.Id, StringComparer.Ordinal).ToList();
        var rules = new[]
        {
            new Rule("last", policy.KeepLast, (c, index) => index),
            new Rule("daily", policy.KeepDaily, (c, _) => Day(c.Timestamp)),
            new Rule("weekly", policy.KeepWeekly, (c, _) => Week(c.Timestamp)),
            new Rule("monthly", policy.KeepMonthly, (c, _) => Month(c.Timestamp)),
        };
        var newestComplete = ordered.FirstOrDefault(c => c.IsComplete && !c.IsFutureDated)?.Timestamp;

        var decisions = new List<RetentionDecision>();
        var completeIndex = 0;
        foreach (var candidate in ordered)
        {
            var reasons = new List<string>();
            if (candidate.Id == protectedId)
            {
                reasons.Add("just made");
            }

            if (policy.IsEmpty)
            {
                reasons.Add("no retention rule");
            }
            else if (candidate.IsFutureDated)
            {
                reasons.Add("dated in the future (wrong clock?), counts for no rule; remove it by hand if unwanted");
            }
            else if (candidate.IsComplete)
            {
                foreach (var rule in rules)
                {
                    if (rule.TryKeep(candidate, completeIndex))
                    {
                        reasons.Add(rule.Name);
                    }
                }

                completeIndex++;
            }
            else if (newestComplete is null || candidate.Timestamp >= newestComplete)
            {
                reasons.Add("incomplete, not older than the newest complete backup (maybe an upload in progress)");
            }

            var keep = reasons.Count > 0;
            if (!keep)
            {
                reasons.Add(candidate.IsComplete ? "no rule keeps it" : "incomplete, older than the newest complete backup");
            }

            decisions.Add(new RetentionDecision(candidate.Id, candidate.Timestamp, keep, reasons));
        }

        return decisions;
    }

    /// <summary>Keeps every backup a kept one builds on (<paramref name="basedOn"/>: backup id to its base), recursively: an increment is worthless without its chain.</summary>
    public static IReadOnlyList<RetentionDecision> KeepBases(IReadOnlyList<RetentionDecision> decisions, IReadOnlyDictionary<string, string> basedOn)
    {
        var neededBy = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kept in decisions.Where(d => d.Keep))
        {
            var child = kept.Id;
            while (basedOn.TryGetValue(child, out var parent) && neededBy.TryAdd(parent, child))
            {
                child = parent;
            }
        }

        return decisions
            .Select(d => neededBy.TryGetValue(d.Id, out var child)
                ? d with { Keep = true, Reasons = d.Keep ? [.. d.Reasons, $"base of {child}"] : [$"base of {child}"] }
                : d)
            .ToList();
    }

    private static long Day(DateTimeOffset t) => (t.UtcDateTime.Year * 100L + t.UtcDateTime.Month) * 100 + t.UtcDateTime.Day;

    private static long Week(DateTimeOffset t) => ISOWeek.GetYear(t.UtcDateTime) * 100L + ISOWeek.GetWeekOfYear(t.UtcDateTime);

    private static long Month(DateTimeOffset t) => t.UtcDateTime.Year * 100L + t.UtcDateTime.Month;

    private sealed class Rule(string name, int count, Func<RetentionCandidate, int, long> bucketOf)
    {
        private int _left = count;
        private long? _lastBucket;

        public string Name => name;

        public bool TryKeep(RetentionCandidate candidate, int index)
        {
            if (_left <= 0)
            {
                return false;
            }

            var bucket = bucketOf(candidate, index);
            if (bucket == _lastBucket)
            {
                return false;
            }

            _lastBucket = bucket;
            _left--;
            return true;
        }
    }
}
