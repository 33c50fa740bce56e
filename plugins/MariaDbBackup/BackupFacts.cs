using System.Text;

namespace Backup.Plugins.MariaDbBackup;

/// <summary>Reads the <c>key = value</c> files mariadb-backup writes (<c>xtrabackup_checkpoints</c>, <c>xtrabackup_info</c>), bounded in size.</summary>
internal static class BackupFacts
{
    // Both files are a few hundred bytes; anything far larger is not one of them.
    private const int MaxBytes = 64 << 10;

    /// <summary>The file's keys and values; empty when the file is missing.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return facts;
        }

        await using var file = File.OpenRead(path);
        var buffer = new byte[MaxBytes];
        var length = await file.ReadAtLeastAsync(buffer, MaxBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        foreach (var line in Encoding.UTF8.GetString(buffer, 0, length).Split('\n'))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                facts[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }

        return facts;
    }
}
