using System.Text.Json;
using Nop.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Benchmarks;

/// <summary>
/// How many readings Ingest puts in a broker message, so the pipeline's queue backlogs count readings: one packet
/// is posted while a temporary queue listens on <c>nop.readings</c> for its sensor's routing key. An Ingest that
/// publishes a message per reading gives 1, one that publishes per request and sensor gives the packet's 60.
/// </summary>
public static class ReadingsPerMessageProbe
{
    public static async Task<double> MeasureAsync(IConnection connection, LoadGenerator load, string sensorId)
    {
        await using var channel = await connection.CreateChannelAsync();
        var tap = await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
        await channel.QueueBindAsync(tap.QueueName, Exchanges.Readings, RoutingKeys.Reading(sensorId));
        long messages = 0, readings = 0;
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var json = MessageTypes.JsonInfo<ReadingBatchReceived>();
            var count = delivery.BasicProperties.Type == ReadingBatchReceived.MessageType
                ? JsonSerializer.Deserialize(delivery.Body.Span, json)!.Readings.Count
                : 1;
            Interlocked.Increment(ref messages);
            Interlocked.Add(ref readings, count);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(tap.QueueName, autoAck: true, consumer);

        await load.PostPacketAsync(sensorId);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Interlocked.Read(ref readings) < LoadGenerator.PacketReadings && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        var found = Interlocked.Read(ref readings);
        if (found != LoadGenerator.PacketReadings)
        {
            throw new InvalidOperationException(
                $"A packet of {LoadGenerator.PacketReadings} readings reached nop.readings as {found} readings " +
                $"in {messages} messages.");
        }
        return (double)found / Interlocked.Read(ref messages);
    }
}
