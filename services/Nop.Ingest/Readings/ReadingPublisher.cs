using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Ingest.Sensors;
using Nop.Messaging;

namespace Nop.Ingest.Readings;

/// <summary>Turns validated readings into complete <see cref="ReadingReceived"/> events and publishes them with confirms.</summary>
public sealed class ReadingPublisher : IDisposable
{
    private readonly MessagePublisher _publisher;
    private readonly RabbitMqConnection _connection;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _inFlight;
    private readonly TimeSpan _waitLimit;

    public ReadingPublisher(MessagePublisher publisher, RabbitMqConnection connection, TimeProvider time, IOptions<RabbitMqOptions> options)
    {
        (_publisher, _connection, _time) = (publisher, connection, time);
        // The client library fails publishes outright once far more than MaxOutstandingConfirms are unconfirmed, and
        // slows them down past half of it. Readings wait here instead, and a request that cannot get its turn within the
        // publish time-out is answered 503 (back-pressure the client understands) rather than failing half-published.
        _inFlight = new SemaphoreSlim(Math.Max(1, options.Value.MaxOutstandingConfirms / 2));
        _waitLimit = options.Value.PublishTimeout;
    }

    /// <summary>False while the broker connection is down: a request then fails fast instead of waiting for the publish time-out.</summary>
    public bool IsConnected => _connection.IsOpen;

    /// <summary>
    /// Publishes every reading at once and completes when the broker has confirmed all of them.
    /// </summary>
    /// <exception cref="MessagePublishException">At least one reading was not confirmed; the client must retry the request.</exception>
    public async Task PublishAsync(IReadOnlyList<ParsedReading> readings, IReadOnlyList<Sensor> sensors, string correlationId, CancellationToken cancellationToken)
    {
        var receivedAt = _time.GetUtcNow();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_waitLimit);
        var publishes = new Task[readings.Count];
        for (var i = 0; i < readings.Count; i++)
        {
            var reading = readings[i];
            var sensor = sensors[i];
            var readingId = reading.ReadingId ?? ReadingIds.Assign();
            var message = new ReadingReceived(readingId, sensor.Id, sensor.Zone, sensor.Location, reading.MeasuredAt,
                reading.Laeq, reading.Lamax, reading.DurationSeconds, receivedAt);
            publishes[i] = PublishOneAsync(message, new PublishOptions
            {
                MessageId = ReadingIds.MessageId(sensor.Id, readingId),
                CorrelationId = correlationId,
            }, deadline.Token, cancellationToken);
        }
        await Task.WhenAll(publishes);
    }

    private async Task PublishOneAsync(ReadingReceived message, PublishOptions options, CancellationToken deadline, CancellationToken cancellationToken)
    {
        try
        {
            await _inFlight.WaitAsync(deadline);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MessagePublishException(PublishFailure.TimedOut, "Too many readings are waiting for the broker's confirms.");
        }
        try
        {
            await _publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading(message.SensorId), message, options, cancellationToken);
        }
        catch (InvalidOperationException ex)
        {
            // RabbitMQ.Client's own outstanding-confirms limiter refused the publish: the broker is too slow right now.
            throw new MessagePublishException(PublishFailure.TimedOut, "The broker connection has too many unconfirmed messages.", ex);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public void Dispose() => _inFlight.Dispose();
}
