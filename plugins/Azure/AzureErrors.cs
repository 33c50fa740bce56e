using Azure;
using Azure.Identity;
using Backup.Abstractions;

namespace Backup.Plugins.Azure;

/// <summary>Turns the SDK's exceptions into one-line <see cref="BackupException"/>s naming the container and key.</summary>
/// <remarks>
/// The SDK's own messages span many lines (status, error code, headers) and are never passed on; the error code
/// the service returns (e.g. <c>AuthorizationFailure</c>) is enough to act on and holds no secret.
/// </remarks>
internal static class AzureErrors
{
    /// <summary>Runs <paramref name="action"/>, translating failures the user can act on.</summary>
    public static async Task<T> GuardAsync<T>(string container, string location, string operation, string? key, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, container, location, operation, key) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>Runs <paramref name="action"/>, translating failures the user can act on.</summary>
    public static Task GuardAsync(string container, string location, string operation, string? key, Func<Task> action) =>
        GuardAsync(container, location, operation, key, async () =>
        {
            await action().ConfigureAwait(false);
            return true;
        });

    /// <summary>The one-line exception for <paramref name="exception"/>, or null when it is not the storage's (e.g. cancellation, a failing content stream).</summary>
    public static BackupException? Translate(Exception exception, string container, string location, string operation, string? key)
    {
        var what = key is null ? operation : $"{operation} {key}";
        var where = location;
        return exception switch
        {
            OperationCanceledException => null,
            RequestFailedException { Status: 404, ErrorCode: "ContainerNotFound" } =>
                new BackupStorageException($"azure: container '{container}' does not exist ({what} in {where})", exception),
            // Only a create-only upload (If-None-Match: *) is refused this way.
            RequestFailedException { Status: 409, ErrorCode: "BlobAlreadyExists" } or RequestFailedException { Status: 412 } when key is not null =>
                new BackupObjectExistsException(location, key, exception),
            RequestFailedException { Status: 404, ErrorCode: "BlobNotFound" } =>
                new BackupStorageException($"azure: {key} does not exist in {where}", exception),
            RequestFailedException { Status: 401 or 403 } failed =>
                new BackupStorageException($"azure: access denied ({failed.ErrorCode ?? failed.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)}) for {what} in {where}: check the credential and its role on the container", exception),
            RequestFailedException { Status: 0 } unreachable =>
                new BackupStorageException($"azure: cannot reach {where} ({what}): {Innermost(unreachable).Message}", exception),
            RequestFailedException failed =>
                new BackupStorageException($"azure: {what} in {where} failed: HTTP {failed.Status} {failed.ErrorCode}", exception),
            // Azure.Core gives up after its retries with an AggregateException of the attempts' failures.
            AggregateException { InnerExceptions: [.., RequestFailedException last] } =>
                Translate(last, container, location, operation, key),
            AuthenticationFailedException failed =>
                new BackupCredentialsException($"azure: no usable credential for {where} ({what}): {FirstLine(failed.Message)}", exception),
            _ => null,
        };
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception;
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
