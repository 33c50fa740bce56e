using Backup.Abstractions;
using Backup.Plugins.MariaDbHa.Tests.Support;
using Backup.Testing;

namespace Backup.Plugins.MariaDbHa.Tests;

[Collection(GaleraClusterCollection.Name)]
public sealed class EndpointSliceSpecs(GaleraCluster cluster, KubernetesApiStub api) : IClassFixture<KubernetesApiStub>, IAsyncLifetime
{
    private const string Namespace = "cell-7";
    private readonly SourceRun _run = new();

    public Task InitializeAsync() => cluster.RestoreAsync();

    public Task DisposeAsync()
    {
        _run.Dispose();
        return Task.CompletedTask;
    }

    private Dictionary<string, object> Settings(string service) =>
        new()
        {
            ["kubernetesService"] = new Dictionary<string, object> { ["namespace"] = Namespace, ["name"] = service, ["kubeconfig"] = api.KubeconfigPath },
            ["password"] = SourceRun.EnvPassword(TestServers.MariaDbPasswordVariable),
        };

    // All pods are 127.0.0.1 here, so each sits in its own slice with its own port, as a port per slice allows.
    private EndpointSliceSpec Slice(int node, bool ready = true) =>
        new([new EndpointSpec(TestServers.MariaDbHost, $"mariadb-{node - 1}", ready)], [("mysql", cluster.Port(node))]);

    [Fact]
    public async Task The_pods_behind_a_headless_service_are_discovered_and_a_not_ready_pod_is_skipped()
    {
        api.SetEndpointSlices(Namespace, "mariadb-internal", Slice(1, ready: false), Slice(2), Slice(3));

        var settings = Settings("mariadb-internal");
        settings["prefer"] = "mariadb-0";

        var result = await _run.RunAsync(settings);

        result.Metadata["pod"].Should().BeOneOf("mariadb-1", "mariadb-2");
        result.Metadata["node"].Should().NotBe($"{TestServers.MariaDbHost}:{cluster.Port(1)}");
        _run.Logs.Messages.Should().Contain($"Node {TestServers.MariaDbHost}:{cluster.Port(1)} (mariadb-0) is not usable: endpoint not ready");
        api.AuthorizationHeaders.Should().Contain("Bearer dummy-token");
    }

    [Fact]
    public async Task A_service_without_endpoints_is_reported_in_one_line()
    {
        var act = () => _run.RunAsync(Settings("absent"));

        (await act.Should().ThrowAsync<BackupSourceException>()).Which.Message.Should().Be(
            $"service {Namespace}/absent has no endpoints (no EndpointSlice labelled kubernetes.io/service-name=absent lists an address)");
    }

    [Fact]
    public async Task A_forbidden_endpoint_list_names_the_missing_grant()
    {
        api.ForbidEndpointSlices("locked-ns");
        var settings = Settings("mariadb");
        ((Dictionary<string, object>)settings["kubernetesService"])["namespace"] = "locked-ns";

        var act = () => _run.RunAsync(settings);

        (await act.Should().ThrowAsync<BackupSourceException>()).Which.Message.Should().Be(
            "cannot list the endpoints of service locked-ns/mariadb: forbidden (check the Role grants list on endpointslices.discovery.k8s.io)");
    }
}
