namespace Backup.Plugins.MariaDbHa.Dump;

/// <summary>Receives a run of dump bytes and the database section they belong to (null before the first section: the dump's header).</summary>
/// <param name="bytes">The bytes, valid only during the call.</param>
/// <param name="database">The section's database, or null for the header.</param>
internal delegate void SectionBytes(ReadOnlySpan<byte> bytes, string? database);
