namespace Backup.Host.Progress;

/// <summary>Standard error on an interactive terminal: log lines scroll as usual, and one status line below them is redrawn in place.</summary>
/// <remarks>
/// Every write goes through here (the console logger's thread, error lines, progress), under one lock: before text is
/// written the status line is erased (<c>\r</c> + erase-line), after a complete line it is drawn again, so log lines
/// and the live progress never overwrite each other. Only made when standard error is a terminal and logs are text:
/// CI logs, files, pipes and Kubernetes never get a control sequence.
/// </remarks>
internal sealed class StatusLineWriter(TextWriter inner, Func<int> width) : TextWriter
{
    private const string EraseLine = "\r\u001b[2K";

    private readonly Lock _lock = new();
    private string? _status;
    private bool _shown;
    private bool _atLineStart = true;

    /// <inheritdoc />
    public override System.Text.Encoding Encoding => inner.Encoding;

    /// <summary>Wraps standard error and installs the wrapper as <see cref="Console.Error"/> when it is a terminal and <paramref name="textLogs"/>; otherwise null.</summary>
    public static StatusLineWriter? ForStandardError(bool textLogs)
    {
        if (!textLogs || Console.IsErrorRedirected || Environment.GetEnvironmentVariable("TERM") is null or "" or "dumb")
        {
            return null;
        }

        var writer = new StatusLineWriter(Console.Error, TerminalWidth);
        Console.SetError(writer);
        return writer;
    }

    /// <summary>Shows <paramref name="status"/> as the live line (cut to the terminal's width), or removes it when null.</summary>
    public void Show(string? status)
    {
        lock (_lock)
        {
            _status = status is null ? null : Fit(status);
            if (_atLineStart)
            {
                Erase();
                Draw();
                inner.Flush();
            }
        }
    }

    /// <inheritdoc />
    public override void Write(char value) => Write(value.ToString());

    /// <inheritdoc />
    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    /// <inheritdoc />
    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        lock (_lock)
        {
            Erase();
            inner.Write(value);
            _atLineStart = value.EndsWith('\n');
            if (_atLineStart)
            {
                Draw();
            }

            inner.Flush();
        }
    }

    /// <inheritdoc />
    public override void WriteLine(string? value) => Write((value ?? "") + NewLine);

    /// <inheritdoc />
    public override void Flush()
    {
        lock (_lock)
        {
            inner.Flush();
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Show(null);
        }

        base.Dispose(disposing);
    }

    // Wider than the terminal, the line would wrap and erasing would clear only its last row.
    private string Fit(string status)
    {
        var columns = width();
        return columns > 1 && status.Length >= columns ? status[..(columns - 1)] : status;
    }

    private void Erase()
    {
        if (_shown)
        {
            inner.Write(EraseLine);
            _shown = false;
        }
    }

    private void Draw()
    {
        if (_status is not null)
        {
            inner.Write(_status);
            _shown = true;
        }
    }

    private static int TerminalWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 80;
        }
    }
}
