using Backup.Abstractions;

namespace Backup.MariaDb.Passwords;

/// <summary>Reads the <c>password</c> section, which must name exactly one source.</summary>
internal static class PasswordSourceReader
{
    private const string Key = "password";
    private const string KubernetesSecret = "kubernetesSecret";

    /// <summary>Returns the configured source; records a problem (and returns a placeholder) when there is not exactly one.</summary>
    public static IPasswordSource Read(PluginSettings settings)
    {
        if (!settings.Contains(Key))
        {
            settings.AddProblem(Key, $"is required: set one of {KubernetesSecret}, file or env");
            return MissingPasswordSource.Instance;
        }

        if (settings.GetSection(Key) is not { } section)
        {
            return MissingPasswordSource.Instance;
        }

        if (section.Contains(KubernetesSecret) && !section.Contains("file") && !section.Contains("env"))
        {
            return ReadKubernetesSecret(section);
        }

        // env and file are read as every plugin reads a secret (GetSecret also reports two places set at once).
        return settings.GetSecret(Key, KubernetesSecret) is { } secret ? new SecretPasswordSource(secret) : MissingPasswordSource.Instance;
    }

    private static IPasswordSource ReadKubernetesSecret(PluginSettings password)
    {
        var secret = password.GetSection(KubernetesSecret);
        if (secret is null)
        {
            password.AddProblem(KubernetesSecret, "must be a mapping with namespace, name and key");
            return MissingPasswordSource.Instance;
        }

        return new KubernetesSecretPasswordSource(
            secret.GetRequiredString("namespace"),
            secret.GetRequiredString("name"),
            secret.GetString("key", "root-password")!,
            secret.GetString("kubeconfig"));
    }
}
