using Backup.Abstractions;

namespace Backup.Host.Tests.Support;

/// <summary>An all-or-nothing in-memory storage that records every upload in order, and can be told to fail one key.</summary>
internal sealed class MemoryStorage : IDeletableBackupStorage
{
    private readonly List<(string Key, UploadOptions Options, bool CanSeek)> _uploads = [];

    /// <summary>Objects stored now, by key.</summary>
    public Dictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);

    /// <summary>Every successful upload, in order.</summary>
    public IReadOnlyList<(string Key, UploadOptions Options, bool CanSeek)> Uploads => _uploads;

    /// <summary>Uploads of a key ending with this fail after reading the content.</summary>
    public string? FailKeysEndingWith { get; init; }

    public string Location => "memory:";

    public async Task UploadAsync(string key, Stream content, UploadOptions options, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        if (FailKeysEndingWith is { } suffix && key.EndsWith(suffix, StringComparison.Ordinal))
        {
            throw new BackupStorageException($"memory: refused {key}");
        }

        Objects[key] = buffer.ToArray();
        _uploads.Add((key, options, content.CanSeek));
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        Objects.Remove(key);
        return Task.CompletedTask;
    }
}
