namespace Backup.Testing;

/// <summary>A storage configuration for a host-level test: spec settings plus the environment the host process needs.</summary>
/// <param name="Container">The bucket/container the settings name.</param>
/// <param name="Settings">The spec's <c>storage.settings</c>, flat scalars.</param>
/// <param name="Environment">Variables the host process gets (e.g. the one a <c>connectionStringEnv</c> setting names).</param>
/// <param name="Secret">A secret value that must never appear in the host's output, or null.</param>
public sealed record StorageCase(
    string Container,
    IReadOnlyDictionary<string, string> Settings,
    IReadOnlyDictionary<string, string?> Environment,
    string? Secret = null);
