using System.Text;
using Backup.Abstractions;

namespace Backup.Host.Spec;

/// <summary>Reads a spec file's text, at most <see cref="MaxBytes"/> of it, so a wrong <c>--spec</c> (a device, a dump, a directory) fails at once in bounded memory.</summary>
internal static class SpecFile
{
    /// <summary>The largest spec read, in bytes.</summary>
    /// <remarks>
    /// A real spec is under 4 KiB; 1 MiB leaves room for any comments while bounding what YamlDotNet's node model
    /// holds (measured in bench/hostile-inputs.sh). Without it, <c>--spec /dev/zero</c> grew to 4 GB and ran out of memory.
    /// </remarks>
    public const int MaxBytes = 1 << 20;

    /// <summary>The text of the spec at <paramref name="path"/> (UTF-8 unless a byte order mark says otherwise); throws <see cref="BackupSettingsException"/>.</summary>
    public static string Read(string path)
    {
        if (Directory.Exists(path))
        {
            throw new BackupSettingsException($"{path}: is a directory, not a spec file");
        }

        var buffer = new byte[MaxBytes + 1];
        var length = 0;
        try
        {
            // Reading one byte past the limit tells a file of exactly MaxBytes from a longer one without a Length,
            // which devices and pipes do not have.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
            int read;
            while (length < buffer.Length && (read = file.Read(buffer, length, buffer.Length - length)) > 0)
            {
                length += read;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new BackupSettingsException($"{path}: cannot read the spec file: {ex.Message}");
        }

        if (length > MaxBytes)
        {
            throw new BackupSettingsException($"{path}: the spec file is larger than {MaxBytes / (1 << 20)} MiB (a job spec is a few KiB): is --spec the right file?");
        }

        using var reader = new StreamReader(new MemoryStream(buffer, 0, length), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
