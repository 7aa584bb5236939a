namespace Nop.Ingest.Readings;

// The request and answer types document the HTTP API: their XML comments become the descriptions of the OpenAPI
// schemas, and ReadingSchemaTransformer adds the limits (ReadingLimits, IngestOptions). Parsing is ReadingParser's.

/// <summary>One reading as a sensor posts it.</summary>
/// <param name="SensorId">The sensor; the API key must own it.</param>
/// <param name="ReadingId">The sensor's idempotency key for this reading: a retried reading with the same id is
/// counted once downstream. Without one, Ingest derives the id from <paramref name="MeasuredAt"/> (the UTC instant as
/// <c>2026-11-23T10:15:30.0000000Z</c>), so a re-post of the same reading is still recognised; two readings of one
/// sensor in one request with the same <paramref name="MeasuredAt"/> and no id are refused (400).</param>
/// <param name="MeasuredAt">Event time with a UTC offset (ISO 8601).</param>
/// <param name="Laeq">A-weighted equivalent level over the interval, dB(A).</param>
/// <param name="Lamax">Maximum A-weighted level in the interval, dB(A), not below <paramref name="Laeq"/>.</param>
/// <param name="DurationSeconds">Length of the measuring interval in seconds; readings without one weigh the
/// same.</param>
public sealed record ReadingRequest(
    string SensorId,
    DateTimeOffset MeasuredAt,
    double Laeq,
    string? ReadingId = null,
    double? Lamax = null,
    double? DurationSeconds = null);

/// <summary>A batch of readings, accepted or refused whole.</summary>
/// <param name="Readings">The readings.</param>
public sealed record ReadingBatchRequest(IReadOnlyList<ReadingRequest> Readings);

/// <summary>The answer to an accepted post: every reading is confirmed by the broker.</summary>
/// <param name="Accepted">How many readings were published.</param>
/// <param name="CorrelationId">The request's correlation id, carried by every published event.</param>
public sealed record ReadingsAccepted(int Accepted, string CorrelationId);

// A validated reading: ReadingId is the client's id, or the one derived from MeasuredAt (then IdDerived is true).
public sealed record ParsedReading(string SensorId, string ReadingId, bool IdDerived, DateTimeOffset MeasuredAt,
    double Laeq, double? Lamax, double? DurationSeconds);
