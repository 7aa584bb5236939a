using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Nop.Testing;

/// <summary>
/// A load balancer without affinity on loopback: each HTTP request goes to the next of its upstreams in turn. Requests
/// are made to close their connection (the proxy sets <c>Connection: close</c>), so a browser's kept-alive connection
/// cannot pin it to one upstream; a WebSocket upgrade keeps its one connection to the upstream it reached, as it
/// would behind a real balancer. Only requests under <c>turnPrefix</c> take turns (the others go to the first
/// upstream), so which replica a request reaches does not depend on how many files a browser fetched in between.
/// </summary>
public sealed class RoundRobinHttpProxy : IAsyncDisposable
{
    private readonly Uri[] _upstreams;
    private readonly string _turnPrefix;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _running = new();
    private int _next;

    private RoundRobinHttpProxy(string turnPrefix, Uri[] upstreams)
    {
        _turnPrefix = turnPrefix;
        _upstreams = upstreams;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _ = AcceptAsync();
    }

    public Uri Address { get; }

    /// <summary>Requests (and WebSockets) each upstream was given, in order.</summary>
    public IReadOnlyList<string> Routed
    {
        get
        {
            lock (_routed)
            {
                return [.. _routed];
            }
        }
    }

    private readonly List<string> _routed = [];

    public static RoundRobinHttpProxy Start(string turnPrefix, params Uri[] upstreams) => new(turnPrefix, upstreams);

    private async Task AcceptAsync()
    {
        while (!_running.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_running.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient downstream)
    {
        using var _ = downstream;
        using var upstream = new TcpClient();
        try
        {
            var input = downstream.GetStream();
            var head = await ReadHeadAsync(input);
            if (head is null)
            {
                return;
            }
            var lines = head.Split("\r\n").ToList();
            var takesTurn =
                lines[0].Split(' ').ElementAtOrDefault(1)?.StartsWith(_turnPrefix, StringComparison.Ordinal) == true;
            var target = _upstreams[takesTurn ? Interlocked.Increment(ref _next) % _upstreams.Length : 0];
            var upgrade = lines.Any(l => l.StartsWith("Upgrade:", StringComparison.OrdinalIgnoreCase));
            if (!upgrade)
            {
                lines.RemoveAll(l => l.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase));
                lines.Insert(1, "Connection: close");
            }
            lock (_routed)
            {
                _routed.Add($"{target.Port} {lines[0]}");
            }
            await upstream.ConnectAsync(target.Host, target.Port, _running.Token);
            var output = upstream.GetStream();
            await output.WriteAsync(Encoding.ASCII.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n"), _running.Token);
            // The request's body (if any) and the answer: copied until either side closes.
            var up = input.CopyToAsync(output, _running.Token);
            var down = output.CopyToAsync(input, _running.Token);
            await Task.WhenAny(up, down);
            if (!upgrade)
            {
                await down; // the upstream closes after the answer (Connection: close)
            }
        }
        catch (Exception ex) when (
            ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // Stopped, or a side closed.
        }
    }

    /// <summary>
    /// Reads up to the blank line after the headers, byte by byte (so no body byte is consumed here).
    /// </summary>
    private async Task<string?> ReadHeadAsync(Stream input)
    {
        var head = new StringBuilder();
        var one = new byte[1];
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
        {
            if (await input.ReadAsync(one, _running.Token) == 0 || head.Length > 64 * 1024)
            {
                return null;
            }
            head.Append((char)one[0]);
        }
        return head.ToString()[..^4];
    }

    public ValueTask DisposeAsync()
    {
        _running.Cancel();
        _listener.Stop();
        _running.Dispose();
        return ValueTask.CompletedTask;
    }
}
