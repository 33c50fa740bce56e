namespace Backup.Abstractions;

/// <summary>The spec or a plugin's settings are invalid; nothing has run.</summary>
public sealed class BackupSettingsException : BackupException
{
    /// <summary>Creates the exception for one or more problems, each naming the setting (and its place in the spec).</summary>
    public BackupSettingsException(IReadOnlyList<string> problems)
        : base(string.Join("; ", problems))
    {
        Problems = problems;
    }

    /// <summary>Creates the exception for a single problem.</summary>
    public BackupSettingsException(string problem)
        : this([problem])
    {
    }

    /// <summary>Every problem found, one line each.</summary>
    public IReadOnlyList<string> Problems { get; }
}
