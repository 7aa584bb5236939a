using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Ingest.Sensors;
using Nop.Messaging;

namespace Nop.Ingest.Readings;

// Turns validated readings into one complete ReadingBatchReceived per sensor and publishes them with
// confirms.
public sealed class ReadingPublisher : IDisposable
{
    private readonly MessagePublisher _publisher;
    private readonly RabbitMqConnection _connection;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _inFlight;
    private readonly TimeSpan _waitLimit;

    public ReadingPublisher(MessagePublisher publisher, RabbitMqConnection connection, TimeProvider time,
        IOptions<RabbitMqOptions> options)
    {
        (_publisher, _connection, _time) = (publisher, connection, time);
        // The client library fails publishes outright once far more than MaxOutstandingConfirms are unconfirmed, and
        // slows them down past half of it. Messages wait here instead, and a request that cannot get its turn within
        // the publish time-out is answered 503 (back-pressure the client understands) rather than failing
        // half-published.
        _inFlight = new SemaphoreSlim(Math.Max(1, options.Value.MaxOutstandingConfirms / 2));
        _waitLimit = options.Value.PublishTimeout;
    }

    // False while the broker connection is down or the broker blocks publishing (a memory or disk alarm): a
    // request then fails fast instead of waiting for the publish time-out.
    public bool IsConnected => _connection.IsOpen && !_connection.IsPublishingBlocked;

    // Publishes one message per sensor (its readings in the order posted) and completes when the broker has
    // confirmed all of them.
    // sensors: The catalogue entry of each reading's sensor, index by index.
    // Throws MessagePublishException: At least one message was not confirmed; the client must retry the request.
    public async Task PublishAsync(IReadOnlyList<ParsedReading> readings, IReadOnlyList<Sensor> sensors,
        string correlationId, CancellationToken cancellationToken)
    {
        var receivedAt = _time.GetUtcNow();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken,
            _connection.PublishingBlockedToken);
        deadline.CancelAfter(_waitLimit);
        // A sensor's client waits for our answer: once the broker blocks publishing, stop waiting for confirms that
        // come only after the alarm clears, and answer 503 now. A message already sent may still be taken: the retry is
        // a duplicate Processing recognises by its message id.
        using var blocked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken,
            _connection.PublishingBlockedToken);
        var publishes = new List<Task>();
        foreach (var (sensor, batch) in BySensor(readings, sensors))
        {
            var message = new ReadingBatchReceived(sensor.Id, sensor.Zone, sensor.Location, sensor.IntervalSeconds,
                receivedAt,
                batch.ConvertAll(r =>
                    new SensorReading(r.ReadingId, r.MeasuredAt, r.Laeq, r.Lamax, r.DurationSeconds)));
            publishes.Add(PublishOneAsync(message, new PublishOptions
            {
                MessageId = ReadingIds.MessageId(sensor.Id, batch.Select(r => r.ReadingId)),
                CorrelationId = correlationId,
            }, deadline.Token, blocked.Token, cancellationToken));
        }
        await Task.WhenAll(publishes);
    }

    // The readings grouped by sensor, sensors in order of first appearance, readings in the order posted.
    internal static List<(Sensor Sensor, List<ParsedReading> Readings)> BySensor(IReadOnlyList<ParsedReading> readings,
        IReadOnlyList<Sensor> sensors)
    {
        var groups = new List<(Sensor, List<ParsedReading>)>();
        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < readings.Count; i++)
        {
            if (!indexOf.TryGetValue(sensors[i].Id, out var index))
            {
                index = groups.Count;
                indexOf.Add(sensors[i].Id, index);
                groups.Add((sensors[i], []));
            }
            groups[index].Item2.Add(readings[i]);
        }
        return groups;
    }

    private async Task PublishOneAsync(ReadingBatchReceived message, PublishOptions options, CancellationToken deadline,
        CancellationToken blocked, CancellationToken cancellationToken)
    {
        try
        {
            await _inFlight.WaitAsync(deadline);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw blocked.IsCancellationRequested
                ? new MessagePublishException(PublishFailure.Blocked,
                    "The broker blocks publishing (a resource alarm).")
                : new MessagePublishException(PublishFailure.TimedOut,
                    "Too many messages are waiting for the broker's confirms.");
        }
        try
        {
            await _publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading(message.SensorId), message, options,
                blocked);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MessagePublishException(PublishFailure.Blocked,
                "The broker blocks publishing (a resource alarm).", ex);
        }
        catch (InvalidOperationException ex)
        {
            // RabbitMQ.Client's own outstanding-confirms limiter refused the publish: the broker is too slow right now.
            throw new MessagePublishException(PublishFailure.TimedOut,
                "The broker connection has too many unconfirmed messages.", ex);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    public void Dispose() => _inFlight.Dispose();
}
