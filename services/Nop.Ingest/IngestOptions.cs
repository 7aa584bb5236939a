using System.ComponentModel.DataAnnotations;

namespace Nop.Ingest;

// Ingest's settings (section Ingest).
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    // The sensor catalogue: an absolute path, or one relative to the content root or any folder above it. No default:
    // appsettings.Development.json names the development catalogue, anything else must name its own (checked in
    // AddIngest with a message saying so).
    public string CatalogPath { get; set; } = "";

    // Readings per request at most (docs/architecture.md §2: 1,000).
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 1000;

    // Request body size limit; larger bodies get 413.
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    // How far ahead of Ingest's clock a measuredAt may be (sensor clocks drift).
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    // How old a measuredAt may be (sensors buffer readings while offline).
    public TimeSpan MaxReadingAge { get; set; } = TimeSpan.FromHours(24);

    // The Retry-After of a 503 when the broker cannot confirm.
    [Range(1, 3600)]
    public int UnavailableRetryAfterSeconds { get; set; } = 5;

    // Requests per API key (so per sensor, for single-sensor keys).
    public RateLimitSettings RateLimit { get; set; } = new();

    public sealed class RateLimitSettings
    {
        // Requests a key may make per second, sustained.
        [Range(1, 100_000)]
        public int RequestsPerSecond { get; set; } = 20;

        // Requests a key may make at once after being idle (token bucket size).
        [Range(1, 100_000)]
        public int Burst { get; set; } = 40;

        // Requests per second shared by all callers without a valid key (they only ever get a 401).
        [Range(1, 1_000_000)]
        public int AnonymousRequestsPerSecond { get; set; } = 200;
    }
}
