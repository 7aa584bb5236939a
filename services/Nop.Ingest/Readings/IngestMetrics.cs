using System.Diagnostics.Metrics;

namespace Nop.Ingest.Readings;

// Ingest's instruments (meter Nop.Ingest, served on /metrics by the service defaults). They count readings, not
// requests: a batch of 100 refused for one bad field is 100 readings refused. A request refused before its body is
// read (401, 413, 415, 429) or whose body is not readings at all counts as one reading: the number it carried is
// unknown, and an operator watching for refusals must still see it.
public sealed class IngestMetrics
{
    public const string MeterName = "Nop.Ingest";

    // The values of the reason attribute, one per way Ingest refuses readings. There is no "duplicate": a re-posted
    // reading is accepted and Processing drops the copy by its reading id; two copies in one request are a
    // validation error.
    public static class Reasons
    {
        public const string Validation = "validation"; // 400: the body is not valid readings
        public const string UnknownSensor = "unknown_sensor"; // 403: the key owns no such sensor in the catalogue
        public const string Unauthorized = "unauthorized"; // 401: no API key, or not a valid one
        public const string TooLarge = "too_large"; // 413: the body is over Ingest:MaxBodyBytes
        // 415: no Content-Type. A wrong one is refused by routing (the endpoint accepts only application/json)
        // before this code runs: that shows only in http.server.request.duration.
        public const string UnsupportedMediaType = "unsupported_media_type";
        public const string RateLimited = "rate_limited"; // 429: the key's token bucket is empty
        public const string Unavailable = "unavailable"; // 503: the broker is unreachable or did not confirm
    }

    private readonly Counter<long> _accepted;
    private readonly Counter<long> _refused;

    public IngestMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        // "{reading}": an annotation unit, as the OpenTelemetry semantic conventions write counts of things
        // (https://opentelemetry.io/docs/specs/semconv/general/metrics/#instrument-units); Prometheus drops it.
        _accepted = meter.CreateCounter<long>("nop.ingest.readings.accepted", "{reading}",
            "Readings answered 202: the broker confirmed every message that carries them.");
        _refused = meter.CreateCounter<long>("nop.ingest.readings.refused", "{reading}",
            "Readings refused, by reason; a request refused before its body is read counts as one.");
    }

    public void Accepted(int readings) => _accepted.Add(readings);

    public void Refused(string reason, int readings = 1) =>
        _refused.Add(readings, new KeyValuePair<string, object?>("reason", reason));
}
