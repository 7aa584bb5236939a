namespace Nop.Ingest.Readings;

/// <summary>One reading as a sensor posts it (documentation of the request body; parsing is <see cref="ReadingParser"/>'s).</summary>
/// <param name="SensorId">The sensor, <c>^[a-z0-9][a-z0-9-]{0,63}$</c>; the API key must own it.</param>
/// <param name="ReadingId">The sensor's idempotency key for this reading (1–128 of <c>[A-Za-z0-9._:-]</c>): a retried
/// reading with the same id is counted once downstream. Without one, Ingest derives the id from <paramref name="MeasuredAt"/>
/// (the UTC instant as <c>2026-11-23T10:15:30.0000000Z</c>), so a re-post of the same reading is still recognised; two
/// readings of one sensor in one request with the same <paramref name="MeasuredAt"/> and no id are refused (400).</param>
/// <param name="MeasuredAt">Event time with a UTC offset (ISO 8601), at most 5 minutes ahead and 24 hours behind Ingest's clock.</param>
/// <param name="Laeq">A-weighted equivalent level over the interval, dB(A), finite, in [0, 194].</param>
/// <param name="Lamax">Maximum A-weighted level in the interval, dB(A), in [0, 194] and not below <paramref name="Laeq"/>.</param>
/// <param name="DurationSeconds">Length of the measuring interval in seconds, (0, 86400]; readings without one weigh the same.</param>
public sealed record ReadingRequest(
    string SensorId,
    DateTimeOffset MeasuredAt,
    double Laeq,
    string? ReadingId = null,
    double? Lamax = null,
    double? DurationSeconds = null);

/// <summary>A batch of readings, accepted or refused whole.</summary>
/// <param name="Readings">1 to 1,000 readings.</param>
public sealed record ReadingBatchRequest(IReadOnlyList<ReadingRequest> Readings);

/// <summary>The answer to an accepted post: every reading is confirmed by the broker.</summary>
/// <param name="Accepted">How many readings were published.</param>
/// <param name="CorrelationId">The request's correlation id, carried by every published event.</param>
public sealed record ReadingsAccepted(int Accepted, string CorrelationId);

/// <summary>A validated reading.</summary>
/// <param name="ReadingId">The client's id, or the one derived from <paramref name="MeasuredAt"/>.</param>
/// <param name="IdDerived">True when Ingest derived <paramref name="ReadingId"/> (the client sent none).</param>
public sealed record ParsedReading(string SensorId, string ReadingId, bool IdDerived, DateTimeOffset MeasuredAt, double Laeq,
    double? Lamax, double? DurationSeconds);
