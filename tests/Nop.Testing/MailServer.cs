using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using MimeKit;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Nop.Testing;

/// <summary>
/// A real SMTP server in the test process (the SmtpServer package) on 127.0.0.1 and a free port. It keeps every
/// message it accepted, and can be told to answer a recipient's RCPT with refusals (451: try later, 550: never) before
/// it accepts it again.
/// </summary>
public sealed class MailServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<SmtpReplyCode>> _refusals =
        new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly ConcurrentQueue<string> _refused = new();
    private Task _running = Task.CompletedTask;

    public int Port { get; private set; }

    /// <summary>Every message accepted, in arrival order.</summary>
    public IReadOnlyCollection<ReceivedMail> Received => _received;

    /// <summary>"&lt;code&gt; &lt;address&gt;" of every RCPT refused so far.</summary>
    public IReadOnlyCollection<string> Refused => _refused;

    public static async Task<MailServer> StartAsync()
    {
        var server = new MailServer();
        var started = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listeners = new EndpointListenerFactory();
        listeners.EndpointStarted += (_, e) => started.TrySetResult(((IPEndPoint)e.LocalEndPoint).Port);
        var services = new ServiceProvider();
        services.Add(listeners);
        services.Add(new Store(server));
        services.Add(new Filter(server));
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, 0)))
            .Build();
        server._running = new SmtpServer.SmtpServer(options, services).StartAsync(server._stop.Token);
        server.Port = await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return server;
    }

    /// <summary>The next RCPTs for <paramref name="address"/> get these answers, one each; then it is accepted.
    /// </summary>
    public void Refuse(string address, params int[] codes)
    {
        var queue = _refusals.GetOrAdd(address, _ => new ConcurrentQueue<SmtpReplyCode>());
        foreach (var code in codes)
            queue.Enqueue((SmtpReplyCode)code);
    }

    /// <summary>The messages accepted for one address.</summary>
    public IReadOnlyList<ReceivedMail> To(string address) =>
        _received.Where(m => string.Equals(m.To, address, StringComparison.OrdinalIgnoreCase)).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            // Stopped, or left to die with the test process.
        }
        _stop.Dispose();
    }

    private sealed class Filter(MailServer server) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size,
            CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from,
            CancellationToken cancellationToken)
        {
            var address = to.AsAddress();
            if (server._refusals.TryGetValue(address, out var queue) && queue.TryDequeue(out var code))
            {
                server._refused.Enqueue($"{(int)code} {address}");
                throw new SmtpResponseException(new SmtpResponse(code, $"Refused by the test ({(int)code})."));
            }
            return Task.FromResult(true);
        }
    }

    private sealed class Store(MailServer server) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            foreach (var to in transaction.To)
                server._received.Enqueue(new ReceivedMail(to.AsAddress(), message.Subject ?? "",
                    message.MessageId ?? "", message.TextBody ?? "", message.Headers["X-Nop-Delivery-Id"]));
            return SmtpResponse.Ok;
        }
    }
}

/// <summary>A message as the mail server accepted it, for one recipient.</summary>
public sealed record ReceivedMail(string To, string Subject, string MessageId, string Text, string? DeliveryId);
