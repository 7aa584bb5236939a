using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Nop.Benchmarks;

/// <summary>
/// A bare consumer's acks, batched as the pipeline's are: one <c>basic.ack</c> with <c>multiple</c> once
/// <paramref name="batch"/> units (messages or readings) are waiting, or after <paramref name="linger"/> when fewer
/// are. With several handlers at once a multiple ack may cover a delivery still being deserialised; that only matters
/// if the consumer crashed, which a bare consumer here never does.
/// </summary>
public sealed class RawAcker(IChannel channel, int batch, TimeSpan linger) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _send = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private ulong _highest;
    private ulong _acked;
    private long _waiting;
    private Task? _timer;

    public void Start() => _timer = LingerAsync();

    /// <summary>Delivery <paramref name="tag"/> is done; it weighs <paramref name="units"/> towards the
    /// batch.</summary>
    public async ValueTask DoneAsync(ulong tag, int units)
    {
        bool full;
        lock (_lock)
        {
            _highest = Math.Max(_highest, tag);
            _waiting += units;
            full = _waiting >= batch;
        }
        if (full)
        {
            await FlushAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_timer is not null)
        {
            await _timer;
        }
        _stop.Dispose();
        _send.Dispose();
    }

    private async Task LingerAsync()
    {
        using var timer = new PeriodicTimer(linger);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task FlushAsync()
    {
        // One ack at a time, in tag order: an older ack after a newer one would name a tag already acked.
        await _send.WaitAsync();
        try
        {
            ulong upTo;
            lock (_lock)
            {
                if (_highest <= _acked)
                {
                    return;
                }
                upTo = _acked = _highest;
                _waiting = 0;
            }
            await channel.BasicAckAsync(upTo, multiple: true);
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException
            or ObjectDisposedException)
        {
            // The channel is closing at the end of the run.
        }
        finally
        {
            _send.Release();
        }
    }
}
