namespace Nop.Contracts;

/// <summary>Where a sensor stands (WGS 84).</summary>
public sealed record GeoLocation(double Lat, double Lon);

/// <summary>
/// The readings of one sensor accepted by Ingest in one request: how sensors report (a packet of 1 s levels every
/// minute), and one broker message for all of them. A complete event: it carries the sensor's zone, location and
/// reporting interval from the catalogue once, so no consumer needs a look-up. Routing key
/// <c>reading.&lt;bucket&gt;.&lt;sensorId&gt;</c> on <c>nop.readings</c> (<see cref="RoutingKeys.Reading"/>), so a
/// sensor stays in one aggregator partition.
/// </summary>
/// <param name="IntervalSeconds">The sensor's reporting interval from the catalogue, when it states one: the length
/// of a reading that does not state its own duration.</param>
/// <param name="Readings">In the order posted; at least one.</param>
public sealed record ReadingBatchReceived(
    string SensorId,
    Zone Zone,
    GeoLocation Location,
    double? IntervalSeconds,
    DateTimeOffset ReceivedAt,
    IReadOnlyList<SensorReading> Readings) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.reading-batch-received.v1";

    /// <summary>The batch of one that a single-reading <see cref="ReadingReceived"/> of an older Ingest stands
    /// for.</summary>
    public static ReadingBatchReceived From(ReadingReceived single) =>
        new(single.SensorId, single.Zone, single.Location, null, single.ReceivedAt,
            [new SensorReading(
                single.ReadingId, single.MeasuredAt, single.Laeq, single.Lamax, single.DurationSeconds)]);
}

/// <summary>One reading of a <see cref="ReadingBatchReceived"/>.</summary>
/// <param name="ReadingId">Client-chosen idempotency key, or one Ingest derived from (sensor,
/// <paramref name="MeasuredAt"/>),
/// so a re-post of the same reading carries the same id either way.</param>
/// <param name="MeasuredAt">Event time (UTC) at the <b>end</b> of the measuring interval: the reading covers
/// [MeasuredAt − duration, MeasuredAt).</param>
/// <param name="Laeq">Equivalent continuous A-weighted level over the interval, dB(A).</param>
/// <param name="Lamax">Maximum A-weighted level in the interval, dB(A), when the sensor reports it.</param>
/// <param name="DurationSeconds">Length of the measuring interval when stated; otherwise the sensor's interval, else 1
/// s.</param>
[System.Text.Json.Serialization.JsonConverter(typeof(SensorReadingJsonConverter))]
public sealed record SensorReading(
    string ReadingId,
    DateTimeOffset MeasuredAt,
    double Laeq,
    double? Lamax,
    double? DurationSeconds);

/// <summary>
/// One reading accepted by an Ingest of the previous release (one message per reading). Still consumed for one
/// release, since queues may hold some after an upgrade; nothing publishes it any more.
/// </summary>
public sealed record ReadingReceived(
    string ReadingId,
    string SensorId,
    Zone Zone,
    GeoLocation Location,
    DateTimeOffset MeasuredAt,
    double Laeq,
    double? Lamax,
    double? DurationSeconds,
    DateTimeOffset ReceivedAt) : IMessage, ISensorMessage
{
    /// <inheritdoc />
    public static string MessageType => "nop.reading-received.v1";
}
