using System.Collections.Concurrent;

namespace Backup.Plugins.Aws;

/// <summary>The part buffers of one storage, reused across parts and uploads so memory stays at a few parts' worth.</summary>
/// <remarks>
/// Not ArrayPool: its shared pool keeps a per-core cache of large arrays, which would hold several extra part-sized
/// buffers for the process's lifetime. Here at most <c>capacity</c> buffers are kept; a buffer too small for the current
/// part size (it grows during an upload of unknown length) is dropped when met.
/// </remarks>
internal sealed class BufferPool(int capacity)
{
    private readonly ConcurrentBag<byte[]> _free = [];

    /// <summary>A buffer of at least <paramref name="size"/> bytes.</summary>
    public byte[] Rent(int size)
    {
        while (_free.TryTake(out var buffer))
        {
            if (buffer.Length >= size)
            {
                return buffer;
            }
        }

        return GC.AllocateUninitializedArray<byte>(size);
    }

    /// <summary>Gives <paramref name="buffer"/> back for the next part.</summary>
    public void Return(byte[] buffer)
    {
        if (_free.Count < capacity)
        {
            _free.Add(buffer);
        }
    }
}
