using static Nop.Processing.Tests.AggregatorScenario;

namespace Nop.Processing.Tests;

/// <summary>Memory per open sensor-window: bounded aggregates, plus 8 bytes per reading id in its window's list (and,
/// in a window of more than 64 readings, 8 per slot of its table: 1⅓ to 2⅔ slots per id), for the open window and
/// every closed one within the duplicate horizon.</summary>
[Trait("Category", "Unit")]
public sealed class EstimatedBytesTests
{
    [Fact]
    public void An_open_window_of_60_readings_costs_about_2_KB_and_only_its_id_hashes_grow_with_readings()
    {
        var s = new AggregatorScenario();
        s.Send("s1", [.. Enumerable.Range(1, 60)
            .Select(i => Reading(Noon.AddSeconds(i / 2.0), 50 + (i % 20), duration: 0.5))]);
        var sixty = s.Aggregator.EstimatedBytes();
        s.Send("s1", [.. Enumerable.Range(61, 60)
            .Select(i => Reading(Noon.AddSeconds(i / 2.0), 50 + (i % 20), duration: 0.5))]);
        var hundredTwenty = s.Aggregator.EstimatedBytes();

        sixty.ShouldBeInRange(1_500, 3_000);
        // 60 more ids at 8 bytes in the list (its capacity at most doubled), and the table a window of more than 64
        // gets: 120 ids at 1⅓ to 2⅔ slots of 8 bytes; the 20 level classes are already there.
        (hundredTwenty - sixty).ShouldBeInRange((60 * 8) + (120 * 8 * 4 / 3), (120 * 8) + (120 * 8 * 8 / 3));
    }

    [Fact]
    public void A_sensor_reporting_every_second_costs_about_15_KB_per_open_window_with_the_default_20_min_horizon()
    {
        var s = new AggregatorScenario();
        for (var minute = 0; minute < 40; minute++)
        {
            s.Send("s1", [.. Enumerable.Range(1, 60)
                .Select(i => Reading(Noon.AddMinutes(minute).AddSeconds(i), 50 + (i % 20)))]);
        }

        // Watermark 12:39:50: the 20 closed windows ending after 12:19:50 keep their ids, with the open one 1,260
        // hashes × 8 B ≈ 10 KB, plus the lists' spare capacity and the open window's aggregates: bounded by the
        // horizon, not by the sensor's history.
        s.Aggregator.Sensors["s1"].RecentlyClosed.Count.ShouldBe(20);
        s.Aggregator.EstimatedBytes().ShouldBeInRange(10_000, 30_000);
    }
}
