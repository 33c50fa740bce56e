using Backup.Abstractions;
using Backup.Testing;

namespace Backup.Plugins.Gcp.Tests.Support;

/// <summary>The one GCS test server of this test assembly, with its buckets, started on first use.</summary>
internal static class Gcs
{
    /// <summary>The bucket every test writes into, each under its own prefix.</summary>
    public const string Bucket = "backups";

    /// <summary>A bucket whose every request answers 403, as for a credential without a role on it.</summary>
    public const string DeniedBucket = "denied";

    private static readonly Lazy<Task<GcsTestServer>> Shared = new(async () =>
    {
        var server = new GcsTestServer();
        await server.StartAsync();
        server.AddBucket(Bucket);
        server.DenyAccess(DeniedBucket);

        // Shared by every test class, so no fixture owns it: remove its files (hundreds of MB) when the test run ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    });

    /// <summary>The shared server.</summary>
    public static Task<GcsTestServer> ServerAsync() => Shared.Value;

    /// <summary>Spec settings for <paramref name="bucket"/> on the test server.</summary>
    public static async Task<Dictionary<string, string>> SettingsAsync(string bucket = Bucket) =>
        new() { ["bucket"] = bucket, ["baseUri"] = (await ServerAsync()).BaseUri, ["anonymous"] = "true" };

    /// <summary>The same settings as a plugin section, as the host builds it from a spec.</summary>
    public static PluginSettings Section(IReadOnlyDictionary<string, string> settings) =>
        SettingsBuilder.From(settings.ToDictionary(s => s.Key, s => (object)s.Value), "storage.settings");
}
