using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Nop.Messaging;

/// <summary>
/// Acknowledges one channel's deliveries in batches: one <c>basic.ack</c> with <c>multiple: true</c> for every
/// <see cref="ConsumerBuilder.AckBatch"/> deliveries, or after <see cref="Linger"/> when fewer are waiting. On a quorum
/// queue every ack is a Raft command the broker writes to its log, so this is broker work saved per message.
/// Handlers finish out of order when several run at once, so a tag is acked only when every earlier delivery on the
/// channel has been settled (delivery tags count up by one per channel). A delivery that was nacked counts as settled;
/// the multiple ack then covers only those still outstanding.
/// </summary>
internal sealed class AckBatcher(IChannel channel, int batchSize, ILogger logger)
{
    /// <summary>How long a settled delivery may wait for its batch.</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(10);

    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly SortedSet<ulong> _settledAhead = [];
    private readonly HashSet<ulong> _nacked = [];
    private ulong _settledUpTo;
    private ulong _ackableUpTo;
    private ulong _ackedUpTo;
    private bool _lingering;

    /// <summary>The delivery has been handled (or forwarded): it will be acked with its batch.</summary>
    public ValueTask AckAsync(ulong deliveryTag) => SettleAsync(deliveryTag, nacked: false);

    /// <summary>The delivery has been nacked already: it no longer holds back the batch.</summary>
    public ValueTask NackedAsync(ulong deliveryTag) => SettleAsync(deliveryTag, nacked: true);

    private async ValueTask SettleAsync(ulong deliveryTag, bool nacked)
    {
        bool full;
        lock (_lock)
        {
            _settledAhead.Add(deliveryTag);
            if (nacked)
            {
                _nacked.Add(deliveryTag);
            }
            while (_settledAhead.Count > 0 && _settledAhead.Min == _settledUpTo + 1)
            {
                _settledUpTo++;
                _settledAhead.Remove(_settledUpTo);
                // Never ack "up to" a nacked tag: it is no longer outstanding, and the broker would refuse it.
                if (!_nacked.Remove(_settledUpTo))
                {
                    _ackableUpTo = _settledUpTo;
                }
            }
            full = _ackableUpTo - _ackedUpTo >= (ulong)batchSize;
            if (!full && _ackableUpTo > _ackedUpTo && !_lingering)
            {
                _lingering = true;
                _ = LingerThenFlushAsync();
            }
        }
        if (full)
        {
            await FlushAsync();
        }
    }

    private async Task LingerThenFlushAsync()
    {
        await Task.Delay(Linger);
        lock (_lock)
        {
            _lingering = false;
        }
        await FlushAsync();
    }

    private async Task FlushAsync()
    {
        // One ack at a time, in tag order: an older ack arriving after a newer one would name a tag already acked.
        await _send.WaitAsync();
        try
        {
            ulong upTo;
            lock (_lock)
            {
                if (_ackableUpTo <= _ackedUpTo)
                {
                    return;
                }
                upTo = _ackedUpTo = _ackableUpTo;
            }
            await channel.BasicAckAsync(upTo, multiple: true, CancellationToken.None);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or ObjectDisposedException)
        {
            // The channel closed after the work was done: the broker redelivers, the inbox or checkpoint recognises it.
            logger.LogWarning("Could not ack deliveries up to a batch's end: channel closed; they will be redelivered");
        }
        finally
        {
            _send.Release();
        }
    }
}
