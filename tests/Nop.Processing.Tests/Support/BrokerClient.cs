using System.Collections.Concurrent;
using System.Text.Json;
using Nop.Contracts;
using Nop.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Processing.Tests.Support;

/// <summary>What a test receives from <c>nop.noise</c>.</summary>
internal sealed record NoiseEvent(string MessageId, string Type, string RoutingKey, string? CorrelationId, string Body)
{
    public T As<T>() where T : IMessage => JsonSerializer.Deserialize(Body, MessageTypes.JsonInfo<T>())!;
}

/// <summary>
/// The test's side of the broker in its own virtual host: publishes readings to <c>nop.readings</c> as Ingest would
/// (persistent, confirmed) and records everything Processing publishes to <c>nop.noise</c>.
/// </summary>
internal sealed class BrokerClient : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _publish;
    private readonly IChannel _listen;
    private readonly ConcurrentQueue<NoiseEvent> _noise = new();

    private BrokerClient(IConnection connection, IChannel publish, IChannel listen) =>
        (_connection, _publish, _listen) = (connection, publish, listen);

    public IReadOnlyCollection<NoiseEvent> Noise => _noise;

    public IEnumerable<NoiseEvent> OfType(string messageType) => _noise.Where(e => e.Type == messageType);

    /// <summary>The windows of the distinct NoiseLevelsMeasured by message id (a re-emitted copy carries the same
    /// id).</summary>
    public IReadOnlyList<NoiseLevelMeasured> Levels() =>
        OfType(NoiseLevelsMeasured.MessageType).DistinctBy(e => e.MessageId)
            .SelectMany(e => e.As<NoiseLevelsMeasured>().Windows).ToList();

    /// <summary>Every window received, with the message that carried it, copies included.</summary>
    public IEnumerable<(NoiseEvent Message, NoiseLevelMeasured Window)> Windows() =>
        OfType(NoiseLevelsMeasured.MessageType).SelectMany(e => e.As<NoiseLevelsMeasured>().Windows.Select(w => (e, w)));

    public static async Task<BrokerClient> ConnectAsync(Uri vhostUri)
    {
        var connection = await new ConnectionFactory { Uri = vhostUri }.CreateConnectionAsync();
        var publish = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true));
        await Topology.DeclareExchangesAsync(publish);
        var listen = await connection.CreateChannelAsync();
        var queue =
            (await listen.QueueDeclareAsync("test.noise", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await listen.QueueBindAsync(queue, Exchanges.Noise, "#");
        var client = new BrokerClient(connection, publish, listen);
        var consumer = new AsyncEventingBasicConsumer(listen);
        consumer.ReceivedAsync += (_, d) =>
        {
            client._noise.Enqueue(new NoiseEvent(d.BasicProperties.MessageId ?? "", d.BasicProperties.Type ?? "",
                d.RoutingKey,
                d.BasicProperties.CorrelationId, System.Text.Encoding.UTF8.GetString(d.Body.Span)));
            return Task.CompletedTask;
        };
        await listen.BasicConsumeAsync(queue, autoAck: true, consumer);
        return client;
    }

    /// <summary>
    /// Publishes batches with confirms, many in flight, as Ingest does (message id from the first reading's id).
    /// </summary>
    public Task PublishAsync(IEnumerable<ReadingBatchReceived> batches) =>
        PublishAsync(batches, b => b.SensorId, b => $"batch-{b.SensorId}-{b.Readings[0].ReadingId}", b =>
            "corr-" + b.Readings[0].ReadingId);

    /// <summary>Publishes single readings as the previous Ingest did (message id = reading id).</summary>
    public Task PublishAsync(IEnumerable<ReadingReceived> readings) =>
        PublishAsync(readings, r => r.SensorId, r => r.ReadingId, r => "corr-" + r.ReadingId);

    private async Task PublishAsync<T>(IEnumerable<T> messages, Func<T, string> sensor, Func<T, string> messageId,
        Func<T, string> correlationId)
        where T : IMessage
    {
        var json = MessageTypes.JsonInfo<T>();
        var inFlight = new List<Task>();
        foreach (var message in messages)
        {
            var properties = new BasicProperties
            {
                MessageId = messageId(message),
                CorrelationId = correlationId(message),
                Type = T.MessageType,
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
            };
            inFlight.Add(_publish.BasicPublishAsync(Exchanges.Readings, RoutingKeys.Reading(sensor(message)), true,
                properties,
                JsonSerializer.SerializeToUtf8Bytes(message, json)).AsTask());
        }
        await Task.WhenAll(inFlight);
    }

    /// <summary>Messages in a queue (ready and unacked), by a passive declare.</summary>
    public async Task<uint> CountAsync(string queue)
    {
        await using var channel = await _connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    public async ValueTask DisposeAsync()
    {
        await _listen.DisposeAsync();
        await _publish.DisposeAsync();
        await _connection.CloseAsync();
        _connection.Dispose();
    }
}
