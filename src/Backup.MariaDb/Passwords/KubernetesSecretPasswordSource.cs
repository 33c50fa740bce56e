using System.Text;
using Backup.Abstractions;
using k8s;
using k8s.Autorest;

namespace Backup.MariaDb.Passwords;

/// <summary>A password read from a key of a Kubernetes Secret through the API server.</summary>
/// <param name="namespace">The Secret's namespace.</param>
/// <param name="name">The Secret's name.</param>
/// <param name="key">The key in the Secret's data holding the password.</param>
/// <param name="kubeconfig">An explicit kubeconfig path for runs outside a cluster; null means in-cluster config, else KUBECONFIG or ~/.kube/config.</param>
internal sealed class KubernetesSecretPasswordSource(string @namespace, string name, string key, string? kubeconfig) : IPasswordSource
{
    private string Where => $"secret {@namespace}/{name} key '{key}'";

    public IReadOnlyList<string> SecretVariables => [];

    public async Task<string> ResolveAsync(CancellationToken cancellationToken)
    {
        using var client = KubernetesApi.CreateClient(kubeconfig, (reason, ex) => new BackupCredentialsException($"cannot read {Where}: {reason}", ex));
        k8s.Models.V1Secret secret;
        try
        {
            secret = await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex)
        {
            throw new BackupCredentialsException($"cannot read {Where}: {KubernetesApi.Describe(ex.Response.StatusCode, "check the Role grants get on this secret")}", ex);
        }
        catch (HttpRequestException ex)
        {
            // Connection refused, DNS failure, TLS failure: the API server was never reached.
            throw new BackupCredentialsException($"cannot read {Where}: the Kubernetes API server is unreachable ({ex.Message})", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BackupCredentialsException($"cannot read {Where}: the Kubernetes API server did not answer in time", ex);
        }

        if (secret.Data is null || !secret.Data.TryGetValue(key, out var bytes))
        {
            // Names of the keys help the user spot a typo; their values are never shown.
            var keys = secret.Data is { Count: > 0 } ? string.Join(", ", secret.Data.Keys.Order(StringComparer.Ordinal)) : "none";
            throw new BackupCredentialsException($"cannot read {Where}: the secret has no such key (keys present: {keys})");
        }

        // Data arrives already base64-decoded.
        var password = Encoding.UTF8.GetString(bytes);
        if (password.Length == 0)
        {
            throw new BackupCredentialsException($"cannot read {Where}: the value is empty");
        }

        return password;
    }
}
