using System.Security.Cryptography;
using Backup.Abstractions;
using Backup.Host.Encryption;
using Backup.Host.Pipeline;

namespace Backup.Host.Stored;

/// <summary>One entry read again for loading, checked once more against the verified manifest: its size and SHA-1 must be the same bytes.</summary>
/// <remarks>
/// Needed where the bytes are read a second time (<c>--no-staging</c> downloads the archive again, and an object can
/// be replaced between the passes). The last <see cref="TailBytes"/> bytes are held back until the whole entry has
/// been hashed, so a client loading changed bytes never receives the dump's end; statements before it may already be
/// loaded. A mismatch is reported to the <see cref="IntegrityWatch"/>, which stops the load.
/// </remarks>
internal sealed class VerifiedEntryStream(Stream data, EntryInfo info, string origin, IntegrityWatch watch, IAsyncDisposable owner) : ReadOnlyStream
{
    /// <summary>How much of the entry's end is held back until its SHA-1 is known.</summary>
    public const int TailBytes = 1 << 16;

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
    private long _read;
    private byte[]? _tail;
    private int _tailLength;
    private int _tailServed;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var remaining = info.Size - _read;
        if (_tail is null && remaining <= TailBytes)
        {
            await ReadTailAsync((int)remaining, cancellationToken);
        }

        if (_tail is not null)
        {
            var served = Math.Min(buffer.Length, _tailLength - _tailServed);
            _tail.AsSpan(_tailServed, served).CopyTo(buffer.Span);
            _tailServed += served;
            return served;
        }

        var read = await ReadInnerAsync(buffer[..(int)Math.Min(buffer.Length, remaining - TailBytes)], cancellationToken);
        if (read == 0)
        {
            throw Changed($"it ends after {_read:N0} bytes");
        }

        _hash.AppendData(buffer.Span[..read]);
        _read += read;
        return read;
    }

    public override async ValueTask DisposeAsync()
    {
        _hash.Dispose();
        await owner.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            owner.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        base.Dispose(disposing);
    }

    /// <summary>Reads the rest of the entry and one byte more, and checks the whole before any of it is served.</summary>
    private async Task ReadTailAsync(int remaining, CancellationToken cancellationToken)
    {
        var tail = new byte[remaining + 1];
        var got = 0;
        int read;
        while (got < tail.Length && (read = await ReadInnerAsync(tail.AsMemory(got), cancellationToken)) > 0)
        {
            got += read;
        }

        if (got > remaining)
        {
            throw Changed($"it is longer than {info.Size:N0} bytes");
        }

        _hash.AppendData(tail, 0, got);
        _read += got;
        var sha1 = Convert.ToHexStringLower(_hash.GetHashAndReset());
        if (_read != info.Size || sha1 != info.Sha1)
        {
            throw Changed($"it is {_read:N0} bytes with SHA-1 {sha1}");
        }

        _tail = tail;
        _tailLength = got;
    }

    private async ValueTask<int> ReadInnerAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await data.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception ex) when (ArchiveFormat.IsDataDamage(ex) || ex is AgeException)
        {
            throw Changed($"reading it failed after {_read:N0} bytes: {ex.Message.ReplaceLineEndings(" ")}");
        }
    }

    private BackupIntegrityException Changed(string what) =>
        watch.Report(new BackupIntegrityException(
            $"entry '{info.Name}' read from {origin} is not what was verified: {what}, the verified entry is {info.Size:N0} bytes with SHA-1 {info.Sha1}; " +
            "loading stopped, the target may hold part of the backup: restore again into an empty target (or drop what was loaded)"));
}
