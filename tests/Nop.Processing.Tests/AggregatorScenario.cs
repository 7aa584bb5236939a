using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Nop.Contracts;
using Nop.Processing.Aggregation;

namespace Nop.Processing.Tests;

/// <summary>A <see cref="PartitionAggregator"/> on a fake clock, collecting what it emits.</summary>
internal sealed class AggregatorScenario
{
    public static readonly DateTimeOffset Noon = At("2026-01-05T12:00:00Z");

    public AggregatorScenario(Action<ProcessingOptions>? configure = null)
    {
        configure?.Invoke(Options);
        Aggregator = new PartitionAggregator(Options, Clock);
    }

    public ProcessingOptions Options { get; } = new();

    public FakeTimeProvider Clock { get; } = new(At("2026-01-05T12:30:00Z"));

    public PartitionAggregator Aggregator { get; }

    public List<AggregatorOutput> Outputs { get; } = [];

    public IEnumerable<NoiseLevelMeasured> Levels => Outputs.Select(o => o.Message).OfType<NoiseLevelMeasured>();

    public IEnumerable<NoiseThresholdExceeded> Exceeded => Outputs.Select(o => o.Message).OfType<NoiseThresholdExceeded>();

    public IEnumerable<NoiseThresholdCleared> Cleared => Outputs.Select(o => o.Message).OfType<NoiseThresholdCleared>();

    public IEnumerable<SensorFaultDetected> Faults => Outputs.Select(o => o.Message).OfType<SensorFaultDetected>();

    public static DateTimeOffset At(string time) => DateTimeOffset.Parse(time, CultureInfo.InvariantCulture);

    public static ReadingReceived Reading(string sensorId, DateTimeOffset measuredAt, double laeq, string? id = null, double? lamax = null,
        Zone zone = Zone.Residential, double? duration = null) =>
        new(id ?? Guid.NewGuid().ToString(), sensorId, zone, new GeoLocation(52.37, 4.89), measuredAt, laeq, lamax, duration, measuredAt);

    public ReadingOutcome Send(ReadingReceived reading) => Aggregator.Accept(reading, "corr-" + reading.ReadingId, Outputs);

    public ReadingOutcome Send(string sensorId, DateTimeOffset measuredAt, double laeq, string? id = null, double? lamax = null, Zone zone = Zone.Residential) =>
        Send(Reading(sensorId, measuredAt, laeq, id, lamax, zone));

    /// <summary>One reading in the middle of each consecutive minute from <paramref name="first"/>, then one that closes them all.</summary>
    public void Windows(string sensorId, DateTimeOffset first, params double[] levels)
    {
        for (var i = 0; i < levels.Length; i++)
        {
            Send(sensorId, first.AddMinutes(i).AddSeconds(30), levels[i]);
        }
    }

    public void CloseAll(string sensorId, DateTimeOffset after) => Send(sensorId, after.AddHours(1), 40);

    public void Tick() => Aggregator.Tick(Outputs);
}
