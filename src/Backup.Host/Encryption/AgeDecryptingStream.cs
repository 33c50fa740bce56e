using System.Security.Cryptography;
using NSec.Cryptography;

namespace Backup.Host.Encryption;

/// <summary>A read-only stream of the plaintext of an age v1 file, checked chunk by chunk.</summary>
/// <remarks>
/// <para>Memory is one 64 KiB chunk in and one out (plus the bounded header). Each chunk is authenticated before any of
/// its bytes are returned, but the file as a whole is authentic only when a read returned 0: truncation and trailing
/// data are found at the end, so a reader must not act on the plaintext before then (restore stages it first).</para>
/// <para>Every failure is an <see cref="AgeException"/> with one line saying which.</para>
/// </remarks>
internal sealed class AgeDecryptingStream : Stream
{
    private readonly Stream _source;
    private readonly bool _leaveOpen;
    private readonly Key _payloadKey;
    private readonly byte[] _sealed = new byte[AgeKeys.EncryptedChunkSize];
    private readonly byte[] _plain = new byte[AgeKeys.ChunkSize];
    private readonly byte[] _nonce = new byte[12];
    private ReadOnlyMemory<byte> _pending;
    private int _plainStart;
    private int _plainCount;
    private ulong _counter;
    private bool _finished;
    private AgeException? _failAtEnd;

    private AgeDecryptingStream(Stream source, bool leaveOpen, Key payloadKey, ReadOnlyMemory<byte> pending)
    {
        _source = source;
        _leaveOpen = leaveOpen;
        _payloadKey = payloadKey;
        _pending = pending;
    }

    /// <summary>Reads the header of the age file on <paramref name="source"/>, unlocks it with one of <paramref name="identities"/>, and returns its plaintext stream.</summary>
    /// <exception cref="AgeException">Malformed header, no identity matches, header altered, or no payload nonce.</exception>
    public static async Task<AgeDecryptingStream> OpenAsync(Stream source, IReadOnlyList<AgeIdentity> identities, CancellationToken cancellationToken, bool leaveOpen = false)
    {
        var (header, after) = await AgeHeader.ReadAsync(source, async: true, cancellationToken);
        var fileKey = header.Unlock(identities);
        var nonce = new byte[AgeKeys.PayloadNonceSize];
        var pending = after;
        var have = Math.Min(pending.Length, nonce.Length);
        pending.Span[..have].CopyTo(nonce);
        pending = pending[have..];
        while (have < nonce.Length)
        {
            var read = await source.ReadAsync(nonce.AsMemory(have), cancellationToken);
            if (read == 0)
            {
                throw new AgeException(AgeFailure.MalformedHeader, "the age file ends before its payload nonce (truncated after the header)");
            }

            have += read;
        }

        var key = AgeKeys.PayloadKey(fileKey, nonce);
        CryptographicOperations.ZeroMemory(fileKey);
        return new AgeDecryptingStream(source, leaveOpen, key, pending);
    }

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override int Read(Span<byte> buffer)
    {
        if (_plainStart == _plainCount && !_finished)
        {
            NextChunkAsync(async: false, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        return Take(buffer);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_plainStart == _plainCount && !_finished)
        {
            await NextChunkAsync(async: true, cancellationToken);
        }

        return Take(buffer.Span);
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _payloadKey.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
            if (!_leaveOpen)
            {
                _source.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private int Take(Span<byte> buffer)
    {
        if (_plainStart == _plainCount && _failAtEnd is { } failure)
        {
            throw failure;
        }

        var count = Math.Min(buffer.Length, _plainCount - _plainStart);
        _plain.AsSpan(_plainStart, count).CopyTo(buffer);
        _plainStart += count;
        return count;
    }

    // Decrypts the next chunk into _plain. A full-size chunk is tried as a middle chunk, then as the last one (a last
    // chunk may be full); anything shorter can only be the last. Sync and async reads share this (async: false completes synchronously).
    private async ValueTask NextChunkAsync(bool async, CancellationToken cancellationToken)
    {
        var length = await FillAsync(_sealed, async, cancellationToken);
        var chunk = _counter + 1;
        if (length == 0)
        {
            throw new AgeException(AgeFailure.Truncated, _counter == 0
                ? "the age file has no payload after its header: truncated"
                : $"the age file ends after chunk {_counter} without its final chunk: truncated");
        }

        if (length == AgeKeys.EncryptedChunkSize && Open(length, last: false))
        {
            _counter++;
            return;
        }

        if (length >= AgeKeys.TagSize && Open(length, last: true))
        {
            _finished = true;
            if (_plainCount == 0 && _counter > 0)
            {
                throw new AgeException(AgeFailure.ChunkAuthentication, $"the age file's final chunk {chunk} is empty, which the format forbids");
            }

            if (await FillAsync(_sealed.AsMemory(0, 1), async, cancellationToken) > 0)
            {
                // The final chunk itself is authentic: it is released, and the next read fails (as the spec's vectors expect).
                _failAtEnd = new AgeException(AgeFailure.TrailingData, $"data follows the final chunk {chunk} of the age file: something was appended");
            }

            return;
        }

        throw new AgeException(AgeFailure.ChunkAuthentication, length == AgeKeys.EncryptedChunkSize
            ? $"chunk {chunk} of the age payload fails authentication: the ciphertext was altered or damaged"
            : $"the last chunk ({chunk}) of the age payload fails authentication: the file was truncated, altered or had data appended");
    }

    private bool Open(int length, bool last)
    {
        AgeKeys.ChunkNonce(_nonce, _counter, last);
        _plainStart = 0;
        _plainCount = length - AgeKeys.TagSize;
        if (AeadAlgorithm.ChaCha20Poly1305.Decrypt(_payloadKey, _nonce, [], _sealed.AsSpan(0, length), _plain.AsSpan(0, _plainCount)))
        {
            return true;
        }

        _plainCount = 0;
        return false;
    }

    private async ValueTask<int> FillAsync(Memory<byte> buffer, bool async, CancellationToken cancellationToken)
    {
        var filled = 0;
        if (!_pending.IsEmpty)
        {
            filled = Math.Min(_pending.Length, buffer.Length);
            _pending.Span[..filled].CopyTo(buffer.Span);
            _pending = _pending[filled..];
        }

        while (filled < buffer.Length)
        {
            var read = async
                ? await _source.ReadAsync(buffer[filled..], cancellationToken)
                : _source.Read(buffer.Span[filled..]);
            if (read == 0)
            {
                break;
            }

            filled += read;
        }

        return filled;
    }
}
