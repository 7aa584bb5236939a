using Nop.Simulator.Generation;

namespace Nop.Simulator;

// What to simulate (the command line, parsed).
public sealed record SimulatorSettings
{
    // Ingest's base address.
    public Uri Url { get; init; } = new("http://127.0.0.1:5080");

    // The sensor catalogue to take sensors (and, through the dev-key convention, keys) from.
    public string CatalogPath { get; init; } = "deploy/sensors.dev.json";

    // Optional JSON object {"sensor-id": "api-key"} for sensors whose key is not dev-key-<id>.
    public string? KeysPath { get; init; }

    // How many sensors to simulate (spread over the catalogue); all when null.
    public int? Sensors { get; init; }

    // Readings per second per sensor, in event time; each reading lasts 1/rate seconds (default: 1 s levels).
    public double Rate { get; init; } = 1;

    // How often each sensor posts the readings it measured since its last packet (real sensors: a minute).
    public TimeSpan PacketInterval { get; init; } = TimeSpan.FromMinutes(1);

    // Every sensor posts a packet at once, with the last packet interval of levels, then goes on at its own point of
    // each interval: for a quick look after ./nop up, instead of waiting up to a packet interval.
    public bool FirstPacketNow { get; init; }

    public Profile Profile { get; init; } = Profile.Mixed;

    // Stop generating after this much wall time; run until stopped when null (and no Count).
    public TimeSpan? Duration { get; init; }

    // Stop after this many readings in all.
    public long? Count { get; init; }

    public int Seed { get; init; }

    // Event time of the first readings; now when null.
    public DateTimeOffset? EventTimeFrom { get; init; }

    // How much faster than the wall clock event time runs until it catches up with now (then 1).
    public double Speed { get; init; } = 1;

    // Fill this much time before now first: event time starts at now − Backfill and every packet already due is
    // posted at once, as fast as Ingest takes them (EventTimeFrom and Speed do not apply); then the run goes on live.
    // Ingest refuses readings older than its Ingest:MaxReadingAge (24 h by default), so stay below it.
    public TimeSpan? Backfill { get; init; }

    // Readings per request at most (Ingest takes up to 1,000); a larger packet goes in several requests.
    public int BatchSize { get; init; } = 1000;

    // Requests in flight at most.
    public int Concurrency { get; init; } = 32;

    // After stopping, how long unconfirmed batches keep being retried before the simulator gives up on them.
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    // Print a progress line this often.
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);
}
