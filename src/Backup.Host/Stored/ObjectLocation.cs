using Backup.Abstractions;

namespace Backup.Host.Stored;

/// <summary>Where a stored object is, as its user would look for it: the storage's own answer when it gives one.</summary>
internal static class ObjectLocation
{
    /// <summary>The storage's <see cref="ILocatingBackupStorage.LocationOf"/>, else <c>&lt;Location&gt;/&lt;key&gt;</c> (right only for stores that keep keys as they are).</summary>
    public static string WhereIs(this IBackupStorage storage, string key) =>
        storage is ILocatingBackupStorage locating ? locating.LocationOf(key) : $"{storage.Location}/{key}";
}
