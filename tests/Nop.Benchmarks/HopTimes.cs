using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Nop.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Benchmarks;

/// <summary>
/// When each sensor's spike event (<c>noise.spike.&lt;id&gt;</c>, published by the classifier) and its raised alert
/// (<c>alert.raised</c>, published by Alerting's outbox relay) reach a queue of the bench's own: a spike's latency
/// split into Ingest and the classifier, Alerting (handler, commit, relay), and the Dashboard's push.
/// </summary>
public sealed class HopTimes : IAsyncDisposable
{
    private readonly IChannel _channel;
    private readonly ConcurrentDictionary<string, long> _spikes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _alerts = new(StringComparer.Ordinal);

    private HopTimes(IChannel channel) => _channel = channel;

    public static async Task<HopTimes> StartAsync(IConnection connection)
    {
        var channel = await connection.CreateChannelAsync();
        var hops = new HopTimes(channel);
        var queue = (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true))
            .QueueName;
        await channel.QueueBindAsync(queue, Exchanges.Noise, RoutingKeys.AllSpikes);
        await channel.QueueBindAsync(queue, Exchanges.Alerts, RoutingKeys.AlertRaised);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var now = Stopwatch.GetTimestamp();
            if (delivery.Exchange == Exchanges.Noise)
            {
                _ = hops._spikes.TryAdd(delivery.RoutingKey[(RoutingKeys.AllSpikes.Length - 1)..], now);
            }
            else
            {
                using var alert = JsonDocument.Parse(delivery.Body);
                if (alert.RootElement.TryGetProperty("sensorId", out var sensor) && sensor.GetString() is { } id)
                {
                    _ = hops._alerts.TryAdd(id, now);
                }
            }
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return hops;
    }

    /// <summary>Milliseconds from <paramref name="postedAt"/> to the sensor's spike event and to its raised alert,
    /// tab-separated (empty when not seen).</summary>
    public string Since(long postedAt, string sensorId) =>
        $"{Elapsed(postedAt, _spikes, sensorId)}\t{Elapsed(postedAt, _alerts, sensorId)}";

    private static string Elapsed(long postedAt, ConcurrentDictionary<string, long> seen, string sensorId) =>
        seen.TryGetValue(sensorId, out var at) ? $"{Stopwatch.GetElapsedTime(postedAt, at).TotalMilliseconds:0}" : "";

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        _channel.Dispose();
    }
}
