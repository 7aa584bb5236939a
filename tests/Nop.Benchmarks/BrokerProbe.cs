using System.Diagnostics;
using Nop.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Benchmarks;

/// <summary>
/// The raw broker's publish-to-consume latency while something else loads it: a bare RabbitMQ.Client 7 publisher and
/// consumer on a virtual host of their own, one small persistent message every <see cref="Interval"/> to a quorum
/// queue (publisher confirms, manual acks), each timed from just before its publish until its consumer takes it.
/// Publishes start on their due times whatever earlier ones wait for, so a stall of the broker is in as many samples
/// as it lasts. Run beside the reading-to-alert spikes, it meets the same broker: the same load, the same write-ahead
/// log roll-overs.
/// </summary>
public sealed class BrokerProbe : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);
    private const string Queue = "bench.probe";
    private const string SentHeader = "bench-sent";

    private readonly VirtualHost _vhost;
    private readonly IConnection _publishing;
    private readonly IConnection _consuming;
    private readonly IChannel _publisher;
    private readonly List<(DateTime Taken, double Ms)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private BrokerProbe(VirtualHost vhost, IConnection publishing, IConnection consuming, IChannel publisher)
    {
        _vhost = vhost;
        _publishing = publishing;
        _consuming = consuming;
        _publisher = publisher;
    }

    public static async Task<BrokerProbe> StartAsync()
    {
        var vhost = await TestBroker.CreateVirtualHostAsync("bench-probe");
        var factory = new ConnectionFactory { Uri = vhost.Uri, ClientProvidedName = "nop-bench-probe" };
        var publishing = await factory.CreateConnectionAsync();
        var consuming = await factory.CreateConnectionAsync();
        var publisher = await publishing.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await publisher.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        var probe = new BrokerProbe(vhost, publishing, consuming, publisher);
        var channel = await consuming.CreateChannelAsync();
        await channel.BasicQosAsync(0, 200, false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var now = Stopwatch.GetTimestamp();
            if (delivery.BasicProperties.Headers?.TryGetValue(SentHeader, out var sent) == true && sent is long at)
            {
                lock (probe._samples)
                {
                    probe._samples.Add((DateTime.UtcNow, Stopwatch.GetElapsedTime(at, now).TotalMilliseconds));
                }
            }
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await channel.BasicConsumeAsync(Queue, autoAck: false, consumer);
        probe._loop = probe.PublishUntilStoppedAsync();
        return probe;
    }

    /// <summary>Forgets the samples so far: those from now on are the measured ones.</summary>
    public void Reset()
    {
        lock (_samples)
        {
            _samples.Clear();
        }
    }

    /// <summary>The samples since <see cref="Reset"/>, taken at (UTC) and milliseconds.</summary>
    public (DateTime Taken, double Ms)[] Samples()
    {
        lock (_samples)
        {
            return [.. _samples];
        }
    }

    private async Task PublishUntilStoppedAsync()
    {
        var started = Stopwatch.GetTimestamp();
        var pending = new List<Task>();
        for (long n = 0; !_stop.IsCancellationRequested; n++)
        {
            await Pacing.UntilDueAsync(started, n, 1 / Interval.TotalSeconds);
            var properties = new BasicProperties
            {
                DeliveryMode = DeliveryModes.Persistent,
                Headers = new Dictionary<string, object?> { [SentHeader] = Stopwatch.GetTimestamp() },
            };
            pending.Add(_publisher.BasicPublishAsync(string.Empty, Queue, mandatory: true, properties,
                ReadOnlyMemory<byte>.Empty).AsTask());
            if (pending.Count > 1024)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }
        await Task.WhenAll(pending);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        finally
        {
            _stop.Dispose();
            await _publisher.DisposeAsync();
            await _publishing.DisposeAsync();
            await _consuming.DisposeAsync();
            await Phases.DeleteQuietlyAsync(_vhost);
        }
    }
}
