using System.Text;
using CliWrap;

namespace Backup.MariaDb;

/// <summary>A stderr pipe that keeps only the first few KiB and drains the rest, so a chatty process cannot fill memory.</summary>
internal sealed class BoundedCapture
{
    private const int Limit = 4096;

    private readonly MemoryStream _kept = new();
    private readonly byte[] _tail = new byte[Limit];
    private long _dropped;
    private int _tailLength;
    private int _tailStart;

    /// <summary>The pipe target to hand to CliWrap.</summary>
    public PipeTarget Target => PipeTarget.Create(CopyAsync);

    /// <summary>What was kept: the first KiB, and when there was more, the last KiB too (a ring: a long output says at its end why it stopped).</summary>
    public string Text
    {
        get
        {
            var head = Encoding.UTF8.GetString(_kept.GetBuffer(), 0, (int)_kept.Length);
            if (_tailLength == 0)
            {
                return head;
            }

            var tail = new byte[_tailLength];
            for (var i = 0; i < _tailLength; i++)
            {
                tail[i] = _tail[(_tailStart + i) % Limit];
            }

            var gap = _dropped > 0 ? $"\n[{_dropped:N0} bytes left out]\n" : "";
            return head + gap + Encoding.UTF8.GetString(tail);
        }
    }

    /// <summary>
    /// Three lines for an error message, joined into one line and shortened: the client's <c>ERROR</c> lines first, then
    /// other lines that name an error, then the last lines (where a chatty tool such as mariadb-backup says why it stopped).
    /// </summary>
    /// <remarks>
    /// mariadb reports a failed statement as <c>--------------</c>, the statement (maybe megabytes of INSERT),
    /// <c>--------------</c>, then <c>ERROR ...</c>: in that order the reason would be cut off.
    /// </remarks>
    public string Summary(int maxLength = 400)
    {
        var lines = Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => line.Trim('-').Length > 0)
            .ToList();
        var chosen = lines.Where(line => line.StartsWith("ERROR", StringComparison.Ordinal))
            .Concat(lines.Where(line => !line.StartsWith("ERROR", StringComparison.Ordinal) && NamesAnError(line)))
            .Concat(Enumerable.Reverse(lines).Where(line => !line.StartsWith("ERROR", StringComparison.Ordinal) && !NamesAnError(line)))
            .Take(3);
        var joined = string.Join(" | ", chosen);
        if (joined.Length == 0)
        {
            return "no error output";
        }

        return joined.Length <= maxLength ? joined : joined[..maxLength] + "...";
    }

    private static bool NamesAnError(string line) =>
        line.Contains("error", StringComparison.OrdinalIgnoreCase) || line.Contains("fatal", StringComparison.OrdinalIgnoreCase);

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

            // The rest goes through a ring of the last KiB: what fell out of it is only counted.
            for (var i = keep; i < read; i++)
            {
                if (_tailLength == Limit)
                {
                    _tailStart = (_tailStart + 1) % Limit;
                    _dropped++;
                }
                else
                {
                    _tailLength++;
                }

                _tail[(_tailStart + _tailLength - 1) % Limit] = buffer[i];
            }
        }
    }
}
