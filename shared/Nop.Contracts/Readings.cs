namespace Nop.Contracts;

/// <summary>Where a sensor stands (WGS 84).</summary>
public sealed record GeoLocation(double Lat, double Lon);

/// <summary>
/// A reading accepted by Ingest. A complete event: it carries the sensor's zone and location from the catalogue,
/// so no consumer needs a look-up. Routing key <c>reading.&lt;sensorId&gt;</c> on <c>nop.readings</c>.
/// </summary>
/// <param name="ReadingId">Client-chosen idempotency key, or one assigned by Ingest.</param>
/// <param name="MeasuredAt">Event time (UTC) at the end of the sensor's measuring interval.</param>
/// <param name="Laeq">Equivalent continuous A-weighted level over the interval, dB(A).</param>
/// <param name="Lamax">Maximum A-weighted level in the interval, dB(A), when the sensor reports it.</param>
/// <param name="DurationSeconds">Length of the measuring interval when stated; readings without one weigh the same.</param>
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
