using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace Backup.Host.Pipeline;

/// <summary>Turns the spec's name template into a backup id, and a backup id into object keys.</summary>
internal static class ArtifactNames
{
    /// <summary>The UTC timestamp format of <c>{timestamp}</c>: sortable and free of ':' (not allowed in some stores and file systems).</summary>
    public const string TimestampFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>The length of <c>{unique}</c>: lower-case hex digits, random per run.</summary>
    /// <remarks>
    /// 24 bits: two runs started in the same second (a manual <c>kubectl create job --from=cronjob</c> beside the schedule)
    /// get the same id once in 16.7 million, and then the create-only upload stops the second one instead of overwriting.
    /// </remarks>
    public const int UniqueLength = 6;

    /// <summary>Appended to the archive's name for its checksum object (sha1sum format), uploaded last: its presence marks a complete backup.</summary>
    /// <remarks>The archive suffixes themselves are in <see cref="ArchiveFormat.All"/>.</remarks>
    public const string Sha1Suffix = ".sha1";

    /// <summary>Suffix of the manifest object uploaded beside the archive.</summary>
    public const string ManifestSuffix = ".manifest.json";

    /// <summary>The characters of a safe name: ones every object store and file system takes literally.</summary>
    public const string SafeNameCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";

    private static readonly SearchValues<char> SafeCharacters = SearchValues.Create(SafeNameCharacters);

    /// <summary>Every suffix after the backup id of an object a run in one of <paramref name="formats"/> stores, longest first (so a key is cut at its full suffix whatever suffixes a future format adds).</summary>
    public static IReadOnlyList<string> ObjectSuffixes(IEnumerable<ArchiveFormat> formats) =>
        [.. formats.SelectMany(f => new[] { f.Suffix, f.ChecksumSuffix }).Append(ManifestSuffix).OrderByDescending(s => s.Length)];

    /// <summary>The longest suffix any run may give an object: a streaming object of an extension as long as a source may declare, encrypted, its checksum.</summary>
    public static string LongestObjectSuffix { get; } =
        ObjectSuffixes(ArchiveFormat.All(new string('x', Backup.Abstractions.BackupEntryShape.MaxExtensionLength)))[0];

    /// <summary>Returns why <paramref name="template"/> is unusable, or null when it is fine.</summary>
    public static string? ValidateTemplate(string template)
    {
        var sample = Render(template, "job", DateTimeOffset.UnixEpoch);
        if (sample.Contains('{') || sample.Contains('}'))
        {
            return $"'{template}' has an unknown placeholder (known: {{job}}, {{timestamp}}, {{unique}})";
        }

        return IsSafeName(sample) ? null : $"'{template}' may only contain letters, digits, '.', '_', '-' and the placeholders {{job}}, {{timestamp}}, {{unique}}";
    }

    /// <summary>Renders the backup id for a job started at <paramref name="startedAt"/>.</summary>
    /// <param name="template">The spec's <c>artifact.name</c>.</param>
    /// <param name="jobName">The job's name, for <c>{job}</c>.</param>
    /// <param name="startedAt">The run's start, for <c>{timestamp}</c>.</param>
    /// <param name="unique">The value of <c>{unique}</c> (<see cref="UniqueLength"/> hex digits); null draws a new random one.</param>
    public static string Render(string template, string jobName, DateTimeOffset startedAt, string? unique = null) =>
        template
            .Replace("{job}", jobName, StringComparison.Ordinal)
            .Replace("{timestamp}", startedAt.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{unique}", unique ?? RandomNumberGenerator.GetHexString(UniqueLength, lowercase: true), StringComparison.Ordinal);

    /// <summary>The object key of <paramref name="fileName"/> under <paramref name="prefix"/>, as the seed's <c>dir/basename</c>.</summary>
    public static string Key(string prefix, string fileName) =>
        prefix.Length == 0 ? fileName : $"{prefix}/{fileName}";

    /// <summary>Whether <paramref name="name"/> is a non-empty run of letters, digits, '.', '_' and '-' (and not '.' or '..').</summary>
    public static bool IsSafeName(string name) =>
        name.Length > 0 && name is not ("." or "..") && !name.AsSpan().ContainsAnyExcept(SafeCharacters);
}
