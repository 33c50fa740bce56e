namespace Backup.MariaDb.Binlogs;

/// <summary>What one binary log file holds in one GTID domain: its first and last transaction and when they were logged.</summary>
internal sealed record BinlogSummary(Gtid First, Gtid Last, DateTimeOffset FirstEventTime, DateTimeOffset LastEventTime);
