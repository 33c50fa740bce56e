namespace Backup.Abstractions;

/// <summary>An object found in a storage.</summary>
/// <param name="Key">Its full key.</param>
/// <param name="Length">Its size in bytes.</param>
/// <param name="LastModified">When it was last written, as the store reports it.</param>
public sealed record StoredObject(string Key, long Length, DateTimeOffset LastModified);
