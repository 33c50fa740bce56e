using System.Text;
using CliWrap;

namespace Backup.MariaDb;

/// <summary>A stderr pipe that keeps only the first few KiB and drains the rest, so a chatty process cannot fill memory.</summary>
internal sealed class BoundedCapture
{
    private const int Limit = 4096;

    private readonly MemoryStream _kept = new();

    /// <summary>The pipe target to hand to CliWrap.</summary>
    public PipeTarget Target => PipeTarget.Create(CopyAsync);

    /// <summary>What was kept, as text.</summary>
    public string Text => Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length);

    /// <summary>The first non-empty lines, the client's <c>ERROR</c> lines first, joined into one line and shortened, for an error message.</summary>
    /// <remarks>
    /// mariadb reports a failed statement as <c>--------------</c>, the statement (maybe megabytes of INSERT),
    /// <c>--------------</c>, then <c>ERROR ...</c>: in that order the reason would be cut off.
    /// </remarks>
    public string Summary(int maxLength = 400)
    {
        var lines = Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Trim('-').Length > 0)
            .OrderBy(line => line.StartsWith("ERROR", StringComparison.Ordinal) ? 0 : 1);
        var joined = string.Join(" | ", lines.Take(3));
        if (joined.Length == 0)
        {
            return "no error output";
        }

        return joined.Length <= maxLength ? joined : joined[..maxLength] + "...";
    }

    private async Task CopyAsync(Stream source, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            var keep = (int)Math.Min(read, Limit - _kept.Length);
            if (keep > 0)
            {
                _kept.Write(buffer, 0, keep);
            }
        }
    }
}
