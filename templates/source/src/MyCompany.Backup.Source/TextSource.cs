using System.Globalization;
using System.Text;
using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace MyCompany.Backup.Source;

/// <summary>Backs up one piece of text as one entry: replace this with what you back up (a database, a directory, an API).</summary>
internal sealed class TextSource(string text, string entryName, ILogger<TextSource> logger) : IShapedBackupSource
{
    // Optional: says before any backup what this source writes, from its settings alone. `backup validate` then lets
    // streaming mode through (one entry) and a streaming backup is stored as <id>.txt.gz. A source that writes several
    // entries says so with a null entry name; one that declares nothing is stored as <id>.sql.gz.
    public BackupEntryShape EntryShape { get; } = new(entryName, "txt");

    public async Task<SourceResult> BackupAsync(BackupContext context, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(text);

        // The host archives, compresses, checksums and uploads each entry; never dispose the stream it hands you.
        // Throw BackupSourceException for what the user can fix: it is printed as one line, and nothing is uploaded.
        await context.Writer.WriteEntryAsync(entryName, (stream, ct) => stream.WriteAsync(bytes, ct).AsTask(), cancellationToken);

        logger.LogInformation("Wrote {Bytes} bytes into {Entry}", bytes.Length, entryName);

        // Lands in the backup's manifest: facts about what was backed up, never a secret.
        return new SourceResult(new Dictionary<string, string> { ["bytes"] = bytes.Length.ToString(CultureInfo.InvariantCulture) });
    }
}
