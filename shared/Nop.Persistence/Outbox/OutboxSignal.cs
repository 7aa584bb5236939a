using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Nop.Persistence.Outbox;

/// <summary>Wakes the outbox relay right after a commit, so a new message does not wait for the next poll; and hands
/// it the committed rows, so it need not read them back.</summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentQueue<OutboxMessage> _committed = new();

    /// <summary>Says that rows were committed; several notifications before the relay looks count as one.</summary>
    public void Notify() => _signal.Writer.TryWrite(true);

    /// <summary>
    /// Says that <paramref name="committed"/> were committed, with the positions the database gave them: the relay
    /// publishes them without reading them back when nothing else can be waiting before them (see
    /// <see cref="OutboxRelay{TContext}"/>), else it reads the outbox as after <see cref="Notify()"/>.
    /// </summary>
    public void Notify(IEnumerable<OutboxMessage> committed)
    {
        foreach (var message in committed)
        {
            _committed.Enqueue(message);
        }
        Notify();
    }

    /// <summary>The rows handed over since the last call, in no particular order.</summary>
    internal List<OutboxMessage> TakeCommitted()
    {
        var taken = new List<OutboxMessage>();
        while (_committed.TryDequeue(out var message))
        {
            taken.Add(message);
        }
        return taken;
    }

    /// <summary>Waits for a notification or <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            await _signal.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed: look anyway.
        }
    }
}
