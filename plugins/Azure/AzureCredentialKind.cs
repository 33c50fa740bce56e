namespace Backup.Plugins.Azure;

/// <summary>How the plugin authenticates to the storage account.</summary>
internal enum AzureCredentialKind
{
    /// <summary>Azure.Identity's DefaultAzureCredential: workload identity, managed identity, environment, CLI.</summary>
    Default,

    /// <summary>A storage connection string (account key or SAS), read from an environment variable or a file.</summary>
    ConnectionString,

    /// <summary>A SAS token for <c>accountUrl</c>, read from an environment variable or a file.</summary>
    SasToken,
}
