using Microsoft.EntityFrameworkCore;
using Nop.Alerting.Alerts;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Testing;

namespace Nop.Alerting.Tests;

// Alerting as a participant of the maintenance saga: step commands sent straight to alerting.maintenance-steps, as the
// process manager sends them, and its answers read on maintenance.completed.
public sealed class MaintenanceParticipantTests
{
    private static readonly DateTimeOffset From = DateTimeOffset.UtcNow.AddMinutes(-10);
    private static readonly DateTimeOffset To = DateTimeOffset.UtcNow.AddMinutes(50);

    [Fact]
    public async Task Begin_resolves_the_sensors_open_alerts_with_the_reason_and_answers_once_done()
    {
        await using var bed = await AlertingTestBed.CreateAsync("maint-begin");
        await bed.StartAlertingAsync();
        await using var answers = await CommandSpy.StartAsync(bed, RoutingKeys.MaintenanceCompleted);

        await bed.PublishAsync(Noise.Exceeded("s-open", level: 70), correlationId: "corr-raise");
        await bed.PublishAsync(Noise.Spike("s-open", 104, measuredAt: From.AddMinutes(-5)));
        await bed.PublishAsync(Noise.Spike("s-else", 104, measuredAt: From.AddMinutes(-5)));
        await bed.AlertsWhenAsync(a => a.Count == 3, "three alerts were raised");

        var id = Guid.NewGuid();
        await SendAsync(bed, id, "s-open", MaintenanceAction.Begin, "corr-begin");
        await Eventually.TrueAsync(() => answers.Messages.Count == 1, Noise.Timeout, "alerting answered");
        var answer = answers.Bodies<MaintenanceStepCompleted>().Single();
        answer.ShouldBe(new MaintenanceStepCompleted(id, MaintenanceParticipants.Alerting, MaintenanceAction.Begin,
            true, null));
        answers.Messages.Single().CorrelationId.ShouldBe("corr-begin");

        var alerts = await bed.AlertsWhenAsync(a => a.Count(x => x.State == AlertState.Resolved) == 2,
            "the sensor's two alerts were resolved");
        alerts.Where(a => a.SensorId == "s-open").ShouldAllBe(a => a.State == AlertState.Resolved
            && a.ResolvedReason == "maintenance: calibration");
        alerts.Single(a => a.SensorId == "s-else").State.ShouldBe(AlertState.Open);
        var published = await bed.PublishedAsync(5);
        published.Count(p => p.RoutingKey == RoutingKeys.AlertResolved && p.CorrelationId == "corr-begin").ShouldBe(2);

        // A repeated Begin answers done again and changes nothing.
        await SendAsync(bed, id, "s-open", MaintenanceAction.Begin, "corr-begin");
        await Eventually.TrueAsync(() => answers.Messages.Count == 2, Noise.Timeout, "alerting answered again");
        answers.Bodies<MaintenanceStepCompleted>().Last().Done.ShouldBeTrue();
        await using var db = bed.OpenDatabase();
        (await db.SuppressionPeriods.CountAsync()).ShouldBe(1);
        (await db.AlertEvents.CountAsync(e => e.Type == AlertEventType.Resolved)).ShouldBe(2);
    }

    [Fact]
    public async Task Events_in_the_period_raise_nothing_until_it_ends_or_is_compensated()
    {
        await using var bed = await AlertingTestBed.CreateAsync("maint-suppress");
        await bed.StartAlertingAsync();
        await using var answers = await CommandSpy.StartAsync(bed, RoutingKeys.MaintenanceCompleted);
        var ended = Guid.NewGuid();
        var undone = Guid.NewGuid();
        await SendAsync(bed, ended, "s-ended", MaintenanceAction.Begin);
        await SendAsync(bed, undone, "s-undone", MaintenanceAction.Begin);
        await Eventually.TrueAsync(() => answers.Messages.Count == 2, Noise.Timeout, "both begins answered");

        // In the period: a spike, a level window and a fault of each sensor raise nothing.
        var inside = From.AddMinutes(5);
        foreach (var sensor in new[] { "s-ended", "s-undone" })
        {
            await bed.PublishAsync(Noise.Spike(sensor, 110, measuredAt: inside));
            await bed.PublishAsync(Noise.Exceeded(sensor, 80, windowEnd: inside));
            await bed.PublishAsync(Noise.Fault(sensor, lastSeenAt: inside));
        }
        await bed.PublishAsync(Noise.Spike("s-barrier", 110, measuredAt: inside));
        var alerts = await bed.AlertsWhenAsync(a => a.Count > 0, "the barrier's alert");
        alerts.ShouldHaveSingleItem().SensorId.ShouldBe("s-barrier");

        // Ended early (To moved to inside + 1 min): after it, the sensor alerts; compensated: in the period too.
        var end = inside.AddMinutes(1);
        await SendAsync(bed, ended, "s-ended", MaintenanceAction.End, to: end);
        await SendAsync(bed, undone, "s-undone", MaintenanceAction.Compensate);
        await Eventually.TrueAsync(() => answers.Messages.Count == 4, Noise.Timeout, "end and compensate answered");
        answers.Bodies<MaintenanceStepCompleted>().ShouldAllBe(a => a.Done);

        await bed.PublishAsync(Noise.Spike("s-ended", 110, measuredAt: end.AddSeconds(-1)));
        await bed.PublishAsync(Noise.Spike("s-ended", 111, measuredAt: end.AddSeconds(1)));
        await bed.PublishAsync(Noise.Spike("s-undone", 110, measuredAt: inside));
        alerts = await bed.AlertsWhenAsync(a => a.Count == 3, "the two sensors alert again");
        alerts.Single(a => a.SensorId == "s-ended").Level.ShouldBe(111); // the spike before the end stayed silent

        // After a compensation, a late Begin or End is refused.
        await SendAsync(bed, undone, "s-undone", MaintenanceAction.Begin);
        await SendAsync(bed, undone, "s-undone", MaintenanceAction.End);
        await Eventually.TrueAsync(() => answers.Messages.Count == 6, Noise.Timeout, "the late steps answered");
        answers.Bodies<MaintenanceStepCompleted>().TakeLast(2).ShouldAllBe(a => !a.Done && a.Reason != null);
    }

    [Fact]
    public async Task A_compensation_before_its_begin_makes_the_begin_refused()
    {
        await using var bed = await AlertingTestBed.CreateAsync("maint-undo-first");
        await bed.StartAlertingAsync();
        await using var answers = await CommandSpy.StartAsync(bed, RoutingKeys.MaintenanceCompleted);
        var id = Guid.NewGuid();
        await SendAsync(bed, id, "s-late", MaintenanceAction.Compensate);
        await Eventually.TrueAsync(() => answers.Messages.Count == 1, Noise.Timeout, "compensate answered");
        await SendAsync(bed, id, "s-late", MaintenanceAction.Begin);
        await Eventually.TrueAsync(() => answers.Messages.Count == 2, Noise.Timeout, "begin answered");
        answers.Bodies<MaintenanceStepCompleted>().Select(a => (a.Action, a.Done)).ShouldBe(
            [(MaintenanceAction.Compensate, true), (MaintenanceAction.Begin, false)]);

        await bed.PublishAsync(Noise.Spike("s-late", 110, measuredAt: From.AddMinutes(1)));
        await bed.AlertsWhenAsync(a => a.Count == 1, "the spike raised an alert");
    }

    private static Task<string> SendAsync(AlertingTestBed bed, Guid id, string sensor, MaintenanceAction action,
        string correlationId = "corr-step", DateTimeOffset? to = null) =>
        bed.Publisher.PublishAsync(Exchanges.Commands, RoutingKeys.MaintenanceStep(MaintenanceParticipants.Alerting),
            new MaintenanceStepCommand(id, sensor, From, to ?? To, "calibration", action),
            new PublishOptions { CorrelationId = correlationId });
}
