using Nop.Processing.Aggregation;
using static Nop.Processing.Tests.AggregatorScenario;

namespace Nop.Processing.Tests;

/// <summary>The binary checkpoint: a snapshot and the deltas after it restore the live state exactly.</summary>
[Trait("Category", "Unit")]
public sealed class SensorAggregateCodecTests
{
    [Fact]
    public void A_snapshot_and_the_deltas_after_it_applied_in_order_equal_the_live_state_field_by_field()
    {
        var live = new AggregatorScenario();
        var restored = new Dictionary<string, SensorAggregate>();
        for (var step = 0; step < 40; step++)
        {
            foreach (var sensor in new[] { "a", "b", "c" })
            {
                // 20 s batches with a late reading and a duplicate now and then, over several windows.
                var batch = Enumerable.Range(0, 20).Select(i => Reading(Noon.AddSeconds((step * 20) + i + 1),
                    40 + ((step + i) % 17) + (sensor[0] - 'a'), id: $"{sensor}-{step}-{i}", lamax: i == 3 ? 101 : null))
                        .ToList();
                if (step % 7 == 6)
                {
                    batch.Add(Reading(Noon.AddSeconds((step * 20) - 100), 70, id: $"{sensor}-late-{step}"));
                    batch.Add(batch[0]);
                }
                live.Send(sensor, batch);
            }
            if (step == 5)
            {
                restored.Clear();
                SensorAggregateCodec.Apply(SensorAggregateCodec.Snapshot(live.Aggregator.Sensors.Values), restored);
                live.Aggregator.ClearChanges();
            }
            else if (step > 5 && step % 3 == 0)
            {
                SensorAggregateCodec.Apply(SensorAggregateCodec.Delta(live.Aggregator.Changed), restored);
                live.Aggregator.ClearChanges();
            }
        }
        SensorAggregateCodec.Apply(SensorAggregateCodec.Delta(live.Aggregator.Changed), restored);
        live.Aggregator.ClearChanges();

        live.Levels.Count().ShouldBeGreaterThan(30);
        restored.Keys.Order().ShouldBe(["a", "b", "c"]);
        foreach (var (id, expected) in live.Aggregator.Sensors)
        {
            ShouldEqual(restored[id], expected);
        }
    }

    [Fact]
    public void A_restored_partition_continues_with_the_same_events_as_the_live_one()
    {
        var live = new AggregatorScenario();
        for (var i = 0; i < 100; i++)
        {
            live.Send("s1", Noon.AddSeconds(i * 7), 40 + (i % 13), id: $"r{i}");
        }
        var restored = new Dictionary<string, SensorAggregate>();
        SensorAggregateCodec.Apply(SensorAggregateCodec.Snapshot(live.Aggregator.Sensors.Values), restored);
        var again = new AggregatorScenario();
        again.Aggregator.Load(restored.Values);
        var before = live.Outputs.Count;

        for (var i = 95; i < 200; i++) // 95..99 again: redelivered after the "crash"
        {
            live.Send("s1", Noon.AddSeconds(i * 7), 40 + (i % 13), id: $"r{i}");
            again.Send("s1", Noon.AddSeconds(i * 7), 40 + (i % 13), id: $"r{i}");
        }

        again.Outputs.Count.ShouldBeGreaterThan(10);
        again.Outputs.Select(o => o.MessageId).ShouldBe(live.Outputs.Skip(before).Select(o => o.MessageId));
        again.Levels.ShouldBe(live.Levels.Skip(live.Levels.Count() - again.Levels.Count()), new LevelComparer());
    }

    [Fact]
    public void A_delta_grows_by_8_bytes_per_new_reading_and_not_with_the_sensors_history()
    {
        var s = new AggregatorScenario();
        var at = 1;
        byte[] DeltaAfter(int readings)
        {
            s.Send("s1", [.. Enumerable.Range(0, readings)
                .Select(_ => Reading(Noon.AddSeconds(at++ / 100.0), 55, duration: 0.01))]);
            var delta = SensorAggregateCodec.Delta(s.Aggregator.Changed);
            s.Aggregator.ClearChanges();
            return delta;
        }

        var one = DeltaAfter(1).Length;
        var eleven = DeltaAfter(11).Length;
        DeltaAfter(2000);
        var oneLater = DeltaAfter(1).Length;

        (eleven - one).ShouldBe(80);
        oneLater.ShouldBe(one, "2,000 readings of the same window already checkpointed are not written again");
        s.Aggregator.Sensors["s1"].Windows.ShouldHaveSingleItem().Count.ShouldBe(2013);
    }

    [Fact]
    public void A_delta_that_does_not_follow_the_state_it_is_applied_to_is_rejected()
    {
        var s = new AggregatorScenario();
        s.Send("s1", Noon.AddSeconds(1), 50);
        s.Aggregator.ClearChanges();
        s.Send("s1", Noon.AddSeconds(2), 50);

        var delta = SensorAggregateCodec.Delta(s.Aggregator.Changed);

        Should.Throw<InvalidDataException>(() =>
            SensorAggregateCodec.Apply(delta, new Dictionary<string, SensorAggregate>()));
        Should.Throw<InvalidDataException>(() =>
            SensorAggregateCodec.Apply(delta.AsSpan(0, delta.Length - 1), new Dictionary<string, SensorAggregate>()));
    }

    internal static void ShouldEqual(SensorAggregate actual, SensorAggregate expected, bool persisted = true)
    {
        actual.SensorId.ShouldBe(expected.SensorId);
        actual.Zone.ShouldBe(expected.Zone);
        actual.ClosedUntil.ShouldBe(expected.ClosedUntil);
        actual.MaxEventTime.ShouldBe(expected.MaxEventTime);
        actual.PendingLate.ShouldBe(expected.PendingLate);
        foreach (var (a, e) in new[] { (actual.LevelRule, expected.LevelRule),
            (actual.SpikeRateRule, expected.SpikeRateRule) })
        {
            (a.Above, a.Below, a.Open, a.LastWindowEnd).ShouldBe((e.Above, e.Below, e.Open, e.LastWindowEnd));
        }
        (actual.LastLaeq, actual.RepeatCount, actual.StuckReported, actual.OfflineReported)
            .ShouldBe((expected.LastLaeq, expected.RepeatCount, expected.StuckReported, expected.OfflineReported));
        actual.Windows.Count.ShouldBe(expected.Windows.Count);
        for (var i = 0; i < expected.Windows.Count; i++)
        {
            var (a, e) = (actual.Windows[i], expected.Windows[i]);
            (a.Start, a.CorrelationId, a.Energy, a.Seconds, a.Count, a.Lamax, a.Spikes)
                .ShouldBe((e.Start, e.CorrelationId, e.Energy, e.Seconds, e.Count, e.Lamax, e.Spikes));
            a.Distribution.Classes.OrderBy(c => c.Key).ShouldBe(e.Distribution.Classes.OrderBy(c => c.Key));
            a.Ids.Hashes.ShouldBe(e.Ids.Hashes);
            a.Ids.Persisted.ShouldBe(persisted ? a.Ids.Hashes.Count : 0);
        }
        actual.RecentlyClosed.Count.ShouldBe(expected.RecentlyClosed.Count);
        for (var i = 0; i < expected.RecentlyClosed.Count; i++)
        {
            var (a, e) = (actual.RecentlyClosed[i], expected.RecentlyClosed[i]);
            (a.Start, a.End).ShouldBe((e.Start, e.End));
            a.Ids.Hashes.ShouldBe(e.Ids.Hashes);
            a.Ids.Persisted.ShouldBe(persisted ? a.Ids.Hashes.Count : 0);
        }
    }

    // Records compare their distributions by reference; compare the published content instead.
    private sealed class LevelComparer : IEqualityComparer<Nop.Contracts.NoiseLevelMeasured>
    {
        public bool Equals(Nop.Contracts.NoiseLevelMeasured? x, Nop.Contracts.NoiseLevelMeasured? y) =>
            x is not null && y is not null
            && x with { Distribution = null } == y with { Distribution = null }
            && x.Distribution!.OrderBy(c => c.Key).SequenceEqual(y.Distribution!.OrderBy(c => c.Key));

        public int GetHashCode(Nop.Contracts.NoiseLevelMeasured obj) => obj.WindowStart.GetHashCode();
    }
}
