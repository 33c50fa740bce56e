using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Backup.Testing;

/// <summary>A tiny Kubernetes API server on 127.0.0.1 that serves Secrets and EndpointSlices from memory, with a kubeconfig pointing at it.</summary>
/// <remarks>
/// Serves <c>GET /api/v1/namespaces/{ns}/secrets/{name}</c>: a v1 Secret with base64 data, a 404 Status for an
/// unknown secret, a 403 Status for one marked forbidden; and
/// <c>GET /apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices?labelSelector=kubernetes.io/service-name=X</c>: the
/// slices added for service X (an empty list for an unknown one), a 403 Status for a namespace marked forbidden.
/// Use it as an xunit class fixture.
/// </remarks>
public sealed class KubernetesApiStub : IAsyncLifetime
{
    private readonly ConcurrentDictionary<(string Namespace, string Name), IReadOnlyDictionary<string, string>> _secrets = new();
    private readonly ConcurrentDictionary<(string Namespace, string Name), bool> _forbidden = new();
    private readonly ConcurrentDictionary<(string Namespace, string Service), IReadOnlyList<EndpointSliceSpec>> _slices = new();
    private readonly TempDir _dir = new();
    private WebApplication? _app;

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>A kubeconfig file whose current context points at this server with a dummy bearer token.</summary>
    public string KubeconfigPath => _dir.Combine("kubeconfig");

    /// <summary>The Authorization headers received, to check the client sent the kubeconfig's token.</summary>
    public ConcurrentQueue<string> AuthorizationHeaders { get; } = new();

    /// <summary>Adds or replaces a Secret with the given (plain-text) data.</summary>
    public void AddSecret(string @namespace, string name, IReadOnlyDictionary<string, string> data) =>
        _secrets[(@namespace, name)] = data;

    /// <summary>Makes reads of this Secret answer 403, as when the Role lacks <c>get</c> on it.</summary>
    public void Forbid(string @namespace, string name) => _forbidden[(@namespace, name)] = true;

    /// <summary>Sets the EndpointSlices of service <paramref name="service"/>.</summary>
    public void SetEndpointSlices(string @namespace, string service, params EndpointSliceSpec[] slices) =>
        _slices[(@namespace, service)] = slices;

    /// <summary>Makes lists of EndpointSlices in <paramref name="namespace"/> answer 403.</summary>
    public void ForbidEndpointSlices(string @namespace) => _forbidden[(@namespace, "endpointslices")] = true;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/api/v1/namespaces/{ns}/secrets/{name}", (string ns, string name, HttpContext http) => Serve(ns, name, http));
        _app.MapGet("/apis/discovery.k8s.io/v1/namespaces/{ns}/endpointslices", (string ns, HttpContext http) => ServeSlices(ns, http));
        await _app.StartAsync();

        Address = _app.Urls.Single();
        File.WriteAllText(KubeconfigPath, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: stub
              cluster:
                server: {Address}
            contexts:
            - name: stub
              context:
                cluster: stub
                user: stub
                namespace: default
            current-context: stub
            users:
            - name: stub
              user:
                token: dummy-token
            """);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _dir.Dispose();
    }

    private IResult Serve(string ns, string name, HttpContext http)
    {
        AuthorizationHeaders.Enqueue(http.Request.Headers.Authorization.ToString());
        if (_forbidden.ContainsKey((ns, name)))
        {
            return Status(403, "Forbidden",
                $"secrets \"{name}\" is forbidden: User \"system:serviceaccount:{ns}:backup\" cannot get resource \"secrets\" in API group \"\" in the namespace \"{ns}\"", name);
        }

        if (!_secrets.TryGetValue((ns, name), out var data))
        {
            return Status(404, "NotFound", $"secrets \"{name}\" not found", name);
        }

        var secret = new
        {
            apiVersion = "v1",
            kind = "Secret",
            metadata = new { name, @namespace = ns, uid = Guid.NewGuid().ToString(), resourceVersion = "1" },
            type = "Opaque",
            data = data.ToDictionary(kv => kv.Key, kv => Convert.ToBase64String(Encoding.UTF8.GetBytes(kv.Value))),
        };
        return Results.Json(secret);
    }

    private IResult ServeSlices(string ns, HttpContext http)
    {
        AuthorizationHeaders.Enqueue(http.Request.Headers.Authorization.ToString());
        if (_forbidden.ContainsKey((ns, "endpointslices")))
        {
            return Status(403, "Forbidden",
                $"endpointslices.discovery.k8s.io is forbidden: User \"system:serviceaccount:{ns}:backup\" cannot list resource \"endpointslices\" in API group \"discovery.k8s.io\" in the namespace \"{ns}\"", "");
        }

        // Only the selector the plugin uses; anything else would be a bug in the client.
        const string prefix = "kubernetes.io/service-name=";
        var selector = http.Request.Query["labelSelector"].ToString();
        if (!selector.StartsWith(prefix, StringComparison.Ordinal))
        {
            return Status(400, "BadRequest", $"unsupported labelSelector '{selector}'", "");
        }

        var service = selector[prefix.Length..];
        var slices = _slices.TryGetValue((ns, service), out var found) ? found : [];
        var items = slices.Select((slice, index) => new
        {
            apiVersion = "discovery.k8s.io/v1",
            kind = "EndpointSlice",
            metadata = new { name = $"{service}-{index}", @namespace = ns, labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service } },
            addressType = "IPv4",
            endpoints = slice.Endpoints.Select(e => new
            {
                addresses = new[] { e.Address },
                conditions = new { ready = e.Ready },
                targetRef = new { kind = "Pod", name = e.PodName, @namespace = ns },
            }),
            ports = slice.Ports.Select(p => new { name = p.Name, port = p.Port, protocol = "TCP" }),
        });
        return Results.Json(new { apiVersion = "discovery.k8s.io/v1", kind = "EndpointSliceList", metadata = new { resourceVersion = "1" }, items });
    }

    private static IResult Status(int code, string reason, string message, string name) =>
        Results.Json(
            new
            {
                kind = "Status",
                apiVersion = "v1",
                metadata = new { },
                status = "Failure",
                message,
                reason,
                details = new { name, kind = "secrets" },
                code,
            },
            statusCode: code);
}
