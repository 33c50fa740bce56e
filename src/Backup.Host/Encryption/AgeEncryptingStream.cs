using System.Security.Cryptography;
using NSec.Cryptography;

namespace Backup.Host.Encryption;

/// <summary>A write-only stream that encrypts what is written to it into an age v1 file on <c>destination</c>.</summary>
/// <remarks>
/// <para>Memory is one 64 KiB chunk in and one out. A full chunk is sealed only when more data arrives, because the
/// last chunk carries a flag and may itself be full.</para>
/// <para>The final chunk is written by <see cref="CompleteAsync"/> only, never by dispose: a producer that fails
/// half-way leaves a file without its final chunk, which every age reader rejects as truncated, instead of a valid
/// file holding part of the data.</para>
/// </remarks>
internal sealed class AgeEncryptingStream : Stream
{
    private readonly Stream _destination;
    private readonly bool _leaveOpen;
    private readonly Key _payloadKey;
    private readonly byte[] _plain = new byte[AgeKeys.ChunkSize];
    private readonly byte[] _sealed = new byte[AgeKeys.EncryptedChunkSize];
    private readonly byte[] _nonce = new byte[12];
    private byte[]? _preamble;
    private int _plainCount;
    private ulong _counter;
    private bool _completed;

    /// <summary>Starts an age file for <paramref name="recipients"/> (any of whose identities can decrypt it).</summary>
    public AgeEncryptingStream(Stream destination, IReadOnlyCollection<AgeRecipient> recipients, bool leaveOpen = false)
    {
        if (recipients.Count == 0)
        {
            throw new ArgumentException("an age file needs at least one recipient", nameof(recipients));
        }

        _destination = destination;
        _leaveOpen = leaveOpen;
        var fileKey = RandomNumberGenerator.GetBytes(AgeKeys.FileKeySize);
        var nonce = RandomNumberGenerator.GetBytes(AgeKeys.PayloadNonceSize);
        _preamble = [.. AgeHeader.Encode(recipients.Select(r => r.Wrap(fileKey)).ToList(), fileKey), .. nonce];
        _payloadKey = AgeKeys.PayloadKey(fileKey, nonce);
        CryptographicOperations.ZeroMemory(fileKey);
    }

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => !_completed;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_plainCount == AgeKeys.ChunkSize)
            {
                WritePreamble();
                _destination.Write(_sealed, 0, Seal(last: false));
            }

            buffer = buffer[Buffer(buffer)..];
        }
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (!buffer.IsEmpty)
        {
            if (_plainCount == AgeKeys.ChunkSize)
            {
                await WritePreambleAsync(cancellationToken);
                await _destination.WriteAsync(_sealed.AsMemory(0, Seal(last: false)), cancellationToken);
            }

            buffer = buffer[Buffer(buffer.Span)..];
        }
    }

    /// <summary>Writes the final chunk; the file is complete and valid only after this.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        await WritePreambleAsync(cancellationToken);
        await _destination.WriteAsync(_sealed.AsMemory(0, Seal(last: true)), cancellationToken);
        _completed = true;
        await _destination.FlushAsync(cancellationToken);
    }

    /// <summary>Flushes the destination; a partial chunk stays buffered (it can be sealed only once it is full or last).</summary>
    public override void Flush() => _destination.Flush();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => _destination.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _payloadKey.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
            if (!_leaveOpen)
            {
                _destination.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private int Buffer(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        var count = Math.Min(data.Length, AgeKeys.ChunkSize - _plainCount);
        data[..count].CopyTo(_plain.AsSpan(_plainCount));
        _plainCount += count;
        return count;
    }

    private int Seal(bool last)
    {
        AgeKeys.ChunkNonce(_nonce, _counter++, last);
        AeadAlgorithm.ChaCha20Poly1305.Encrypt(_payloadKey, _nonce, [], _plain.AsSpan(0, _plainCount), _sealed.AsSpan(0, _plainCount + AgeKeys.TagSize));
        var length = _plainCount + AgeKeys.TagSize;
        _plainCount = 0;
        return length;
    }

    private void WritePreamble()
    {
        if (_preamble is { } preamble)
        {
            _preamble = null;
            _destination.Write(preamble);
        }
    }

    private async ValueTask WritePreambleAsync(CancellationToken cancellationToken)
    {
        if (_preamble is { } preamble)
        {
            _preamble = null;
            await _destination.WriteAsync(preamble, cancellationToken);
        }
    }
}
