using Backup.Abstractions;

namespace Backup.Plugins.MariaDbHa.Passwords;

/// <summary>Reads the <c>password</c> section, which must name exactly one source.</summary>
internal static class PasswordSourceReader
{
    private const string Key = "password";

    /// <summary>Returns the configured source; records a problem (and returns a placeholder) when there is not exactly one.</summary>
    public static IPasswordSource Read(PluginSettings settings)
    {
        var section = settings.GetSection(Key);
        if (section is null)
        {
            if (!settings.Contains(Key))
            {
                settings.AddProblem(Key, "is required: set one of kubernetesSecret, file or env");
            }

            return MissingPasswordSource.Instance;
        }

        // Contains marks each key as read, so a typo such as 'envv' still shows up as an unread key.
        var present = new[] { "kubernetesSecret", "file", "env" }.Where(section.Contains).ToList();
        if (present.Count != 1)
        {
            var found = present.Count == 0 ? "none" : string.Join(" and ", present);
            settings.AddProblem(Key, $"must set exactly one of kubernetesSecret, file or env (found {found})");
            return MissingPasswordSource.Instance;
        }

        return present[0] switch
        {
            "kubernetesSecret" => ReadKubernetesSecret(section),
            "file" => new FilePasswordSource(section.GetRequiredString("file")),
            _ => new EnvironmentPasswordSource(section.GetRequiredString("env")),
        };
    }

    private static IPasswordSource ReadKubernetesSecret(PluginSettings password)
    {
        var secret = password.GetSection("kubernetesSecret");
        if (secret is null)
        {
            password.AddProblem("kubernetesSecret", "must be a mapping with namespace, name and key");
            return MissingPasswordSource.Instance;
        }

        return new KubernetesSecretPasswordSource(
            secret.GetRequiredString("namespace"),
            secret.GetRequiredString("name"),
            secret.GetString("key", "root-password")!,
            secret.GetString("kubeconfig"));
    }
}
