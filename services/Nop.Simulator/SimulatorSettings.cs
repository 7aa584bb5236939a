using Nop.Simulator.Generation;

namespace Nop.Simulator;

/// <summary>What to simulate (the command line, parsed).</summary>
public sealed record SimulatorSettings
{
    /// <summary>Ingest's base address.</summary>
    public Uri Url { get; init; } = new("http://127.0.0.1:5080");

    /// <summary>The sensor catalogue to take sensors (and, through the dev-key convention, keys) from.</summary>
    public string CatalogPath { get; init; } = "deploy/sensors.dev.json";

    /// <summary>Optional JSON object <c>{"sensor-id": "api-key"}</c> for sensors whose key is not <c>dev-key-&lt;id&gt;</c>.</summary>
    public string? KeysPath { get; init; }

    /// <summary>How many sensors to simulate (spread over the catalogue); all when null.</summary>
    public int? Sensors { get; init; }

    /// <summary>Readings per second per sensor, in event time; each reading lasts 1/rate seconds (default: 1 s levels).</summary>
    public double Rate { get; init; } = 1;

    /// <summary>How often each sensor posts the readings it measured since its last packet (real sensors: a minute).</summary>
    public TimeSpan PacketInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Every sensor posts a packet at once, with the last packet interval of levels, then goes on at its own point of
    /// each interval: for a quick look after <c>./nop up</c>, instead of waiting up to a packet interval.
    /// </summary>
    public bool FirstPacketNow { get; init; }

    public Profile Profile { get; init; } = Profile.Mixed;

    /// <summary>Stop generating after this much wall time; run until stopped when null (and no <see cref="Count"/>).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Stop after this many readings in all.</summary>
    public long? Count { get; init; }

    public int Seed { get; init; }

    /// <summary>Event time of the first readings; now when null.</summary>
    public DateTimeOffset? EventTimeFrom { get; init; }

    /// <summary>How much faster than the wall clock event time runs until it catches up with now (then 1).</summary>
    public double Speed { get; init; } = 1;

    /// <summary>Readings per request at most (Ingest takes up to 1,000); a larger packet goes in several requests.</summary>
    public int BatchSize { get; init; } = 1000;

    /// <summary>Requests in flight at most.</summary>
    public int Concurrency { get; init; } = 32;

    /// <summary>After stopping, how long unconfirmed batches keep being retried before the simulator gives up on them.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Print a progress line this often.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);
}
