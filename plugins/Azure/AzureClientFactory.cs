using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Backup.Abstractions;

namespace Backup.Plugins.Azure;

/// <summary>Creates the container client on first use, reading the secret (if any) only then.</summary>
/// <remarks>Not thread-safe; the host calls a storage from one flow at a time.</remarks>
internal sealed class AzureClientFactory(AzureSettings settings)
{
    private BlobContainerClient? _container;

    /// <summary>The container's URL (without a SAS) once the client exists, else the settings' description.</summary>
    public string Location => _container is null ? settings.Location : _container.Uri.GetLeftPart(UriPartial.Path);

    /// <summary>The blob's URL (without a SAS) once the client exists, else <c>azure:&lt;container&gt;/&lt;key&gt;</c>.</summary>
    public string LocationOf(string key) => _container is null
        ? $"azure:{settings.Container}/{key}"
        : _container.GetBlobClient(key).Uri.GetLeftPart(UriPartial.Path);

    /// <summary>The container client, created once.</summary>
    public async Task<BlobContainerClient> GetContainerAsync(CancellationToken cancellationToken)
    {
        if (_container is not null)
        {
            return _container;
        }

        var options = new BlobClientOptions { EncryptionScope = settings.EncryptionScope };
        var secret = settings.Credential.Secret;
        var service = settings.Credential.Kind switch
        {
            AzureCredentialKind.ConnectionString => FromConnectionString(await ReadAsync(secret!, cancellationToken).ConfigureAwait(false), secret!, options),
            AzureCredentialKind.SasToken => new BlobServiceClient(settings.AccountUrl!, new AzureSasCredential((await ReadAsync(secret!, cancellationToken).ConfigureAwait(false)).TrimStart('?')), options),
            _ => new BlobServiceClient(settings.AccountUrl!, new DefaultAzureCredential(), options),
        };
        _container = service.GetBlobContainerClient(settings.Container);
        return _container;
    }

    // Connection strings and SAS tokens never contain white space; a file may end in more than one newline.
    private static async Task<string> ReadAsync(SecretReference secret, CancellationToken cancellationToken) =>
        (await secret.ReadAsync(cancellationToken).ConfigureAwait(false)).Trim();

    private static BlobServiceClient FromConnectionString(string connectionString, SecretReference source, BlobClientOptions options)
    {
        try
        {
            return new BlobServiceClient(connectionString, options);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidOperationException)
        {
            // Not ex.Message: the parser's messages may quote parts of the connection string.
            throw new BackupCredentialsException($"{source.Setting}: {source.Describe()} is not a valid Azure Storage connection string");
        }
    }
}
