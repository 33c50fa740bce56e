using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Backup.Abstractions;

namespace Backup.Plugins.Aws;

/// <summary>Turns SDK exceptions into one-line <see cref="BackupException"/>s naming the provider, bucket, key and endpoint.</summary>
/// <remarks>
/// The messages are written here rather than copied from the store: they must stay on one line and must never echo
/// a request's signature material. Cancellation is not translated: it propagates as <see cref="OperationCanceledException"/>.
/// </remarks>
internal sealed class S3Errors(AwsSettings settings)
{
    private string Endpoint => settings.ServiceUrl is { } url ? url.GetLeftPart(UriPartial.Authority) : $"AWS region {settings.Region}";

    /// <summary>Runs one S3 call and translates its failures; cancellation propagates, an SDK timeout becomes a one-line error.</summary>
    /// <remarks>Only failures of S3 or of reaching it are translated: whatever else escapes (e.g. reading the content) is not the store's.</remarks>
    public async Task<T> Guard<T>(string operation, string key, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call();
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new BackupStorageException($"aws storage: {operation} {key} in bucket '{settings.Bucket}' timed out ({Endpoint})", ex);
        }
        catch (Exception ex) when (ex is AmazonServiceException or AmazonClientException or HttpRequestException or SocketException)
        {
            throw Translate(ex, operation, key);
        }
    }

    /// <summary>The one-line exception for <paramref name="exception"/> thrown while doing <paramref name="operation"/> on <paramref name="key"/>.</summary>
    public BackupException Translate(Exception exception, string operation, string key)
    {
        var where = $"bucket '{settings.Bucket}', key '{key}', {Endpoint}";
        var error = exception as AmazonServiceException;

        // Only a create-only upload (If-None-Match: *) is refused this way: 412 when the key is taken, 409 while another
        // conditional write to it is in flight.
        if (operation == "upload" && error?.ErrorCode is "PreconditionFailed" or "ConditionalRequestConflict")
        {
            return new BackupObjectExistsException(settings.Location, key, exception);
        }

        var message = error?.ErrorCode switch
        {
            "NoSuchBucket" => $"aws storage: bucket '{settings.Bucket}' does not exist ({operation} {key}, {Endpoint})",
            "NoSuchKey" => $"aws storage: {key} does not exist in bucket '{settings.Bucket}' ({Endpoint})",
            "AccessDenied" or "AllAccessDisabled" =>
                $"aws storage: access denied: {operation} {key} in bucket '{settings.Bucket}' ({Endpoint}); check the IAM role or bucket policy",
            "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidToken" or "ExpiredToken" or "TokenRefreshRequired" =>
                $"aws storage: credentials rejected ({error.ErrorCode}) while trying to {operation} {key} in bucket '{settings.Bucket}' ({Endpoint}); check the credentials the SDK found (environment, IRSA, profile, instance profile)",
            null when error?.StatusCode == HttpStatusCode.NotFound && operation == "read" =>
                $"aws storage: {key} does not exist in bucket '{settings.Bucket}' ({Endpoint})",
            _ => null,
        };
        if (message is not null)
        {
            return new BackupStorageException(message, exception);
        }

        if (Unreachable(exception) is { } cause)
        {
            return new BackupStorageException($"aws storage: cannot reach {Endpoint} to {operation} {key} in bucket '{settings.Bucket}': {OneLine(cause.Message)}", exception);
        }

        if (exception is AmazonClientException client && error is null && IsMissingCredentials(client))
        {
            return new BackupCredentialsException(
                $"aws storage: no AWS credentials found for bucket '{settings.Bucket}' (looked in: environment AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, " +
                "IRSA web identity AWS_WEB_IDENTITY_TOKEN_FILE/AWS_ROLE_ARN, shared profile, instance profile)", exception);
        }

        var detail = error is not null
            ? $"{error.ErrorCode ?? "error"} (HTTP {(int)error.StatusCode}): {OneLine(error.Message)}"
            : OneLine(exception.Message);
        return new BackupStorageException($"aws storage: {operation} {key} failed ({where}): {detail}", exception);
    }

    private static Exception? Unreachable(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException or SocketException)
            {
                // The innermost socket error says it best ("Connection refused", "Name or service not known").
                return current.InnerException is SocketException socket ? socket : current;
            }
        }

        return null;
    }

    private static bool IsMissingCredentials(AmazonClientException exception) =>
        exception.Message.StartsWith("Failed to resolve AWS credentials", StringComparison.Ordinal)
        || exception.Message.StartsWith("Unable to find credentials", StringComparison.Ordinal)
        || exception.Message.StartsWith("Credentials must be set", StringComparison.Ordinal);

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
