namespace Backup.Host.Retention;

/// <summary>The spec's <c>retention</c> section: how many backups to keep, with restic's <c>forget</c> semantics.</summary>
/// <param name="KeepLast">Keep the newest N backups.</param>
/// <param name="KeepDaily">For the newest N days that have a backup, keep the newest backup of each day (UTC).</param>
/// <param name="KeepWeekly">Likewise per ISO week.</param>
/// <param name="KeepMonthly">Likewise per calendar month.</param>
internal sealed record RetentionPolicy(int KeepLast, int KeepDaily, int KeepWeekly, int KeepMonthly)
{
    /// <summary>Whether no rule keeps anything; such a policy is never applied (it would delete every backup).</summary>
    public bool IsEmpty => KeepLast <= 0 && KeepDaily <= 0 && KeepWeekly <= 0 && KeepMonthly <= 0;

    /// <inheritdoc />
    public override string ToString() => $"keepLast {KeepLast}, keepDaily {KeepDaily}, keepWeekly {KeepWeekly}, keepMonthly {KeepMonthly}";
}
