using Backup.Abstractions;

namespace Backup.Plugins.Azure;

/// <summary>Which credential to use and, for a secret, where to read it; the secret itself is never in the spec.</summary>
/// <param name="Kind">The kind of credential.</param>
/// <param name="Secret">Where the connection string or SAS token is; null for <see cref="AzureCredentialKind.Default"/>.</param>
internal sealed record AzureCredentialSource(AzureCredentialKind Kind, SecretReference? Secret)
{
    // The shape every plugin's secrets have: connectionString: { env: VARIABLE } or { file: /path }.
    private static readonly (string Key, AzureCredentialKind Kind)[] Secrets =
    [
        ("connectionString", AzureCredentialKind.ConnectionString),
        ("sasToken", AzureCredentialKind.SasToken),
    ];

    // The flat keys of the first release, still read so that no spec written for it breaks.
    private static readonly (string Key, AzureCredentialKind Kind, bool IsFile)[] FlatKeys =
    [
        ("connectionStringEnv", AzureCredentialKind.ConnectionString, false),
        ("connectionStringFile", AzureCredentialKind.ConnectionString, true),
        ("sasTokenEnv", AzureCredentialKind.SasToken, false),
        ("sasTokenFile", AzureCredentialKind.SasToken, true),
    ];

    /// <summary>Reads the credential settings; at most one of them may be set, none means DefaultAzureCredential.</summary>
    public static AzureCredentialSource Read(PluginSettings settings)
    {
        var given = new List<(string Key, AzureCredentialKind Kind, SecretReference? Secret)>();
        foreach (var (key, kind) in Secrets.Where(s => settings.Contains(s.Key)))
        {
            given.Add((key, kind, settings.GetSecret(key)));
        }

        foreach (var (key, kind, isFile) in FlatKeys)
        {
            if (settings.GetString(key) is { } value)
            {
                given.Add((key, kind, ReadFlat(settings, key, isFile, value.Trim())));
            }
        }

        if (given.Count == 0)
        {
            return new AzureCredentialSource(AzureCredentialKind.Default, null);
        }

        if (given.Count > 1)
        {
            settings.AddProblem(given[1].Key, $"excludes {given[0].Key}: set one credential source only");
        }

        return new AzureCredentialSource(given[0].Kind, given[0].Secret);
    }

    private static SecretReference? ReadFlat(PluginSettings settings, string key, bool isFile, string value)
    {
        var setting = $"{settings.Path}.{key}";
        if (value.Length == 0)
        {
            settings.AddProblem(key, isFile ? "must be a file path" : "must be an environment variable name");
            return null;
        }

        return isFile ? SecretReference.FromFile(setting, value) : SecretReference.FromEnvironment(setting, value);
    }
}
