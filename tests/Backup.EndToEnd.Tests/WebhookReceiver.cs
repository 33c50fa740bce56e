using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace Backup.EndToEnd.Tests;

/// <summary>A real HTTP receiver on 127.0.0.1 (Kestrel) that records each webhook call; it answers 200, 500, or never.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>How the receiver answers.</summary>
    public enum Behaviour
    {
        /// <summary>200 OK.</summary>
        Ok,

        /// <summary>500 every time.</summary>
        Fail,

        /// <summary>Reads the request and never answers.</summary>
        Hang,
    }

    /// <summary>Every call received, in order.</summary>
    public ConcurrentQueue<Call> Calls { get; } = new();

    /// <summary>The URL to post to: a path holding <paramref name="token"/>, the secret part of chat webhook URLs.</summary>
    public string Url(string token) => $"{_app.Urls.Single()}/hooks/{token}";

    /// <summary>Starts a receiver on a free loopback port.</summary>
    public static async Task<WebhookReceiver> StartAsync(Behaviour behaviour)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/{token}", async (HttpContext context, string token) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver.Calls.Enqueue(new Call(token, body, new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value))));
            switch (behaviour)
            {
                case Behaviour.Fail:
                    return Results.StatusCode(500);
                case Behaviour.Hang:
                    await Task.Delay(Timeout.Infinite, receiver._stopping.Token).ContinueWith(_ => { });
                    return Results.StatusCode(504);
                default:
                    return Results.Ok();
            }
        });
        await app.StartAsync();
        return receiver;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    /// <summary>One request: the URL's token, the body, its headers.</summary>
    public sealed record Call(string Token, string Body, IHeaderDictionary Headers)
    {
        /// <summary>The body as JSON.</summary>
        public JsonElement Json => JsonDocument.Parse(Body).RootElement;

        /// <summary>Verifies the Standard Webhooks signature with the reference library; throws when it does not match.</summary>
        public void Verify(string secret) => new StandardWebhook(secret).Verify(Body, Headers);
    }
}
