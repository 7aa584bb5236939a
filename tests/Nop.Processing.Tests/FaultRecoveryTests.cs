using Nop.Contracts;
using Nop.Messaging;
using Nop.Processing.Aggregation;
using Nop.Processing.Tests.Support;
using Nop.Testing;
using static Nop.Processing.Tests.AggregatorScenario;

namespace Nop.Processing.Tests;

/// <summary>A reported sensor fault ends with one <see cref="SensorFaultCleared"/> when the sensor is back.</summary>
public sealed class FaultRecoveryTests
{
    private static IEnumerable<SensorFaultCleared> Recoveries(AggregatorScenario s) =>
        s.Outputs.Select(o => o.Message).OfType<SensorFaultCleared>();

    [Fact]
    public void An_offline_sensor_is_cleared_once_by_its_next_reading()
    {
        var s = new AggregatorScenario(o => o.Rules.OfflineAfter = TimeSpan.FromMinutes(2));
        s.Send("s1", Noon.AddSeconds(10), 50);
        s.Tick(TimeSpan.FromMinutes(3));
        s.Faults.ShouldHaveSingleItem().Fault.ShouldBe(SensorFault.Offline);

        s.Send("s1", Noon.AddMinutes(4), 52, id: "back");
        s.Send("s1", Noon.AddMinutes(4).AddSeconds(1), 53);

        var cleared = Recoveries(s).ShouldHaveSingleItem("once per episode, not per reading");
        cleared.ShouldBe(new SensorFaultCleared("s1", Zone.Residential, SensorFault.Offline,
            "No longer offline: reading back of 52.0 dB(A)", s.Now, Noon.AddMinutes(4)));
        var output = s.Outputs.Single(o => o.Message is SensorFaultCleared);
        output.RoutingKey.ShouldBe("sensor.cleared.s1");
        output.MessageId.ShouldBe(DeterministicId.For(SensorFaultCleared.MessageType, "s1", "back"));
    }

    [Fact]
    public void A_stuck_sensor_is_cleared_when_its_value_changes_and_not_before()
    {
        var s = new AggregatorScenario();
        s.Send("s1", [.. Enumerable.Range(1, 12).Select(i => Reading(Noon.AddSeconds(i), 61.3))]);
        s.Faults.ShouldHaveSingleItem().Fault.ShouldBe(SensorFault.Stuck);
        Recoveries(s).ShouldBeEmpty();

        s.Send("s1", Noon.AddSeconds(13), 62);
        s.Send("s1", Noon.AddSeconds(14), 63);

        var cleared = Recoveries(s).ShouldHaveSingleItem();
        cleared.Fault.ShouldBe(SensorFault.Stuck);
        cleared.MeasuredAt.ShouldBe(Noon.AddSeconds(13));
    }

    [Fact]
    public void A_stuck_sensor_that_was_offline_is_not_cleared_while_it_resumes_with_the_stuck_value()
    {
        var s = new AggregatorScenario(o => o.Rules.OfflineAfter = TimeSpan.FromMinutes(2));
        s.Send("s1", [.. Enumerable.Range(1, 10).Select(i => Reading(Noon.AddSeconds(i), 61.3))]);
        s.Tick(TimeSpan.FromMinutes(3));
        s.Faults.Select(f => f.Fault).ShouldBe([SensorFault.Stuck, SensorFault.Offline]);

        s.Send("s1", Noon.AddMinutes(4), 61.3);
        Recoveries(s).ShouldBeEmpty("back, but still stuck: the alert must stay");

        s.Send("s1", Noon.AddMinutes(4).AddSeconds(1), 58);
        Recoveries(s).ShouldHaveSingleItem().Fault.ShouldBe(SensorFault.Stuck);
    }

    [Fact]
    public void A_late_reading_ends_an_offline_fault_at_the_sensors_newest_time_but_not_an_implausible_one()
    {
        var s = new AggregatorScenario(o => o.Rules.OfflineAfter = TimeSpan.FromMinutes(2));
        s.Send("s1", Noon.AddSeconds(10), 70, lamax: 60); // implausible
        s.Send("s1", Noon.AddSeconds(5), 50, id: "late");  // older than it: says nothing about the sensor now
        Recoveries(s).ShouldBeEmpty();
        s.Send("s1", Noon.AddSeconds(20), 50);
        Recoveries(s).ShouldHaveSingleItem().Fault.ShouldBe(SensorFault.Implausible);

        s.Tick(TimeSpan.FromMinutes(3));
        s.Faults.ShouldHaveSingleItem().Fault.ShouldBe(SensorFault.Offline); // its last reading: 12:00:20
        s.Send("s1", Noon.AddSeconds(15), 52, id: "buffered");
        Recoveries(s).Last().ShouldBe(new SensorFaultCleared("s1", Zone.Residential, SensorFault.Offline,
            "No longer offline: reading buffered of 52.0 dB(A)", s.Now, Noon.AddSeconds(20)));
    }

    [Fact]
    public void An_implausible_reading_is_cleared_by_the_next_plausible_one_also_after_a_checkpoint()
    {
        var s = new AggregatorScenario();
        s.Send("s1", Noon.AddSeconds(1), 70, lamax: 60); // LAmax below LAeq: the classifier reports it
        Recoveries(s).ShouldBeEmpty();

        // The flag survives a snapshot and a reload, as after a restart.
        var restored = new Dictionary<string, SensorAggregate>();
        SensorAggregateCodec.Apply(SensorAggregateCodec.Snapshot(s.Aggregator.Sensors.Values), restored);
        var again = new AggregatorScenario();
        again.Aggregator.Load(restored.Values);
        again.Send("s1", Noon.AddSeconds(2), 55, lamax: 60);

        Recoveries(again).ShouldHaveSingleItem().Fault.ShouldBe(SensorFault.Implausible);
    }

    [Fact]
    public async Task Recoveries_are_published_through_the_outbox_once_per_episode_and_again_only_with_the_same_id()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-recovery");
        using var folder = new TempFolder();
        var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        SensorReading R(string id, int second, double laeq, double? lamax = null) =>
            new(id, at.AddSeconds(second), laeq, lamax ?? laeq + 3, 1);

        // Stuck (the aggregator reports it) and implausible (the classifier reports it, the aggregator remembers it).
        await broker.PublishAsync([Readings.Batch("rec-stuck",
            [.. Enumerable.Range(1, 10).Select(i => R($"st-{i}", i, 61.3))]),
            Readings.Batch("rec-bad", [R("bad-1", 1, 70, lamax: 60)])]);
        await Eventually.TrueAsync(() => broker.OfType(SensorFaultDetected.MessageType).Count() == 2,
            TimeSpan.FromSeconds(60),
            "stuck and implausible are reported");

        var changed = Readings.Batch("rec-stuck", [R("st-11", 11, 64)]);
        var plausible = Readings.Batch("rec-bad", [R("bad-2", 2, 55)]);
        await broker.PublishAsync([changed, plausible, changed, plausible]); // a redelivered batch is a duplicate
        await Eventually.TrueAsync(() => broker.OfType(SensorFaultCleared.MessageType).Count() >= 2,
            TimeSpan.FromSeconds(60),
            "both recoveries are published");

        // Processing restarts on its checkpoints, and the same batches come once more, then one new reading each.
        await host.DisposeAsync();
        host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await broker.PublishAsync([changed, plausible, Readings.Batch("rec-stuck", [R("st-12", 12, 65)]),
            Readings.Batch("rec-bad", [R("bad-3", 3, 56)])]);
        bool Took(string sensor, string reading) => host.Partitions.All.Any(p =>
            p.Windows?.Sensors.TryGetValue(sensor, out var a) == true && a.Windows.Any(w => w.Ids.Contains(ReadingIdHash.Of(reading))));
        await Eventually.TrueAsync(() => Took("rec-stuck", "st-12") && Took("rec-bad", "bad-3"),
            TimeSpan.FromSeconds(60),
            "the restarted Processing took the batches after the copies");
        await host.DisposeAsync();

        var recoveries = broker.OfType(SensorFaultCleared.MessageType).ToList();
        recoveries.DistinctBy(e => e.MessageId).Select(e => e.As<SensorFaultCleared>()).OrderBy(c => c.SensorId)
            .Select(c => (c.SensorId, c.Fault, c.MeasuredAt))
            .ShouldBe([("rec-bad", SensorFault.Implausible, at.AddSeconds(2)),
                ("rec-stuck", SensorFault.Stuck, at.AddSeconds(11))]);
        recoveries.Select(e => e.RoutingKey).Distinct().Order()
            .ShouldBe(["sensor.cleared.rec-bad", "sensor.cleared.rec-stuck"]);
    }
}
