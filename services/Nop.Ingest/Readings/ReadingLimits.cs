namespace Nop.Ingest.Readings;

// What Ingest accepts in a reading, in one place: ReadingParser enforces these and the OpenAPI schema publishes them
// (ReadingSchemaTransformer), so the two cannot drift apart. The batch size and the measuredAt window are settings
// (IngestOptions).
public static class ReadingLimits
{
    // Lower-case letters, digits and hyphens, 1–64 characters, not starting with a hyphen.
    public const string SensorIdPattern = "^[a-z0-9][a-z0-9-]{0,63}$";
    public const int SensorIdMaxLength = 64;

    // A sensor's idempotency key: 1–128 characters, starting with a letter or digit.
    public const string ReadingIdPattern = "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$";
    public const int ReadingIdMaxLength = 128;

    // ISO 8601 with an explicit UTC offset: without one a time would be read in whatever zone Ingest runs in.
    public const string MeasuredAtPattern =
        @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$";

    // Levels in dB: 194 dB is the loudest undistorted sound in air.
    public const double MinLevel = 0;
    public const double MaxLevel = 194;

    // A reading's duration: more than 0, at most a day.
    public const double MaxDurationSeconds = 86_400;
}
