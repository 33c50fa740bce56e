using System.Net;
using System.Net.Sockets;

namespace Backup.Testing;

/// <summary>A TCP proxy on 127.0.0.1 in front of a real server that can be frozen: it then moves no byte either way, as a SIGSTOPped server would.</summary>
/// <remarks>
/// The test servers are shared by test assemblies running in parallel, so a test cannot SIGSTOP one of them. Seen from
/// the client, a frozen proxy is the same thing: connections are accepted (by the kernel's backlog), bytes sent pile up
/// in socket buffers until writes block, and nothing comes back. Thawing lets the traffic flow again.
/// </remarks>
public sealed class FreezableTcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _pumps = [];
    private readonly Task _acceptor;
    private volatile TaskCompletionSource _thawed = Thawed();
    private volatile Func<FreezableTcpProxy, bool>? _freezeWhen;
    private TaskCompletionSource _frozen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _toServer;
    private long _toClient;

    /// <summary>Starts a proxy that forwards to 127.0.0.1:<paramref name="targetPort"/>.</summary>
    public FreezableTcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _acceptor = AcceptAsync();
    }

    /// <summary>The port clients connect to.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Bytes forwarded from clients to the server so far.</summary>
    public long BytesToServer => Interlocked.Read(ref _toServer);

    /// <summary>Bytes forwarded from the server to clients so far.</summary>
    public long BytesToClient => Interlocked.Read(ref _toClient);

    /// <summary>Stops moving bytes (new connections are still accepted by the kernel, then stall).</summary>
    public void Freeze()
    {
        lock (_pumps)
        {
            if (_thawed.Task.IsCompleted)
            {
                _thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        _frozen.TrySetResult();
    }

    /// <summary>Freezes the proxy itself as soon as <paramref name="condition"/> holds after a chunk was forwarded; the task completes then.</summary>
    /// <remarks>
    /// A test polling the byte counts would freeze too late: a local mariadb-dump moves ~190 MB/s, a few MB in one poll
    /// interval. The pumps check after every chunk (at most 64 KiB), so the freeze lands within one chunk of the condition.
    /// </remarks>
    public Task FreezeWhen(Func<FreezableTcpProxy, bool> condition)
    {
        _freezeWhen = condition;
        return _frozen.Task;
    }

    /// <summary>Moves bytes again.</summary>
    public void Thaw() => _thawed.TrySetResult();

    /// <summary>Waits (up to <paramref name="timeout"/>) until <paramref name="condition"/> holds for this proxy.</summary>
    public async Task WaitUntilAsync(Func<FreezableTcpProxy, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"proxy condition not met after {timeout.TotalSeconds:0} s ({BytesToServer:N0} bytes to the server, {BytesToClient:N0} to clients)");
            }

            await Task.Delay(20);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Thaw();
        _listener.Stop();
        try
        {
            await _acceptor;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        Task[] pumps;
        lock (_pumps)
        {
            pumps = [.. _pumps];
        }

        await Task.WhenAll(pumps.Select(p => p.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
    }

    private static TaskCompletionSource Thawed()
    {
        var thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        thawed.SetResult();
        return thawed;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            lock (_pumps)
            {
                _pumps.Add(ConnectAsync(client));
            }
        }
    }

    private async Task ConnectAsync(TcpClient client)
    {
        using (client)
        using (var server = new TcpClient())
        {
            await _thawed.Task.WaitAsync(_stop.Token);
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            var upstream = PumpAsync(client.GetStream(), server.GetStream(), c => Interlocked.Add(ref _toServer, c));
            var downstream = PumpAsync(server.GetStream(), client.GetStream(), c => Interlocked.Add(ref _toClient, c));
            // When one side closes, close both (as the real connection would end).
            await Task.WhenAny(upstream, downstream);
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to, Action<int> count)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                await _thawed.Task.WaitAsync(_stop.Token);
                var read = await from.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    return;
                }

                // A freeze that came during the read holds these bytes back too.
                await _thawed.Task.WaitAsync(_stop.Token);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                count(read);
                if (_freezeWhen is { } condition && condition(this))
                {
                    _freezeWhen = null;
                    Freeze();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
