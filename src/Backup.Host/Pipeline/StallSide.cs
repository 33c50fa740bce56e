namespace Backup.Host.Pipeline;

/// <summary>The side of the pipeline a stalled run is waiting for.</summary>
internal enum StallSide
{
    /// <summary>The source (e.g. mariadb-dump waiting on a frozen server) or the local work behind it.</summary>
    Source,

    /// <summary>The storage (e.g. a frozen S3 endpoint that takes no more bytes and answers nothing).</summary>
    Storage,
}
