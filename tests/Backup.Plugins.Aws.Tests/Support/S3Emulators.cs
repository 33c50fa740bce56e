using System.Runtime.CompilerServices;
using Backup.Abstractions;
using Backup.Testing;

namespace Backup.Plugins.Aws.Tests.Support;

/// <summary>The two S3 emulators scripts/test-servers.sh starts on 127.0.0.1, and settings a user would write for them.</summary>
/// <remarks>
/// The SDK is pointed at them only through what a user can set: <c>serviceUrl</c> and <c>forcePathStyle</c> in the spec,
/// credentials through the SDK's standard environment variables (set once for this test process, below).
/// </remarks>
internal static class S3Emulators
{
    /// <summary>The bucket both emulators are started with.</summary>
    public const string Bucket = "backups";

    /// <summary>s3rver accepts only these; fauxqs accepts any.</summary>
    public const string AccessKey = "S3RVER";

    /// <summary>The secret that goes with <see cref="AccessKey"/>.</summary>
    public const string SecretKey = "S3RVER";

    /// <summary>fauxqs: lenient, like AWS with the SDK's defaults.</summary>
    public static string FauxqsUrl => TestServers.FauxqsUrl;

    /// <summary>s3rver: strict, like on-prem S3-compatible stores (BACKUP_TEST_S3RVER_URL, default http://127.0.0.1:14901).</summary>
    public static string S3rverUrl => Environment.GetEnvironmentVariable("BACKUP_TEST_S3RVER_URL") is { Length: > 0 } url ? url : "http://127.0.0.1:14901";

    /// <summary>Settings for fauxqs with the SDK's defaults, as for AWS itself plus the endpoint.</summary>
    public static Dictionary<string, object> Fauxqs(string bucket = Bucket) => new()
    {
        ["bucket"] = bucket,
        ["region"] = "us-east-1",
        ["serviceUrl"] = FauxqsUrl,
        ["forcePathStyle"] = "true",
        ["requestChecksumCalculation"] = "WHEN_SUPPORTED",
    };

    /// <summary>Settings for s3rver with the S3-compatible options the docs recommend for such stores.</summary>
    public static Dictionary<string, object> S3rver(string bucket = Bucket) => new()
    {
        ["bucket"] = bucket,
        ["region"] = "us-east-1",
        ["serviceUrl"] = S3rverUrl,
        ["forcePathStyle"] = "true",
        ["requestChecksumCalculation"] = "WHEN_REQUIRED",
        ["responseChecksumValidation"] = "WHEN_REQUIRED",
        ["useChunkEncoding"] = "false",
    };

    /// <summary>The dictionary as the host would hand it to the plugin.</summary>
    public static PluginSettings ToSettings(this Dictionary<string, object> values) => SettingsBuilder.From(values, "storage.settings");

    /// <summary>Environment for a child <c>backup</c> process: only the given credentials, no shared config, no instance metadata.</summary>
    public static Dictionary<string, string?> ChildEnvironment(string directory, string? accessKey = AccessKey, string? secretKey = SecretKey) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = accessKey,
        ["AWS_SECRET_ACCESS_KEY"] = secretKey,
        ["AWS_SESSION_TOKEN"] = null,
        ["AWS_PROFILE"] = null,
        ["AWS_CONFIG_FILE"] = Path.Combine(directory, "no-aws-config"),
        ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(directory, "no-aws-credentials"),
        ["AWS_EC2_METADATA_DISABLED"] = "true",
    };

    /// <summary>Gives this test process the emulators' credentials through the SDK's standard chain, once, before any test.</summary>
#pragma warning disable CA2255 // A module initializer is exactly "once, before any test" for process-wide environment.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void UseEmulatorCredentials()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", AccessKey);
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", SecretKey);
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", null);
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
    }
}
