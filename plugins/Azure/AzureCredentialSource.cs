using Backup.Abstractions;

namespace Backup.Plugins.Azure;

/// <summary>Which credential to use and, for a secret, where to read it; the secret itself is never in the spec.</summary>
/// <param name="Kind">The kind of credential.</param>
/// <param name="Secret">Where the connection string or SAS token is; null for <see cref="AzureCredentialKind.Default"/>.</param>
internal sealed record AzureCredentialSource(AzureCredentialKind Kind, SecretReference? Secret)
{
    private static readonly (string Key, AzureCredentialKind Kind, bool IsFile)[] Options =
    [
        ("connectionStringEnv", AzureCredentialKind.ConnectionString, false),
        ("connectionStringFile", AzureCredentialKind.ConnectionString, true),
        ("sasTokenEnv", AzureCredentialKind.SasToken, false),
        ("sasTokenFile", AzureCredentialKind.SasToken, true),
    ];

    /// <summary>Reads the credential settings; at most one of them may be set, none means DefaultAzureCredential.</summary>
    public static AzureCredentialSource Read(PluginSettings settings)
    {
        var given = Options
            .Select(o => (o.Key, o.Kind, o.IsFile, Value: settings.GetString(o.Key)))
            .Where(o => o.Value is not null)
            .ToList();
        if (given.Count == 0)
        {
            return new AzureCredentialSource(AzureCredentialKind.Default, null);
        }

        if (given.Count > 1)
        {
            settings.AddProblem(given[1].Key, $"excludes {given[0].Key}: set one credential source only");
        }

        var (key, kind, isFile, value) = given[0];
        if (string.IsNullOrWhiteSpace(value))
        {
            settings.AddProblem(key, isFile ? "must be a file path" : "must be an environment variable name");
        }

        var secret = isFile ? SecretReference.FromFile(key, value!) : SecretReference.FromEnvironment(key, value!);
        return new AzureCredentialSource(kind, secret);
    }
}
