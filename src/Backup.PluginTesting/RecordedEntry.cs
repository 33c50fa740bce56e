namespace Backup.PluginTesting;

/// <summary>One entry a source wrote into a <see cref="RecordingBackupWriter"/>.</summary>
/// <param name="Name">The entry's name.</param>
/// <param name="Length">The bytes written.</param>
/// <param name="Sha1">The SHA-1 (hex) of those bytes.</param>
public sealed record RecordedEntry(string Name, long Length, string Sha1);
