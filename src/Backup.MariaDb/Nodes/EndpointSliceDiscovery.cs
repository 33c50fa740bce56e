using Backup.Abstractions;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Backup.MariaDb.Nodes;

/// <summary>The pods behind a (headless) Kubernetes service, read from its EndpointSlices through the API server.</summary>
/// <param name="namespace">The service's namespace.</param>
/// <param name="service">The service's name.</param>
/// <param name="portName">The name of the SQL port in the slices, or null: then a slice's only port, else <paramref name="defaultPort"/>.</param>
/// <param name="defaultPort">The port when the slices do not say.</param>
/// <param name="kubeconfig">An explicit kubeconfig path for runs outside a cluster, or null.</param>
internal sealed class EndpointSliceDiscovery(string @namespace, string service, string? portName, int defaultPort, string? kubeconfig) : INodeDiscovery
{
    public string Description => $"service {@namespace}/{service}";

    public async Task<IReadOnlyList<NodeCandidate>> DiscoverAsync(CancellationToken cancellationToken)
    {
        using var client = KubernetesApi.CreateClient(kubeconfig, (reason, ex) => new BackupSourceException($"cannot list the endpoints of {Description}: {reason}", ex));
        V1EndpointSliceList slices;
        try
        {
            slices = await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(
                @namespace, labelSelector: $"kubernetes.io/service-name={service}", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException ex)
        {
            var reason = KubernetesApi.Describe(ex.Response.StatusCode, "check the Role grants list on endpointslices.discovery.k8s.io");
            throw new BackupSourceException($"cannot list the endpoints of {Description}: {reason}", ex);
        }
        catch (HttpRequestException ex)
        {
            throw new BackupSourceException($"cannot list the endpoints of {Description}: the Kubernetes API server is unreachable ({KubernetesApi.OneLine(ex.Message)})", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BackupSourceException($"cannot list the endpoints of {Description}: the Kubernetes API server did not answer in time", ex);
        }

        // A pod can appear in several slices (e.g. during a slice split); keep the first sighting.
        var nodes = slices.Items.SelectMany(Candidates).DistinctBy(n => n.Address).ToList();
        if (nodes.Count == 0)
        {
            throw new BackupSourceException($"{Description} has no endpoints (no EndpointSlice labelled kubernetes.io/service-name={service} lists an address)");
        }

        return nodes;
    }

    private IEnumerable<NodeCandidate> Candidates(V1EndpointSlice slice)
    {
        var port = SqlPort(slice);
        foreach (var endpoint in slice.Endpoints ?? [])
        {
            // A pod that fails its readiness probe (mariadb-operator's checks wsrep state) is listed, but named as unavailable.
            var notReady = endpoint.Conditions?.Ready == false ? "endpoint not ready" : null;
            var unavailable = port is null ? $"slice {slice.Metadata?.Name} has no port named '{portName}'" : notReady;
            foreach (var address in endpoint.Addresses ?? [])
            {
                yield return new NodeCandidate(address, port ?? defaultPort, endpoint.TargetRef?.Name ?? endpoint.Hostname, unavailable);
            }
        }
    }

    private int? SqlPort(V1EndpointSlice slice)
    {
        var ports = slice.Ports ?? [];
        if (portName is not null)
        {
            return ports.FirstOrDefault(p => p.Name == portName)?.Port;
        }

        return ports.Count == 1 && ports[0].Port is { } only ? only : defaultPort;
    }
}
