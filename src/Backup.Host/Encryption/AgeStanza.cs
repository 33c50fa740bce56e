namespace Backup.Host.Encryption;

/// <summary>One recipient stanza of an age header: a type, its arguments and a binary body.</summary>
/// <param name="Type">The stanza type, e.g. <c>X25519</c>.</param>
/// <param name="Arguments">The arguments after the type.</param>
/// <param name="Body">The decoded body.</param>
internal sealed record AgeStanza(string Type, IReadOnlyList<string> Arguments, byte[] Body);
