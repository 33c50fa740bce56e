using System.Buffers;

namespace Backup.Abstractions;

/// <summary>The entries a source writes with its current settings: one named entry of a known type, or several (contract 1.3).</summary>
/// <remarks>
/// Declared through <see cref="IShapedBackupSource"/>. The host uses it before any dump: <c>backup validate</c> refuses
/// streaming mode (one entry per object) for a source that writes several, and a streaming object is named
/// <c>&lt;id&gt;.&lt;extension&gt;.gz</c> or <c>.zst</c> after it.
/// </remarks>
public sealed record BackupEntryShape
{
    private static readonly SearchValues<char> ExtensionCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789");

    /// <summary>The longest <see cref="Extension"/>.</summary>
    public const int MaxExtensionLength = 16;

    /// <summary>Declares the shape; throws <see cref="ArgumentException"/> when a name or the extension breaks its rule.</summary>
    /// <param name="entryName">The one entry's name (<see cref="BackupEntryName.IsValid"/>), or null when the source writes several entries.</param>
    /// <param name="extension">The type of the entry's content as a file extension without the dot, e.g. <c>sql</c> or <c>mbstream</c>: lower-case letters and digits, not <c>tar</c>.</param>
    /// <param name="isCompressed">Whether the content is already compressed, so compressing it again gains nothing.</param>
    public BackupEntryShape(string? entryName, string extension, bool isCompressed = false)
    {
        if (entryName is not null && !BackupEntryName.IsValid(entryName))
        {
            throw new ArgumentException($"entry name '{entryName}' breaks the entry-name rule (letters, digits, '.', '_', '-'; not '{BackupEntryName.Reserved}')", nameof(entryName));
        }

        if (ExtensionProblem(extension) is { } problem)
        {
            throw new ArgumentException(problem, nameof(extension));
        }

        EntryName = entryName;
        Extension = extension;
        IsCompressed = isCompressed;
    }

    /// <summary>The one entry's name, or null when the source writes several.</summary>
    public string? EntryName { get; }

    /// <summary>Whether the source writes exactly one entry (a streaming backup holds one).</summary>
    public bool IsSingleEntry => EntryName is not null;

    /// <summary>The content's type as a file extension without the dot, e.g. <c>sql</c>.</summary>
    public string Extension { get; }

    /// <summary>Whether the content is already compressed.</summary>
    public bool IsCompressed { get; }

    /// <summary>Why <paramref name="extension"/> cannot name a streaming object, or null when it can.</summary>
    /// <remarks>One run of lower-case letters and digits, so the object's name stays one <c>&lt;id&gt;.&lt;ext&gt;.gz</c> on every store; <c>tar</c> would read as an archive-mode <c>.tar.gz</c>.</remarks>
    public static string? ExtensionProblem(string extension) =>
        extension is null || extension.Length is 0 or > MaxExtensionLength || extension.AsSpan().ContainsAnyExcept(ExtensionCharacters)
            ? $"entry extension '{extension}' must be 1 to {MaxExtensionLength} lower-case letters or digits, without the dot"
            : extension == "tar"
                ? "entry extension 'tar' is taken by archive mode's .tar.gz"
                : null;
}
