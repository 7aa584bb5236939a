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
/// the multiple ack then covers only those still outstanding. One batcher serves one channel for its first life only:
/// <see cref="ConsumerHost"/> never consumes on a recovered channel, whose tags continue past deliveries lost with the
/// old connection that nobody will ever settle.
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

    /// <summary>
    /// A handler that deferred its acks settles this delivery and every earlier one (<c>multiple: true</c>), e.g. after
    /// a checkpoint: acked at once, since the handler has done its own batching.
    /// </summary>
    public async ValueTask AckUpToAsync(ulong deliveryTag)
    {
        lock (_lock)
        {
            if (deliveryTag <= _settledUpTo)
            {
                return;
            }
            _settledUpTo = _ackableUpTo = deliveryTag;
            _settledAhead.RemoveWhere(tag => tag <= deliveryTag);
            _nacked.RemoveWhere(tag => tag <= deliveryTag);
            Advance();
        }
        await FlushAsync();
    }

    private async ValueTask SettleAsync(ulong deliveryTag, bool nacked)
    {
        bool full;
        lock (_lock)
        {
            if (deliveryTag == _settledUpTo + 1 && _settledAhead.Count == 0)
            {
                // In order, as always with one handler at a time: no set to go through.
                _settledUpTo = deliveryTag;
                _ackableUpTo = nacked ? _ackableUpTo : deliveryTag;
            }
            else
            {
                _settledAhead.Add(deliveryTag);
                if (nacked)
                {
                    _nacked.Add(deliveryTag);
                }
                Advance();
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

    /// <summary>Moves the cursor over the settled deliveries that follow it without a gap.</summary>
    private void Advance()
    {
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
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException
            or ObjectDisposedException)
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
