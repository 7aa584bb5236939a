using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace Nop.Dashboard.Tests;

/// <summary>
/// A page whose browser stopped reading (a slow mobile link, a frozen tab): a raw SignalR WebSocket with a tiny
/// receive buffer that completes the handshake and then only sends pings, so the hub keeps it open while everything
/// pushed to it piles up in the server's buffers.
/// </summary>
public sealed class StalledPage : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly Socket _tcp;
    private readonly HttpMessageInvoker _invoker;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pings;

    private StalledPage(ClientWebSocket socket, Socket tcp, HttpMessageInvoker invoker)
    {
        (_socket, _tcp, _invoker) = (socket, tcp, invoker);
        _pings = PingAsync();
    }

    /// <summary>Bytes the server sent that this page has not read (in its socket's receive buffer).</summary>
    public int Unread => _tcp.Available;

    /// <summary>True while the server has not closed the connection.</summary>
    public bool IsOpen => _socket.State == WebSocketState.Open;

    public static async Task<StalledPage> ConnectAsync(Uri baseAddress, string hubPath)
    {
        Socket? tcp = null;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp)
                {
                    ReceiveBufferSize = 4096,
                    NoDelay = true,
                };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                tcp = socket;
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var invoker = new HttpMessageInvoker(handler);
        var ws = new ClientWebSocket();
        // Without negotiation: the hub accepts a WebSocket straight away.
        var uri = new UriBuilder(baseAddress) { Scheme = "ws", Path = hubPath }.Uri;
        await ws.ConnectAsync(uri, invoker, CancellationToken.None);
        await SendAsync(ws, """{"protocol":"json","version":1}""");
        return new StalledPage(ws, tcp!, invoker);
    }

    private async Task PingAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(3), _stop.Token);
                await SendAsync(_socket, """{"type":6}""");
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // Stopped, or the server closed the connection.
        }
    }

    private static Task SendAsync(ClientWebSocket socket, string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json + "\u001e"), WebSocketMessageType.Text, true,
            CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pings;
        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        _stop.Dispose();
    }
}
