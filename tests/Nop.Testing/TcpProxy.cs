using System.Net;
using System.Net.Sockets;

namespace Nop.Testing;

/// <summary>
/// A TCP forwarder in front of the broker. <see cref="Stop"/> drops every connection and refuses new ones (to the
/// service behind it the broker is down); <see cref="Resume"/> listens on the same port again. <see cref="Hold"/> keeps
/// the connections but forwards nothing (a broker that hangs) until <see cref="Release"/>. Nobody else's
/// connections to the real broker are touched.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly List<TcpClient> _open = [];
    private TcpListener? _listener;
    private CancellationTokenSource _running = new();

    private TcpProxy(IPEndPoint target) => _target = target;

    private volatile TaskCompletionSource _flowing = Flowing();

    public int Port { get; private set; }

    /// <summary>Forwards nothing, either way, until <see cref="Release"/>; connections stay open.</summary>
    public void Hold() => _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _flowing.TrySetResult();

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    public static TcpProxy Start(string host, int port)
    {
        var proxy = new TcpProxy(
            new IPEndPoint(Dns.GetHostAddresses(host).First(a => a.AddressFamily == AddressFamily.InterNetwork), port));
        proxy.Listen(0);
        return proxy;
    }

    public void Stop()
    {
        _running.Cancel();
        _listener?.Stop();
        _listener = null;
        lock (_open)
        {
            foreach (var client in _open)
            {
                try
                {
                    client.Client?.LingerState = new LingerOption(true, 0); // reset, as a crashed broker would
                }
                catch (ObjectDisposedException)
                {
                    // Closed by its forwarder meanwhile.
                }
                client.Dispose();
            }
            _open.Clear();
        }
    }

    public void Resume()
    {
        _running = new CancellationTokenSource();
        Listen(Port);
    }

    private void Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _ = AcceptAsync(listener, _running.Token);
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient downstream;
            try
            {
                downstream = await listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ForwardAsync(downstream, cancellationToken);
        }
    }

    private async Task ForwardAsync(TcpClient downstream, CancellationToken cancellationToken)
    {
        var upstream = new TcpClient();
        lock (_open)
        {
            _open.Add(downstream);
            _open.Add(upstream);
        }
        try
        {
            await upstream.ConnectAsync(_target, cancellationToken);
            var a = PumpAsync(downstream.GetStream(), upstream.GetStream(), cancellationToken);
            var b = PumpAsync(upstream.GetStream(), downstream.GetStream(), cancellationToken);
            await Task.WhenAny(a, b);
        }
        catch (Exception ex) when (
            ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Stopped, or one side closed.
        }
        finally
        {
            lock (_open)
            {
                _open.Remove(downstream);
                _open.Remove(upstream);
            }
            downstream.Dispose();
            upstream.Dispose();
        }
    }

    private async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await _flowing.Task.WaitAsync(cancellationToken);
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        _running.Dispose();
        return ValueTask.CompletedTask;
    }
}
