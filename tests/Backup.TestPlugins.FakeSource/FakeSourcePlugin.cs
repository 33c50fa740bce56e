using Backup.Abstractions;
using Microsoft.Extensions.Logging;

namespace Backup.TestPlugins.FakeSource;

/// <summary>Source "fake": writes <c>entries</c> of <c>bytes</c> pseudo-random bytes each, or fails / hangs as told.</summary>
/// <remarks>
/// Behaviours: <c>ok</c>, <c>fail</c>, <c>crash</c>, <c>empty</c>, <c>retry</c>: the first entry fails after half of its bytes
/// (other bytes than the real ones) and is written again whole, as mariadb-ha does after a transient error or a fail-over,
/// and <c>hang</c>: writes all of the first entry's bytes,
/// creates <c>markerFile + ".stalled"</c> (when a marker file is set), then waits until cancelled, so a test knows for
/// certain that the run is mid-dump or mid-upload with that much data behind it.
/// <c>gateFile</c>: after half of the first entry, waits until that file exists (a test sees the run mid-dump, for as
/// long as it needs, then lets it finish). <c>estimate</c>: what <see cref="IEstimatingBackupSource"/> answers (none when unset);
/// <c>estimateBehaviour</c> <c>fail</c> throws instead, <c>hang</c> never answers and ignores cancellation.
/// <para>With <c>tokenFile</c> it takes a secret as a real source takes a password: it reads the file when the backup
/// starts (bounded, trailing newline dropped) and presents the token to its pretend server, which accepts only the one
/// whose SHA-256 is <c>acceptedTokenSha256</c> (what a server stores instead of the password). A refused token is a
/// <see cref="BackupCredentialsException"/> naming the file; the token itself is never logged, reported or thrown.</para>
/// <para>With <c>extension</c> it declares its entry shape (<see cref="IShapedBackupSource"/>): that extension, one entry
/// <c>entry-0.bin</c> when <c>entries</c> is 1, several otherwise; without it, it declares nothing (as a 1.2 source).</para>
/// <para>When the environment names a file in <see cref="CreatedMarkerVariable"/>, creating the entry type appends a line to
/// it: a test sees which plugins the host loaded.</para>
/// </remarks>
public sealed class FakeSourcePlugin : IBackupSourcePlugin
{
    /// <summary>The environment variable naming a file the constructor appends <c>created</c> to.</summary>
    public const string CreatedMarkerVariable = "BACKUP_FAKE_PLUGIN_CREATED_MARKER";

    /// <summary>Records that the host created the entry type, when a test asks.</summary>
    public FakeSourcePlugin()
    {
        if (Environment.GetEnvironmentVariable(CreatedMarkerVariable) is { Length: > 0 } marker)
        {
            File.AppendAllText(marker, "created\n");
        }
    }

    /// <inheritdoc />
    public string Name => "fake";

    /// <inheritdoc />
    public IBackupSource CreateSource(PluginContext context)
    {
        var settings = context.Settings;
        var entries = settings.GetInt32("entries", 1);
        var extension = settings.GetString("extension");
        var source = new FakeSource(
            entries,
            settings.GetInt64("bytes", 1024),
            settings.GetString("behaviour", "ok")!,
            settings.GetString("markerFile"),
            settings.GetString("gateFile"),
            settings.Contains("estimate") ? settings.GetInt64("estimate", 0) : null,
            settings.GetString("estimateBehaviour", "ok")!,
            FakeToken.From(settings),
            context.LoggerFactory.CreateLogger<FakeSource>());
        settings.ThrowIfInvalid();
        return extension is null ? source : new ShapedFakeSource(source, new BackupEntryShape(entries == 1 ? "entry-0.bin" : null, extension));
    }
}

internal sealed class FakeSource(
    int entries, long bytes, string behaviour, string? markerFile, string? gateFile, long? estimate, string estimateBehaviour, FakeToken? token, ILogger logger)
    : IEstimatingBackupSource
{
    public async Task<long?> EstimateBytesAsync(CancellationToken cancellationToken)
    {
        switch (estimateBehaviour)
        {
            case "fail":
                throw new InvalidOperationException("fake estimate failed as asked");
            case "hang":
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
                break;
        }

        return estimate;
    }

    public async Task<SourceResult> BackupAsync(BackupContext context, CancellationToken cancellationToken)
    {
        if (token is not null)
        {
            await token.AuthenticateAsync(cancellationToken);
            logger.LogInformation("fake: signed in with the token from {TokenFile}", token.File);
        }

        if (markerFile is not null)
        {
            // Lets a test find the run's work directory (to prove it is removed) and know the source started.
            // Written aside and renamed: a test polling for the file must never read it half-written (seen under load).
            await File.WriteAllTextAsync(markerFile + ".tmp", context.WorkDirectory, cancellationToken);
            File.Move(markerFile + ".tmp", markerFile);
        }

        switch (behaviour)
        {
            case "fail":
                throw new BackupSourceException("fake source failed as asked");
            case "crash":
                throw new InvalidOperationException("fake source crashed as asked");
            case "empty":
                return SourceResult.Empty;
        }

        if (behaviour == "retry")
        {
            try
            {
                await context.Writer.WriteEntryAsync("entry-0.bin", (stream, ct) => WriteAsync(stream, new Random(-1), bytes / 2, ct), cancellationToken);
            }
            catch (IOException)
            {
                // Written again below, as a source retrying after a transient error does.
            }
        }

        for (var i = 0; i < entries; i++)
        {
            await context.Writer.WriteEntryAsync($"entry-{i}.bin", async (stream, ct) =>
            {
                var random = new Random(i);
                var buffer = new byte[64 * 1024];
                for (long written = 0; written < bytes; written += buffer.Length)
                {
                    if (i == 0 && gateFile is not null && written >= bytes / 2)
                    {
                        while (!File.Exists(gateFile))
                        {
                            await Task.Delay(20, ct);
                        }
                    }

                    random.NextBytes(buffer);
                    await stream.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, bytes - written)), ct);
                }

                // After the whole entry: with enough bytes, part of it has reached the disk or the upload when a test looks.
                if (behaviour == "hang")
                {
                    if (markerFile is not null)
                    {
                        await File.WriteAllTextAsync(markerFile + ".stalled", "", ct);
                    }

                    await Task.Delay(Timeout.Infinite, ct);
                }
            }, cancellationToken);
        }

        return new SourceResult(new Dictionary<string, string> { ["fake"] = "yes" });
    }

    // The failing first attempt of behaviour "retry": its bytes, then the transient error.
    private static async Task WriteAsync(Stream stream, Random random, long length, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        for (long written = 0; written < length; written += buffer.Length)
        {
            random.NextBytes(buffer);
            await stream.WriteAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - written)), cancellationToken);
        }

        throw new IOException($"fake source: transient error after {length} bytes; writing the entry again");
    }
}

/// <summary>The fake source, declaring its entry shape.</summary>
internal sealed class ShapedFakeSource(FakeSource inner, BackupEntryShape shape) : IShapedBackupSource, IEstimatingBackupSource
{
    public BackupEntryShape EntryShape => shape;

    public Task<SourceResult> BackupAsync(BackupContext context, CancellationToken cancellationToken) => inner.BackupAsync(context, cancellationToken);

    public Task<long?> EstimateBytesAsync(CancellationToken cancellationToken) => inner.EstimateBytesAsync(cancellationToken);
}
