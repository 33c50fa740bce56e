using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Backup.Testing;

/// <summary>A tiny Kubernetes API server on 127.0.0.1 that serves Secrets from memory, with a kubeconfig pointing at it.</summary>
/// <remarks>
/// Serves only <c>GET /api/v1/namespaces/{ns}/secrets/{name}</c>: a v1 Secret with base64 data, a 404 Status for an
/// unknown secret, a 403 Status for one marked forbidden. Use it as an xunit class fixture.
/// </remarks>
public sealed class KubernetesApiStub : IAsyncLifetime
{
    private readonly ConcurrentDictionary<(string Namespace, string Name), IReadOnlyDictionary<string, string>> _secrets = new();
    private readonly ConcurrentDictionary<(string Namespace, string Name), bool> _forbidden = new();
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

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/api/v1/namespaces/{ns}/secrets/{name}", (string ns, string name, HttpContext http) => Serve(ns, name, http));
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
