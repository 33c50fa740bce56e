using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Backup.Testing;

/// <summary>
/// A Google Cloud Storage JSON API server on 127.0.0.1 implementing exactly what Google.Cloud.Storage.V1 5.0.0 sends for
/// upload, read, list and delete; objects are files under a temp dir. No installable emulator handles the client's
/// chunked resumable uploads (firebase-tools' truncates after the first chunk), hence this fixture.
/// </summary>
/// <remarks>
/// Resumable upload as GCS does it: POST starts a session (gzip-encoded JSON metadata; 404 for a missing bucket), PUTs
/// carry <c>Content-Range</c> chunks answered by 308 + <c>Range</c> until the total is known, the last one creates the
/// object (rejected with 400 when its <c>x-goog-hash</c> CRC32C does not match). An unfinished session never creates
/// an object. <c>ifGenerationMatch=0</c> on the POST makes it create-only, as in GCS: 412 at the start, or at the last
/// chunk, when the object exists then. Listing pages are at most <see cref="PageSize"/> long so that clients must follow
/// <c>nextPageToken</c>.
/// </remarks>
public sealed class GcsTestServer : IAsyncDisposable
{
    private readonly TempDir _dir = new("backup-gcs-");
    private readonly ConcurrentDictionary<string, byte> _buckets = new();
    private readonly ConcurrentDictionary<string, byte> _denied = new();
    private readonly ConcurrentDictionary<(string Bucket, string Name), StoredGcsObject> _objects = new();
    private readonly ConcurrentDictionary<string, UploadSession> _sessions = new();
    private WebApplication? _app;
    private long _generation;

    /// <summary>Added to the real time in the objects' <c>updated</c> stamps: a server whose clock is wrong.</summary>
    public TimeSpan ClockOffset { get; set; }

    /// <summary>The longest page a listing returns.</summary>
    public int PageSize { get; init; } = 2;

    /// <summary>The address, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string Address { get; private set; } = "";

    /// <summary>The JSON API base URI to give the client (the plugin's <c>baseUri</c>).</summary>
    public string BaseUri => $"{Address}/storage/v1/";

    /// <summary>Starts the server.</summary>
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        _app = builder.Build();
        _app.Run(HandleAsync);
        await _app.StartAsync();
        Address = _app.Urls.Single();
    }

    /// <summary>Creates a bucket.</summary>
    public void AddBucket(string bucket) => _buckets[bucket] = 0;

    /// <summary>Makes every request for <paramref name="bucket"/> fail with 403, as for a credential without access.</summary>
    public void DenyAccess(string bucket)
    {
        AddBucket(bucket);
        _denied[bucket] = 0;
    }

    /// <summary>Whether a resumable upload of an object under <paramref name="prefix"/> has received bytes but not finished.</summary>
    public bool UploadInProgress(string bucket, string prefix) =>
        _sessions.Values.Any(s => s.Bucket == bucket && s.Name.StartsWith(prefix, StringComparison.Ordinal) && s.Received > 0);

    /// <summary>The stored object's metadata as the JSON API returns it, or null.</summary>
    public JsonObject? Describe(string bucket, string name) =>
        _objects.TryGetValue((bucket, name), out var stored) ? stored.ToJson() : null;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _dir.Dispose();
    }

    private async Task HandleAsync(HttpContext http)
    {
        // The raw target keeps %2F inside object names, which the decoded Path would turn into segments.
        var target = http.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var queryAt = target.IndexOf('?');
        var segments = (queryAt < 0 ? target : target[..queryAt]).Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var query = http.Request.Query;
        var method = http.Request.Method;

        switch (segments)
        {
            case ["upload", "storage", "v1", "b", var bucket, "o"] when method == "POST" && query["uploadType"] == "resumable":
                await StartUploadAsync(http, bucket);
                break;
            case ["upload", "storage", "v1", "b", var bucket, "o"] when method == "PUT" && _sessions.TryGetValue(query["upload_id"].ToString(), out var session) && session.Bucket == bucket:
                await ContinueUploadAsync(http, session);
                break;
            case ["storage", "v1", "b", var bucket, "o"] when method == "GET":
                await ListAsync(http, bucket);
                break;
            case ["storage", "v1", "b", var bucket, "o", var name] when method == "GET":
                await GetAsync(http, bucket, name, query["alt"] == "media");
                break;
            case ["storage", "v1", "b", var bucket, "o", var name] when method == "DELETE":
                await DeleteAsync(http, bucket, name);
                break;
            default:
                await ErrorAsync(http, 400, $"the GCS test server does not implement {method} {target}");
                break;
        }
    }

    private async Task StartUploadAsync(HttpContext http, string bucket)
    {
        if (await RefuseAsync(http, bucket))
        {
            return;
        }

        var body = http.Request.Headers.ContentEncoding == "gzip" ? new GZipStream(http.Request.Body, CompressionMode.Decompress) : http.Request.Body;
        var metadata = (await JsonNode.ParseAsync(body))!.AsObject();
        var name = metadata["name"]?.GetValue<string>() ?? http.Request.Query["name"].ToString();
        var createOnly = http.Request.Query["ifGenerationMatch"] == "0";
        if (createOnly && _objects.ContainsKey((bucket, name)))
        {
            await ErrorAsync(http, 412, "At least one of the pre-conditions you specified did not hold.");
            return;
        }

        var id = Guid.NewGuid().ToString("N");
        _sessions[id] = new UploadSession(bucket, name, metadata, http.Request.Query["kmsKeyName"].ToString(), _dir.Combine($"upload-{id}"), createOnly);
        // Addressed to the host the client called, as GCS does: a client behind a proxy keeps going through it.
        http.Response.Headers.Location = $"{http.Request.Scheme}://{http.Request.Host}/upload/storage/v1/b/{Uri.EscapeDataString(bucket)}/o?uploadType=resumable&upload_id={id}";
    }

    private async Task ContinueUploadAsync(HttpContext http, UploadSession session)
    {
        // "bytes 0-262143/*", "bytes 262144-300000/300001" or "bytes */300001" (a final request without bytes).
        var range = http.Request.Headers.ContentRange.ToString()["bytes ".Length..];
        var (span, totalText) = (range[..range.IndexOf('/')], range[(range.IndexOf('/') + 1)..]);
        long? total = totalText == "*" ? null : long.Parse(totalText, CultureInfo.InvariantCulture);

        await using (var file = new FileStream(session.Path, FileMode.OpenOrCreate, FileAccess.Write))
        {
            if (span != "*")
            {
                // A retried chunk starts below what was received: it overwrites from its own offset.
                file.Position = long.Parse(span[..span.IndexOf('-')], CultureInfo.InvariantCulture);
                await http.Request.Body.CopyToAsync(file);
                file.SetLength(file.Position);
            }

            session.Received = file.Length;
        }

        if (total is null || session.Received < total)
        {
            http.Response.StatusCode = 308;
            if (session.Received > 0)
            {
                http.Response.Headers["Range"] = $"bytes=0-{session.Received - 1}";
            }

            return;
        }

        var (md5, crc32c) = await HashAsync(session.Path);
        var expected = http.Request.Headers["x-goog-hash"].SelectMany(h => h!.Split(',')).Select(h => h.Trim()).FirstOrDefault(h => h.StartsWith("crc32c=", StringComparison.Ordinal));
        _sessions.TryRemove(http.Request.Query["upload_id"].ToString(), out _);
        if (expected is not null && expected != $"crc32c={crc32c}")
        {
            File.Delete(session.Path);
            await ErrorAsync(http, 400, $"Provided CRC32C \"{expected[7..]}\" doesn't match calculated CRC32C \"{crc32c}\".");
            return;
        }

        var stored = new StoredGcsObject(session.Bucket, session.Name, session.Metadata, session.KmsKeyName, _dir.Combine($"object-{Guid.NewGuid():N}"), session.Received, md5, crc32c, Interlocked.Increment(ref _generation), DateTimeOffset.UtcNow + ClockOffset);
        File.Move(session.Path, stored.Path);
        if (session.CreateOnly)
        {
            // One atomic step, as GCS checks the precondition when it creates the object: of two racing uploads one wins.
            if (!_objects.TryAdd((stored.Bucket, stored.Name), stored))
            {
                File.Delete(stored.Path);
                await ErrorAsync(http, 412, "At least one of the pre-conditions you specified did not hold.");
                return;
            }
        }
        else
        {
            if (_objects.TryGetValue((stored.Bucket, stored.Name), out var replaced))
            {
                File.Delete(replaced.Path);
            }

            _objects[(stored.Bucket, stored.Name)] = stored;
        }

        await http.Response.WriteAsJsonAsync(stored.ToJson());
    }

    private async Task GetAsync(HttpContext http, string bucket, string name, bool media)
    {
        if (await RefuseAsync(http, bucket))
        {
            return;
        }

        if (!_objects.TryGetValue((bucket, name), out var stored))
        {
            await ErrorAsync(http, 404, $"No such object: {bucket}/{name}");
            return;
        }

        if (!media)
        {
            await http.Response.WriteAsJsonAsync(stored.ToJson());
            return;
        }

        http.Response.ContentType = stored.ContentType;
        http.Response.ContentLength = stored.Size;
        http.Response.Headers["x-goog-hash"] = $"crc32c={stored.Crc32C},md5={stored.Md5}";
        await http.Response.SendFileAsync(stored.Path);
    }

    private async Task ListAsync(HttpContext http, string bucket)
    {
        if (await RefuseAsync(http, bucket))
        {
            return;
        }

        var prefix = http.Request.Query["prefix"].ToString();
        var delimiter = http.Request.Query["delimiter"].ToString();
        var after = http.Request.Query["pageToken"].ToString();
        var pageSize = int.TryParse(http.Request.Query["maxResults"], out var max) ? Math.Min(max, PageSize) : PageSize;

        // With a delimiter, names with it after the prefix collapse into one "prefixes" entry each, as in GCS.
        var entries = _objects.Values
            .Where(o => o.Bucket == bucket && o.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(o => delimiter.Length > 0 && o.Name.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal) is var at and >= 0
                ? (Key: o.Name[..(at + delimiter.Length)], Object: (StoredGcsObject?)null)
                : (Key: o.Name, Object: o))
            .DistinctBy(e => e.Key)
            .Where(e => string.CompareOrdinal(e.Key, after) > 0)
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .ToList();
        var page = entries.Take(pageSize).ToList();
        var result = new JsonObject { ["kind"] = "storage#objects" };
        result["items"] = new JsonArray([.. page.Where(e => e.Object is not null).Select(e => (JsonNode)e.Object!.ToJson())]);
        result["prefixes"] = new JsonArray([.. page.Where(e => e.Object is null).Select(e => (JsonNode)JsonValue.Create(e.Key))]);
        if (entries.Count > page.Count)
        {
            result["nextPageToken"] = page[^1].Key;
        }

        await http.Response.WriteAsJsonAsync(result);
    }

    private async Task DeleteAsync(HttpContext http, string bucket, string name)
    {
        if (await RefuseAsync(http, bucket))
        {
            return;
        }

        if (!_objects.TryRemove((bucket, name), out var stored))
        {
            await ErrorAsync(http, 404, $"No such object: {bucket}/{name}");
            return;
        }

        File.Delete(stored.Path);
        http.Response.StatusCode = 204;
    }

    private async Task<bool> RefuseAsync(HttpContext http, string bucket)
    {
        if (_denied.ContainsKey(bucket))
        {
            await ErrorAsync(http, 403, $"anonymous caller does not have storage.objects access to the Google Cloud Storage bucket {bucket}. Permission denied.");
            return true;
        }

        if (!_buckets.ContainsKey(bucket))
        {
            await ErrorAsync(http, 404, "The specified bucket does not exist.");
            return true;
        }

        return false;
    }

    private static async Task ErrorAsync(HttpContext http, int status, string message)
    {
        http.Response.StatusCode = status;
        var reason = status switch { 404 => "notFound", 403 => "forbidden", 412 => "conditionNotMet", _ => "invalid" };
        await http.Response.WriteAsJsonAsync(new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = status,
                ["message"] = message,
                ["errors"] = new JsonArray(new JsonObject { ["domain"] = "global", ["reason"] = reason, ["message"] = message }),
            },
        });
    }

    private static async Task<(string Md5, string Crc32C)> HashAsync(string path)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var crc = new Crc32C();
        var buffer = new byte[1 << 20];
        await using var file = File.OpenRead(path);
        int read;
        while ((read = await file.ReadAsync(buffer)) > 0)
        {
            md5.AppendData(buffer, 0, read);
            crc.Append(buffer.AsSpan(0, read));
        }

        return (Convert.ToBase64String(md5.GetHashAndReset()), crc.ToBase64());
    }

    private sealed class UploadSession(string bucket, string name, JsonObject metadata, string kmsKeyName, string path, bool createOnly)
    {
        public string Bucket { get; } = bucket;

        public string Name { get; } = name;

        public JsonObject Metadata { get; } = metadata;

        public string KmsKeyName { get; } = kmsKeyName;

        public string Path { get; } = path;

        public bool CreateOnly { get; } = createOnly;

        public long Received { get; set; }
    }

    private sealed record StoredGcsObject(string Bucket, string Name, JsonObject Metadata, string KmsKeyName, string Path, long Size, string Md5, string Crc32C, long Generation, DateTimeOffset Updated)
    {
        public string ContentType => Metadata["contentType"]?.GetValue<string>() ?? "application/octet-stream";

        public JsonObject ToJson()
        {
            var json = new JsonObject
            {
                ["kind"] = "storage#object",
                ["id"] = $"{Bucket}/{Name}/{Generation}",
                ["name"] = Name,
                ["bucket"] = Bucket,
                ["generation"] = Generation.ToString(CultureInfo.InvariantCulture),
                ["metageneration"] = "1",
                ["contentType"] = ContentType,
                ["size"] = Size.ToString(CultureInfo.InvariantCulture),
                ["md5Hash"] = Md5,
                ["crc32c"] = Crc32C,
                ["storageClass"] = Metadata["storageClass"]?.GetValue<string>() ?? "STANDARD",
                ["timeCreated"] = Updated.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
                ["updated"] = Updated.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            };
            if (Metadata["metadata"] is JsonObject user)
            {
                json["metadata"] = user.DeepClone();
            }

            if (KmsKeyName.Length > 0)
            {
                json["kmsKeyName"] = KmsKeyName;
            }

            return json;
        }
    }
}
