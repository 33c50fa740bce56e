using System.Security.Cryptography;
using Backup.Abstractions;
using Backup.Host.Pipeline;

namespace Backup.Host.Stored;

/// <summary>A read-only pass-through stream over a downloaded object that computes its SHA-1 and counts its bytes.</summary>
/// <remarks>
/// A failure of the underlying (network) stream is reported as a <see cref="BackupStorageException"/> naming the
/// object, so the verifier can tell "the download broke" from "the bytes are damaged".
/// </remarks>
internal sealed class HashingReadStream(Stream inner, string description) : ReadOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);

    /// <summary>Bytes read so far.</summary>
    public long BytesRead { get; private set; }

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    /// <summary>The lower-case hex SHA-1 of everything read; call once, after the last read.</summary>
    public string HexDigest() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not BackupException)
        {
            throw Failed(ex);
        }

        Observe(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not BackupException)
        {
            throw Failed(ex);
        }

        Observe(buffer.Span[..read]);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Observe(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        BytesRead += data.Length;
    }

    private BackupStorageException Failed(Exception ex) =>
        new($"reading {description} failed after {BytesRead:N0} bytes: {ex.GetType().Name}: {ex.Message.ReplaceLineEndings(" ")}", ex);
}
