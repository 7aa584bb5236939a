using System.ComponentModel.DataAnnotations;

namespace Nop.Ingest;

/// <summary>Ingest's settings (section <c>Ingest</c>).</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>The sensor catalogue: an absolute path, or one relative to the content root or any folder above it.</summary>
    [Required]
    public string CatalogPath { get; set; } = "deploy/sensors.dev.json";

    /// <summary>Readings per request at most (docs/architecture.md §2: 1,000).</summary>
    [Range(1, 100_000)]
    public int MaxBatchSize { get; set; } = 1000;

    /// <summary>Request body size limit; larger bodies get 413.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>How far ahead of Ingest's clock a <c>measuredAt</c> may be (sensor clocks drift).</summary>
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How old a <c>measuredAt</c> may be (sensors buffer readings while offline).</summary>
    public TimeSpan MaxReadingAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>The <c>Retry-After</c> of a 503 when the broker cannot confirm.</summary>
    [Range(1, 3600)]
    public int UnavailableRetryAfterSeconds { get; set; } = 5;

    /// <summary>Requests per API key (so per sensor, for single-sensor keys).</summary>
    public RateLimitSettings RateLimit { get; set; } = new();

    public sealed class RateLimitSettings
    {
        /// <summary>Requests a key may make per second, sustained.</summary>
        [Range(1, 100_000)]
        public int RequestsPerSecond { get; set; } = 20;

        /// <summary>Requests a key may make at once after being idle (token bucket size).</summary>
        [Range(1, 100_000)]
        public int Burst { get; set; } = 40;

        /// <summary>Requests per second shared by all callers without a valid key (they only ever get a 401).</summary>
        [Range(1, 1_000_000)]
        public int AnonymousRequestsPerSecond { get; set; } = 200;
    }
}
