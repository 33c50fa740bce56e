namespace Backup.Host.Spec;

/// <summary>Where a secret (a webhook URL, a signing secret) is read from at the end of a run: an environment variable or a file.</summary>
/// <param name="Kind"><c>env</c> or <c>file</c>.</param>
/// <param name="Name">The variable's name or the file's path; never the secret itself, so it may appear in messages.</param>
internal sealed record SecretReference(string Kind, string Name)
{
    /// <summary>The largest secret read from a file: URLs and keys are far smaller, and a wrong path must not cost memory.</summary>
    public const int MaxFileBytes = 64 * 1024;

    /// <summary>Where it comes from, for messages (<c>env BACKUP_WEBHOOK_URL</c>).</summary>
    public override string ToString() => $"{Kind} {Name}";
}
