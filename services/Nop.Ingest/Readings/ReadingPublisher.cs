using Nop.Contracts;
using Nop.Ingest.Sensors;
using Nop.Messaging;

namespace Nop.Ingest.Readings;

/// <summary>Turns validated readings into complete <see cref="ReadingReceived"/> events and publishes them with confirms.</summary>
public sealed class ReadingPublisher(MessagePublisher publisher, RabbitMqConnection connection, TimeProvider time)
{
    /// <summary>False while the broker connection is down: a request then fails fast instead of waiting for the publish time-out.</summary>
    public bool IsConnected => connection.IsOpen;

    /// <summary>
    /// Publishes every reading at once and completes when the broker has confirmed all of them.
    /// </summary>
    /// <exception cref="MessagePublishException">At least one reading was not confirmed; the client must retry the request.</exception>
    public async Task PublishAsync(IReadOnlyList<ParsedReading> readings, IReadOnlyList<Sensor> sensors, string correlationId, CancellationToken cancellationToken)
    {
        var receivedAt = time.GetUtcNow();
        var publishes = new Task[readings.Count];
        for (var i = 0; i < readings.Count; i++)
        {
            var reading = readings[i];
            var sensor = sensors[i];
            var readingId = reading.ReadingId ?? ReadingIds.Assign();
            var message = new ReadingReceived(readingId, sensor.Id, sensor.Zone, sensor.Location, reading.MeasuredAt,
                reading.Laeq, reading.Lamax, reading.DurationSeconds, receivedAt);
            publishes[i] = publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading(sensor.Id), message, new PublishOptions
            {
                MessageId = ReadingIds.MessageId(sensor.Id, readingId),
                CorrelationId = correlationId,
            }, cancellationToken);
        }
        await Task.WhenAll(publishes);
    }
}
