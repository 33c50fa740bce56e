using System.Net;
using Backup.Abstractions;
using Google;

namespace Backup.Plugins.Gcp;

/// <summary>Turns the SDK's exceptions into one-line <see cref="BackupException"/>s naming the bucket and key.</summary>
/// <remarks>The service's error message is passed on (first line only): it names the missing permission and holds no secret.</remarks>
internal static class GcsErrors
{
    /// <summary>Runs <paramref name="action"/>, translating failures the user can act on.</summary>
    public static async Task<T> GuardAsync<T>(GcsSettings settings, string operation, string key, Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, settings, operation, key) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The one-line exception for <paramref name="exception"/>, or null when it is not the storage's (cancellation, a failing content stream).</summary>
    public static BackupException? Translate(Exception exception, GcsSettings settings, string operation, string key)
    {
        var what = $"{operation} {key}";
        var where = settings.Location;
        return exception switch
        {
            OperationCanceledException => null,
            // Only a create-only upload (ifGenerationMatch=0) is refused this way.
            GoogleApiException { HttpStatusCode: HttpStatusCode.PreconditionFailed } when operation == "uploading" =>
                new BackupObjectExistsException(where, key, exception),
            GoogleApiException { HttpStatusCode: HttpStatusCode.NotFound } when operation == "reading" =>
                new BackupStorageException($"gcp: {key} does not exist in {where}", exception),
            // Creating or listing objects only fails with 404 when the bucket itself is missing.
            GoogleApiException { HttpStatusCode: HttpStatusCode.NotFound } =>
                new BackupStorageException($"gcp: bucket '{settings.Bucket}' does not exist ({what} in {where})", exception),
            GoogleApiException { HttpStatusCode: HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden } denied =>
                new BackupStorageException($"gcp: access denied for {what} in {where}: {FirstLine(denied.Error?.Message ?? denied.Message)}", exception),
            GoogleApiException failed =>
                new BackupStorageException($"gcp: {what} in {where} failed: HTTP {(int)failed.HttpStatusCode} {FirstLine(failed.Error?.Message ?? "")}".TrimEnd(), exception),
            HttpRequestException unreachable =>
                new BackupStorageException($"gcp: cannot reach {where} ({what}): {FirstLine(unreachable.Message)}", exception),
            // Google.Apis.Auth: the token endpoint refused the credential (revoked key, wrong audience).
            Google.Apis.Auth.OAuth2.Responses.TokenResponseException refused =>
                new BackupCredentialsException($"gcp: the credential was refused for {what} in {where}: {refused.Error?.Error} {refused.Error?.ErrorDescription}".TrimEnd(), exception),
            _ => null,
        };
    }

    /// <summary>The first line of a multi-line message.</summary>
    public static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
