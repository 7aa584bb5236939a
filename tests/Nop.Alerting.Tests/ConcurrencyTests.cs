using Nop.Alerting.Alerts;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;

namespace Nop.Alerting.Tests;

/// <summary>
/// Two writers change one alert at once (two consumers, an operator, the sweeper): the one that saves second holds
/// a stale version and must reload and decide again, not fail. Each race is played in a fixed order by the rig.
/// </summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public async Task An_exceeded_that_loses_to_an_acknowledgement_is_decided_again_and_escalates_the_acknowledged_one()
    {
        await using var rig = await RaceRig.CreateAsync();
        await rig.DeliverAsync(Noise.Exceeded("s-1", level: 70, windowEnd: Noise.WindowEnd(1)));
        var alert = await rig.AlertAsync("s-1");

        await rig.RaceAsync(
            () => rig.DeliverAsync(Noise.Exceeded("s-1", level: 80, windowEnd: Noise.WindowEnd(2))),
            () => rig.AcknowledgeAsync(alert.Id, "ana"));

        (await rig.EventsAsync(alert.Id))
            .ShouldBe([AlertEventType.Raised, AlertEventType.Acknowledged, AlertEventType.Escalated]);
        alert = await rig.AlertAsync("s-1");
        alert.Severity.ShouldBe(AlertSeverity.Critical);
        alert.State.ShouldBe(AlertState.Open); // worse than what was acknowledged
    }

    [Fact]
    public async Task A_cleared_that_loses_to_an_acknowledgement_still_resolves_the_alert()
    {
        await using var rig = await RaceRig.CreateAsync();
        await rig.DeliverAsync(Noise.Exceeded("s-1", level: 70, windowEnd: Noise.WindowEnd(1)));
        var alert = await rig.AlertAsync("s-1");

        await rig.RaceAsync(
            () => rig.DeliverAsync(Noise.Cleared("s-1", windowEnd: Noise.WindowEnd(2))),
            () => rig.AcknowledgeAsync(alert.Id, "ana"));

        (await rig.EventsAsync(alert.Id))
            .ShouldBe([AlertEventType.Raised, AlertEventType.Acknowledged, AlertEventType.Resolved]);
        alert = await rig.AlertAsync("s-1");
        alert.State.ShouldBe(AlertState.Resolved);
        alert.AcknowledgedBy.ShouldBe("ana");
    }

    [Fact]
    public async Task An_acknowledgement_that_loses_to_a_resolve_answers_already_resolved()
    {
        await using var rig = await RaceRig.CreateAsync();
        await rig.DeliverAsync(Noise.Exceeded("s-1", level: 70, windowEnd: Noise.WindowEnd(1)));
        var alert = await rig.AlertAsync("s-1");

        var answer = await rig.RaceAsync(
            () => rig.AcknowledgeAsync(alert.Id, "ana"),
            () => rig.DeliverAsync(Noise.Cleared("s-1", windowEnd: Noise.WindowEnd(2))));

        answer.Outcome.ShouldBe(AcknowledgeOutcome.AlreadyResolved);
        answer.Alert!.State.ShouldBe(AlertState.Resolved);
        (await rig.EventsAsync(alert.Id)).ShouldBe([AlertEventType.Raised, AlertEventType.Resolved]);
    }

    [Fact]
    public async Task Two_deliveries_of_one_message_racing_change_the_alert_once()
    {
        await using var rig = await RaceRig.CreateAsync();
        var raise = Noise.Exceeded("s-1", level: 70, windowEnd: Noise.WindowEnd(1));
        // Both pass the inbox before either commits: the loser fails on the open-alert index or the inbox key.
        await rig.RaceAsync(() => rig.DeliverAsync(raise, "m-1"), () => rig.DeliverAsync(raise, "m-1"));
        var alert = await rig.AlertAsync("s-1");

        var escalate = Noise.Exceeded("s-1", level: 80, windowEnd: Noise.WindowEnd(2));
        await rig.RaceAsync(() => rig.DeliverAsync(escalate, "m-2"), () => rig.DeliverAsync(escalate, "m-2"));

        (await rig.EventsAsync(alert.Id)).ShouldBe([AlertEventType.Raised, AlertEventType.Escalated]);
        (await rig.DeliverAsync(escalate, "m-2")).ShouldBeFalse("a later redelivery is skipped by the inbox");
    }

    [Fact]
    public async Task Two_spikes_racing_to_raise_give_one_alert_and_a_recurrence()
    {
        await using var rig = await RaceRig.CreateAsync();

        await rig.RaceAsync(() => rig.DeliverAsync(Noise.Spike("s-1", level: 104)), () =>
            rig.DeliverAsync(Noise.Spike("s-1", level: 103)));

        var alert = await rig.AlertAsync("s-1", AlertRule.Spike);
        (await rig.EventsAsync(alert.Id)).ShouldBe([AlertEventType.Raised, AlertEventType.Escalated]);
        alert.Level.ShouldBe(104);
    }

    [Fact]
    public async Task A_sweep_that_meets_new_spikes_keeps_those_alerts_open_and_still_resolves_the_quiet_one()
    {
        await using var rig = await RaceRig.CreateAsync();
        string[] busy = ["s-0", "s-1", "s-2", "s-3", "s-4", "s-5"];
        foreach (var sensor in busy.Append("s-calm"))
        {
            await rig.DeliverAsync(Noise.Spike(sensor, level: 105, measuredAt: rig.Clock.GetUtcNow()));
            rig.Clock.Advance(TimeSpan.FromSeconds(1)); // the sweep takes them in this order
        }
        rig.Clock.Advance(TimeSpan.FromMinutes(11));
        rig.Markers.Consumed(rig.Clock.GetUtcNow()); // nothing newer waits in the queue

        // Every save of the sweep meets a new spike of a sensor it found quiet: more conflicts in a row than the
        // conflict retries allow, so a sweep that saves all its resolutions at once loses every one of them.
        // Armed before the sweep starts, and for each next save before the held one goes on: none slips through.
        var held = rig.Gate.HoldNext();
        var sweep = Task.Run(() => rig.Sweeper.SweepAsync(CancellationToken.None));
        for (var i = 0; i < busy.Length; i++)
        {
            if (await Task.WhenAny(held, sweep).WaitAsync(TimeSpan.FromSeconds(30)) == sweep)
            {
                break;
            }
            await rig.DeliverAsync(Noise.Spike(busy[i], level: 101, measuredAt: rig.Clock.GetUtcNow()));
            held = i + 1 < busy.Length ? rig.Gate.HoldNext() : Task.CompletedTask;
            rig.Gate.Release();
        }
        rig.Gate.Disarm();
        var resolved = await sweep.WaitAsync(TimeSpan.FromSeconds(30));

        resolved.ShouldBe(1);
        (await rig.AlertAsync("s-calm", AlertRule.Spike)).State.ShouldBe(AlertState.Resolved);
        foreach (var sensor in busy)
        {
            var alert = await rig.AlertAsync(sensor, AlertRule.Spike);
            alert.State.ShouldBe(AlertState.Open, sensor);
            (await rig.EventsAsync(alert.Id)).ShouldBe([AlertEventType.Raised, AlertEventType.Recurred], sensor);
        }
    }
}
