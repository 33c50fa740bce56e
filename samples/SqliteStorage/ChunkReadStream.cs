using Microsoft.Data.Sqlite;

namespace Contoso.Backup.SqliteStorage;

/// <summary>Reads an object's chunks one after the other, one row in memory at a time; owns the connection it reads from.</summary>
internal sealed class ChunkReadStream(SqliteConnection connection, SqliteCommand command, SqliteDataReader reader) : Stream
{
    private Stream? _chunk;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            if (_chunk is null)
            {
                if (!reader.Read())
                {
                    return 0;
                }

                _chunk = reader.GetStream(0);
            }

            var read = _chunk.Read(buffer);
            if (read > 0)
            {
                return read;
            }

            _chunk.Dispose();
            _chunk = null;
        }

        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _chunk?.Dispose();
            reader.Dispose();
            command.Dispose();
            connection.Dispose();
        }

        base.Dispose(disposing);
    }
}
