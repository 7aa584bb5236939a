using Nop.Contracts;
using Nop.Processing.Aggregation;

namespace Nop.Processing.Tests;

/// <summary>A checkpoint's windows become a partition's NoiseLevelsMeasured; its other events stay as they are.</summary>
public sealed class LevelBatchesTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Windows_are_combined_in_order_where_the_first_was_and_other_events_keep_their_place()
    {
        var fault = new AggregatorOutput("s2", RoutingKeys.SensorFault("s2"), "fault-id", "c-fault",
            new SensorFaultDetected("s2", Zone.Residential, SensorFault.Stuck, "stuck", Start, Start));
        AggregatorOutput[] outputs = [Window("s1", 0, "c-1"), fault, Window("s2", 0, "c-2"), Window("s1", 1, "c-3")];

        var combined = LevelBatches.Combine(3, outputs);

        combined.Count.ShouldBe(2);
        var levels = combined[0];
        levels.RoutingKey.ShouldBe("noise.levels.3");
        levels.SensorId.ShouldBe("levels.3", "one relay key per partition keeps its messages in order");
        levels.CorrelationId.ShouldBe("c-1");
        ((NoiseLevelsMeasured)levels.Message).Windows.Select(w => (w.SensorId, w.WindowStart.Minute))
            .ShouldBe([("s1", 0), ("s2", 0), ("s1", 1)]);
        combined[1].ShouldBeSameAs(fault);
    }

    [Fact]
    public void A_message_holds_at_most_MaxWindows_and_its_id_follows_from_its_windows()
    {
        var outputs = Enumerable.Range(0, LevelBatches.MaxWindows + 1).Select(i => Window("s" + i, 0, null)).ToList();

        var combined = LevelBatches.Combine(0, outputs);
        var again = LevelBatches.Combine(0, outputs);
        var other = LevelBatches.Combine(0, [.. outputs.Take(LevelBatches.MaxWindows), Window("x", 0, null)]);

        combined.Select(o => ((NoiseLevelsMeasured)o.Message).Windows.Count).ShouldBe([LevelBatches.MaxWindows, 1]);
        combined.SelectMany(o => ((NoiseLevelsMeasured)o.Message).Windows).Select(w => w.SensorId)
            .ShouldBe(outputs.Select(o => ((NoiseLevelMeasured)o.Message).SensorId));
        again.Select(o => o.MessageId).ShouldBe(combined.Select(o => o.MessageId), "sent again, recognised");
        combined[0].MessageId.ShouldNotBe(combined[1].MessageId);
        other[0].MessageId.ShouldBe(combined[0].MessageId);
        other[1].MessageId.ShouldNotBe(combined[1].MessageId, "other windows, another message");
    }

    [Fact]
    public void A_checkpoint_without_windows_is_left_as_it_is()
    {
        LevelBatches.Combine(1, []).ShouldBeEmpty();
    }

    private static AggregatorOutput Window(string sensor, int minute, string? correlationId)
    {
        var start = Start.AddMinutes(minute);
        var window = new NoiseLevelMeasured(sensor, Zone.Residential, start, start.AddMinutes(1), 60, 70, 65, 55, 60, 0,
            0, DayPeriod.Night, 55, 58, 1, new Dictionary<int, double> { [600] = 60 });
        return new AggregatorOutput(sensor, RoutingKeys.Level(sensor), $"{sensor}-{minute}", correlationId, window);
    }
}
