using Nop.Contracts;
using Nop.Processing.Aggregation;
using static Nop.Processing.Tests.AggregatorScenario;

namespace Nop.Processing.Tests;

/// <summary>
/// A checkpoint of the previous version (per-sensor JSON and a row per reading) loads into the new engine.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LegacyCheckpointTests
{
    // Written by the previous version's SensorStateJson.Serialize (readings stored apart as window_readings rows).
    private const string State = """
        {"sensorId":"vie-001","zone":"commercial",
         "windows":[{"start":"2026-01-05T12:01:00+00:00","correlationId":"corr-7"}],
         "closedUntil":"2026-01-05T12:01:00+00:00","maxEventTime":"2026-01-05T12:01:20+00:00","pendingLate":1,
         "recentlyClosed":[{"end":"2026-01-05T12:01:00+00:00"}],"levelRule":{"above":2,"below":0,"open":false},
         "spikeRateRule":{"above":0,"below":1,"open":true},"lastLaeq":62.5,"repeatCount":2,"stuckReported":false,
         "offlineReported":false}
        """;

    // The same state as an even older version wrote it: readings inline, no rows.
    private const string InlineState = """
        {"sensorId":"vie-001","zone":"commercial",
         "windows":[{"start":"2026-01-05T12:01:00+00:00","correlationId":"corr-7",
           "readings":[{"id":"r7","laeq":60,"lamax":70,"duration":null},
                       {"id":"r8","laeq":70,"lamax":null,"duration":2}]}],
         "closedUntil":"2026-01-05T12:01:00+00:00",
         "maxEventTime":"2026-01-05T12:01:20+00:00","pendingLate":1,
         "recentlyClosed":[{"end":"2026-01-05T12:01:00+00:00","ids":["r1"]}],
         "levelRule":{"above":2,"below":0,"open":false},"spikeRateRule":{"above":0,"below":1,"open":true},
         "lastLaeq":62.5,"repeatCount":2,"stuckReported":false,"offlineReported":false}
        """;

    private static readonly LegacyReading[] Rows =
    [
        new("r1", Noon, 0, null, null),                    // a closed window's row: only its id matters
        new("r7", Noon.AddMinutes(1), 60, 70, null),       // 1 s (the old default)
        new("r8", Noon.AddMinutes(1), 70, null, 2),
    ];

    [Fact]
    public void The_previous_versions_state_and_rows_become_an_aggregate_with_the_same_windows()
    {
        var sensor = LegacyCheckpoint.Convert(State, Rows, new ProcessingOptions());

        (sensor.SensorId, sensor.Zone, sensor.ClosedUntil, sensor.MaxEventTime, sensor.PendingLate)
            .ShouldBe(("vie-001", Zone.Commercial, Noon.AddMinutes(1), Noon.AddSeconds(80), 1));
        (sensor.LevelRule.Above, sensor.SpikeRateRule.Below, sensor.SpikeRateRule.Open).ShouldBe((2, 1, true));
        (sensor.LastLaeq, sensor.RepeatCount).ShouldBe((62.5, 2));
        var window = sensor.Windows.ShouldHaveSingleItem();
        (window.Start, window.CorrelationId, window.Energy, window.Seconds, window.Count, window.Lamax)
            .ShouldBe((Noon.AddMinutes(1), "corr-7", 2.1e7, 3.0, 2, 70.0)); // 1 s·10^6 + 2 s·10^7
        window.Distribution.Classes.OrderBy(c => c.Key).ShouldBe([new(600, 1.0), new(700, 2.0)]);
        window.Ids.Hashes.ShouldBe([ReadingIdHash.Of("r7"), ReadingIdHash.Of("r8")]);
        var closed = sensor.RecentlyClosed.ShouldHaveSingleItem();
        (closed.Start, closed.End).ShouldBe((Noon, Noon.AddMinutes(1)));
        closed.Ids.Hashes.ShouldBe([ReadingIdHash.Of("r1")]);
    }

    [Fact]
    public void A_state_with_its_readings_inline_converts_to_the_same_aggregate()
    {
        var fromRows = LegacyCheckpoint.Convert(State, Rows, new ProcessingOptions());

        var inline = LegacyCheckpoint.Convert(InlineState, [], new ProcessingOptions());

        SensorAggregateCodecTests.ShouldEqual(inline, fromRows, persisted: false); // the next checkpoint writes them
    }

    [Fact]
    public void A_converted_sensor_continues_its_window_duplicates_and_rule_runs_in_the_new_engine()
    {
        var s = new AggregatorScenario();
        s.Aggregator.Load([LegacyCheckpoint.Convert(State, Rows, s.Options)]);

        s.Send("vie-001", Noon.AddSeconds(50), 90, id: "r1", zone: Zone.Commercial).Duplicates.ShouldBe(1);
        s.Send("vie-001", Noon.AddSeconds(100), 70, id: "r9", zone: Zone.Commercial).Counted.ShouldBe(1);
        s.Send("vie-001", Noon.AddSeconds(150), 50, zone: Zone.Commercial);

        var level = s.Levels.ShouldHaveSingleItem();
        (level.WindowStart, level.Count, level.LateCount, level.Laeq, level.Coverage)
            .ShouldBe((Noon.AddMinutes(1), 3, 1, 68.89, 4.0 / 60)); // 10·lg((2.1·10^7 + 10^7) / 4)
        s.Exceeded.ShouldHaveSingleItem().ConsecutiveWindows.ShouldBe(3, "two above before the upgrade, 65 dB by day");
    }
}
