using System.Security.Cryptography;
using System.Text;
using Backup.Abstractions;
using Backup.PluginTesting;
using Backup.Testing;
using Backup.TestPlugins.FakeSource;

namespace Backup.Host.Tests;

/// <summary>The source contract for the <c>fake</c> test source the host's tests rely on: it must behave as a real source does.</summary>
/// <remarks>Its token comes from a file, as a real source's password from a mounted Secret; the kit's made-up one is refused.</remarks>
public sealed class FakeSourceConformanceSpecs : SourceConformanceTests
{
    private readonly string _token = $"fake-token-{Guid.NewGuid():N}";

    protected override IBackupSourcePlugin Plugin { get; } = new FakeSourcePlugin();

    protected override IReadOnlyList<string> Secrets => [_token];

    protected override PluginSettings CreateSettings() => WithTokenFile(_token);

    protected override PluginSettings? CreateSettingsWithSecret(string secret) => WithTokenFile(secret);

    /// <summary>Settings presenting <paramref name="token"/> from a file to a pretend server that accepts only this test's <c>_token</c>.</summary>
    private PluginSettings WithTokenFile(string token) =>
        SettingsBuilder.From(new Dictionary<string, object>
        {
            ["entries"] = "2",
            ["bytes"] = "300000",
            // Declares its shape (several .bin entries), so the kit's shape spec runs here too.
            ["extension"] = "bin",
            ["tokenFile"] = WriteSecretFile(token),
            ["acceptedTokenSha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_token))),
        });
}
