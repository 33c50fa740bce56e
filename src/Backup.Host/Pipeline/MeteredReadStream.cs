namespace Backup.Host.Pipeline;

/// <summary>A read-only pass-through stream that counts what is read into a <see cref="ProgressMeter"/>.</summary>
internal sealed class MeteredReadStream(Stream inner, ProgressMeter meter) : ReadOnlyStream
{
    public override long Position
    {
        get => meter.Bytes;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        meter.Add(read);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        meter.Add(read);
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
