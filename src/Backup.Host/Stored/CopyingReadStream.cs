using Backup.Host.Pipeline;

namespace Backup.Host.Stored;

/// <summary>A read-only pass-through stream that writes every byte it reads to a second stream: how a restore stages the compressed archive while verifying it.</summary>
/// <remarks>Disposing leaves the copy open: its owner decides when it is complete.</remarks>
internal sealed class CopyingReadStream(Stream inner, Stream copy) : ReadOnlyStream
{
    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        copy.Write(buffer[..read]);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        await copy.WriteAsync(buffer[..read], cancellationToken);
        return read;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
