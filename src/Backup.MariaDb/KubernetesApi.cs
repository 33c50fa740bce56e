using System.Net;
using Backup.Abstractions;
using k8s;
using k8s.Exceptions;

namespace Backup.MariaDb;

/// <summary>Creates Kubernetes API clients and describes API failures; shared by the Secret password source and node discovery.</summary>
internal static class KubernetesApi
{
    /// <summary>A client from <paramref name="kubeconfig"/>, else the in-cluster service account, else KUBECONFIG / ~/.kube/config.</summary>
    /// <param name="kubeconfig">An explicit kubeconfig path for runs outside a cluster, or null.</param>
    /// <param name="fail">Turns a one-line reason into the caller's exception type.</param>
    public static Kubernetes CreateClient(string? kubeconfig, Func<string, Exception, BackupException> fail)
    {
        try
        {
            var config = kubeconfig is not null
                ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)
                : KubernetesClientConfiguration.IsInCluster()
                    ? KubernetesClientConfiguration.InClusterConfig()
                    : KubernetesClientConfiguration.BuildConfigFromConfigFile();
            return new Kubernetes(config);
        }
        catch (Exception ex) when (ex is KubeConfigException or IOException or UnauthorizedAccessException)
        {
            var source = kubeconfig is null ? "no in-cluster service account and no usable kubeconfig" : $"kubeconfig '{kubeconfig}' is unusable";
            throw fail($"{source} ({OneLine(ex.Message)})", ex);
        }
    }

    /// <summary>A short reason for an HTTP status the API server answered; <paramref name="forbiddenHint"/> says which grant to check.</summary>
    public static string Describe(HttpStatusCode status, string forbiddenHint) => status switch
    {
        HttpStatusCode.NotFound => "not found",
        HttpStatusCode.Forbidden => $"forbidden ({forbiddenHint})",
        HttpStatusCode.Unauthorized => "unauthorized (the service account token or kubeconfig credentials were rejected)",
        _ => $"the API server answered HTTP {(int)status}",
    };

    /// <summary>Joins a multi-line message into one line.</summary>
    public static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
