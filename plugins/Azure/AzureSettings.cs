using Azure.Storage.Blobs.Models;
using Backup.Abstractions;

namespace Backup.Plugins.Azure;

/// <summary>The validated settings of one <c>azure</c> storage.</summary>
/// <param name="Container">The container's name.</param>
/// <param name="AccountUrl">The blob endpoint, e.g. <c>https://acct.blob.core.windows.net</c>; null when a connection string names it.</param>
/// <param name="Credential">Where the credential comes from.</param>
/// <param name="AccessTier">The tier new blobs get; null for the account's default.</param>
/// <param name="EncryptionScope">The encryption scope every write uses; null for the account's default.</param>
/// <param name="BlockSize">Bytes per staged block (also the largest object uploaded in a single request).</param>
/// <param name="MaxConcurrency">Blocks uploaded in parallel; memory use is about <see cref="BlockSize"/> times this.</param>
internal sealed record AzureSettings(
    string Container,
    Uri? AccountUrl,
    AzureCredentialSource Credential,
    AccessTier? AccessTier,
    string? EncryptionScope,
    int BlockSize,
    int MaxConcurrency)
{
    private const int MiB = 1024 * 1024;

    /// <summary>Where the storage is, for logs and errors; never contains a secret.</summary>
    public string Location => AccountUrl is null
        ? $"azure:{Container} (account from {Credential.Secret?.Describe()})"
        : $"{AccountUrl.GetLeftPart(UriPartial.Path).TrimEnd('/')}/{Container}";

    /// <summary>Reads the settings, recording every problem in <paramref name="settings"/> instead of throwing.</summary>
    public static AzureSettings Read(PluginSettings settings)
    {
        var container = settings.GetRequiredString("container");
        var credential = AzureCredentialSource.Read(settings);
        var accountUrl = ReadAccountUrl(settings, credential);
        var accessTier = ReadAccessTier(settings);
        var encryptionScope = settings.GetString("encryptionScope");

        // Azure allows blocks up to 4000 MiB, but each one in flight is a buffer in this process.
        var blockSizeMiB = settings.GetInt32("blockSizeMiB", 8, 1, 4000);
        var maxConcurrency = settings.GetInt32("maxConcurrency", 4, 1, 64);
        return new AzureSettings(container, accountUrl, credential, accessTier, encryptionScope, blockSizeMiB * MiB, maxConcurrency);
    }

    private static Uri? ReadAccountUrl(PluginSettings settings, AzureCredentialSource credential)
    {
        var text = settings.GetString("accountUrl");
        if (credential.Kind == AzureCredentialKind.ConnectionString)
        {
            if (text is not null)
            {
                settings.AddProblem("accountUrl", "must not be set with a connection string, which names the endpoint itself");
            }

            return null;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            settings.AddProblem("accountUrl", "is required (e.g. https://<account>.blob.core.windows.net) unless connectionString is set");
            return null;
        }

        if (settings.GetHttpUrl("accountUrl") is not { } url)
        {
            return null;
        }

        if (!string.IsNullOrEmpty(url.Query))
        {
            // A SAS pasted into the URL would end up in logs and in the spec: it belongs in sasTokenEnv/sasTokenFile.
            settings.AddProblem("accountUrl", "must not carry a query string (a SAS token goes in sasToken)");
            return null;
        }

        if (url.Scheme == "http" && credential.Kind == AzureCredentialKind.Default)
        {
            // Azure.Core refuses to send a bearer token over plain http; say so now rather than at upload time.
            settings.AddProblem("accountUrl", $"must be https with DefaultAzureCredential, not '{text}'");
        }

        return url;
    }

    private static AccessTier? ReadAccessTier(PluginSettings settings) =>
        settings.GetChoice("accessTier", ["Hot", "Cool", "Cold", "Archive"]) is { } tier ? new AccessTier(tier) : (AccessTier?)null;
}
