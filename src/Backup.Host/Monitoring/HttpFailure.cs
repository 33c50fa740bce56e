using System.Net.Http;
using System.Net.Sockets;

namespace Backup.Host.Monitoring;

/// <summary>Says why an HTTP call failed without quoting the exception's message, which may carry the URL (a secret for webhooks).</summary>
internal static class HttpFailure
{
    /// <summary>A short reason: <c>HTTP 500</c>, <c>no answer within 5 s</c>, <c>connection refused</c>.</summary>
    public static string Describe(Exception exception, TimeSpan timeout) =>
        exception switch
        {
            OperationCanceledException => $"no answer within {timeout.TotalSeconds:0.#} s",
            HttpRequestException { StatusCode: { } status } => $"HTTP {(int)status}",
            HttpRequestException { InnerException: SocketException socket } => $"connection failed ({socket.SocketErrorCode})",
            HttpRequestException http => $"request failed ({http.HttpRequestError})",
            _ => exception.GetType().Name,
        };

    /// <summary>Whether trying again may help: no answer, a 5xx or a 429 (not a 4xx, which the same request meets again).</summary>
    public static bool IsTransient(Exception exception) =>
        exception is not HttpRequestException { StatusCode: { } status } || (int)status >= 500 || (int)status == 429;
}
