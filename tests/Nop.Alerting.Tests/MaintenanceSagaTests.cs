using Nop.Alerting.Tests.Support;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Alerting.Tests;

// The maintenance saga's process manager on the real broker: Processing and History are scripted participants, Alerting
// answers as itself.
public sealed class MaintenanceSagaTests
{
    private const string P = MaintenanceParticipants.Processing;
    private const string A = MaintenanceParticipants.Alerting;
    private const string H = MaintenanceParticipants.History;
    private const MaintenanceAction Begin = MaintenanceAction.Begin;
    private const MaintenanceAction End = MaintenanceAction.End;
    private const MaintenanceAction Undo = MaintenanceAction.Compensate;
    private const StepOutcome Done = StepOutcome.Done;

    [Fact]
    public async Task Maintenance_begins_everywhere_suppresses_alerts_and_ends_at_its_to_in_reverse_order()
    {
        await using var bed = await AlertingTestBed.CreateAsync("maint-happy");
        var app = await bed.StartAlertingAsync(settings: Maintenances.Fast(TimeSpan.FromSeconds(20)));
        await using var processing = await ScriptedParticipant.StartAsync(bed, P, _ => Script.Done);
        await using var history = await ScriptedParticipant.StartAsync(bed, H, _ => Script.Done);

        // Short, to see it end on time; a busy machine may take most of it to begin (the checks below do not mind).
        var request = Maintenances.Request("s-maint", TimeSpan.FromSeconds(10));
        var reply = await bed.StartMaintenanceAsync(request, "corr-maint");
        reply.Outcome.ShouldBe(MaintenanceOutcome.Ok);
        reply.Maintenance!.State.ShouldBe(MaintenanceState.Starting);
        reply.Maintenance.CorrelationId.ShouldBe("corr-maint");

        var active = await bed.MaintenanceWhenAsync(request.MaintenanceId, m => m.State == MaintenanceState.Active,
            "the maintenance became active");
        active.Trail().ShouldBe([(P, Begin, Done), (A, Begin, Done), (H, Begin, Done)]);

        // A spike during the period raises nothing; one of another sensor behind it on the same queue does.
        await bed.PublishAsync(Noise.Spike("s-maint", 110, measuredAt: request.From.AddSeconds(30)));
        await bed.PublishAsync(Noise.Spike("s-other", 110, measuredAt: request.From.AddSeconds(30)));
        var alerts = await bed.AlertsWhenAsync(a => a.Any(x => x.SensorId == "s-other"), "the other sensor's alert");
        alerts.ShouldNotContain(a => a.SensorId == "s-maint");

        var ended = await bed.MaintenanceWhenAsync(request.MaintenanceId, m => m.State == MaintenanceState.Ended,
            "the maintenance ended at its to");
        ended.Trail().ShouldBe(
        [
            (P, Begin, Done), (A, Begin, Done), (H, Begin, Done), (H, End, Done), (A, End, Done), (P, End, Done),
        ]);
        ended.To.ShouldBe(request.To);
        ended.Detail.ShouldBeNull();
        // Every transition's log line carries the correlation id, also those of the timer (no message behind them).
        var transitions = app.Logs.Events.Where(e => e.Properties.ContainsKey("MaintenanceId")
            && e.MessageTemplate.Text.StartsWith("Maintenance ", StringComparison.Ordinal)).ToList();
        transitions.ShouldContain(e => e.MessageTemplate.Text.Contains("reached its end"));
        transitions.ShouldContain(e => e.MessageTemplate.Text.Contains(" active until "));
        transitions.ShouldAllBe(e => LogCapture.Property(e, "CorrelationId") == "corr-maint");

        // Every command carried the operator request's correlation id and the period.
        var commands = processing.Received.Concat(history.Received).ToList();
        commands.Count.ShouldBe(4);
        commands.ShouldAllBe(c => c.CorrelationId == "corr-maint" && c.Command.SensorId == "s-maint"
            && c.Command.From == request.From && c.Command.To == request.To && c.Command.Reason == "calibration");

        // After the period, the sensor alerts again.
        await bed.PublishAsync(Noise.Spike("s-maint", 110, measuredAt: request.To.AddSeconds(1)));
        await bed.AlertsWhenAsync(a => a.Any(x => x.SensorId == "s-maint"), "a spike after the period raised an alert");
    }

    [Fact]
    public async Task A_refused_begin_compensates_the_steps_done_in_reverse_order()
    {
        await using var bed = await AlertingTestBed.CreateAsync("maint-refused");
        await bed.StartAlertingAsync(settings: Maintenances.Fast(TimeSpan.FromSeconds(20)));
        await using var processing = await ScriptedParticipant.StartAsync(bed, P, _ => Script.Done);
        await using var history = await ScriptedParticipant.StartAsync(bed, H,
            c => c.Action == Begin ? Script.Refuse : Script.Done);

        var request = Maintenances.Request("s-refused", TimeSpan.FromHours(1));
        (await bed.StartMaintenanceAsync(request, "corr-refused")).Outcome.ShouldBe(MaintenanceOutcome.Ok);

        var compensated = await bed.MaintenanceWhenAsync(request.MaintenanceId,
            m => m.State == MaintenanceState.Compensated && m.Steps.All(s => s.Outcome != StepOutcome.Pending),
            "the maintenance was compensated and every compensation answered");
        compensated.Trail().ShouldBe(
        [
            (P, Begin, Done), (A, Begin, Done), (H, Begin, StepOutcome.Refused),
            (H, Undo, Done), (A, Undo, Done), (P, Undo, Done),
        ]);
        compensated.Detail!.ShouldContain("history refused to begin");
        processing.Of(Undo).ShouldHaveSingleItem().CorrelationId.ShouldBe("corr-refused");
        history.Of(Undo).ShouldHaveSingleItem();

        // Alerting lifted its own suppression: a spike in the period raises an alert again.
        await bed.PublishAsync(Noise.Spike("s-refused", 110, measuredAt: DateTimeOffset.UtcNow));
        await bed.AlertsWhenAsync(a => a.Any(x => x.SensorId == "s-refused"), "the spike raised an alert");
    }

    [Fact]
    public async Task A_silent_participant_times_out_and_the_saga_is_compensated()
    {
        await using var bed = await AlertingTestBed.CreateAsync("maint-silent");
        await bed.StartAlertingAsync(settings: Maintenances.Fast(TimeSpan.FromSeconds(5)));
        await using var processing = await ScriptedParticipant.StartAsync(bed, P, _ => Script.Done);
        // History is down: its begin is never answered (its compensation is, once it is back).
        await using var history = await ScriptedParticipant.StartAsync(bed, H, _ => Script.Silent);

        var request = Maintenances.Request("s-silent", TimeSpan.FromHours(1));
        await bed.StartMaintenanceAsync(request, "corr-silent");

        var compensated = await bed.MaintenanceWhenAsync(request.MaintenanceId,
            m => m.State == MaintenanceState.Compensated, "the maintenance was compensated after the time-out");
        compensated.Trail().ShouldBe(
        [
            (P, Begin, Done), (A, Begin, Done), (H, Begin, StepOutcome.TimedOut),
            (H, Undo, StepOutcome.Pending), (A, Undo, Done), (P, Undo, Done),
        ]);
        compensated.Detail!.ShouldContain("history did not answer begin within 5 s");
        await Eventually.TrueAsync(() => history.Of(Undo).Any(), Noise.Timeout, "history was sent compensate");
        history.Of(Begin).ShouldHaveSingleItem(); // a begin is never re-sent
    }

    [Fact]
    public async Task A_compensation_that_never_succeeds_leaves_the_saga_failed_with_the_reason()
    {
        await using var bed = await AlertingTestBed.CreateAsync("maint-failed");
        await bed.StartAlertingAsync(settings: Maintenances.Fast(TimeSpan.FromSeconds(5), attempts: 2));
        await using var processing = await ScriptedParticipant.StartAsync(bed, P,
            c => c.Action == Undo ? Script.Silent : Script.Done);
        await using var history = await ScriptedParticipant.StartAsync(bed, H, _ => Script.Refuse);

        var request = Maintenances.Request("s-failed", TimeSpan.FromHours(1));
        await bed.StartMaintenanceAsync(request);

        var failed = await bed.MaintenanceWhenAsync(request.MaintenanceId, m => m.State == MaintenanceState.Failed,
            "the maintenance failed");
        failed.Trail().ShouldBe(
        [
            (P, Begin, Done), (A, Begin, Done), (H, Begin, StepOutcome.Refused),
            (H, Undo, StepOutcome.Refused), (A, Undo, Done), (P, Undo, StepOutcome.TimedOut),
        ]);
        failed.Steps[^1].Attempts.ShouldBe(2);
        failed.Detail!.ShouldContain("processing did not compensate after 2 attempt(s)");
        failed.Detail!.ShouldContain("not compensated: processing");
        processing.Of(Undo).Count().ShouldBe(2);

        // Over: ending it is a conflict, and it stays failed.
        (await bed.EndMaintenanceAsync(request.MaintenanceId)).Outcome.ShouldBe(MaintenanceOutcome.Conflict);
    }

    [Fact]
    public async Task Two_instances_timers_resend_each_timed_out_step_once()
    {
        await using var bed = await AlertingTestBed.CreateAsync("maint-replicas");
        var settings = Maintenances.Fast(TimeSpan.FromSeconds(5), attempts: 3);
        await bed.StartAlertingAsync(settings: settings);
        await bed.StartAlertingAsync(settings: settings);
        await using var processing = await ScriptedParticipant.StartAsync(bed, P,
            c => c.Action == Undo ? Script.Silent : Script.Done);
        await using var history = await ScriptedParticipant.StartAsync(bed, H, _ => Script.Refuse);

        var request = Maintenances.Request("s-replicas", TimeSpan.FromHours(1));
        await bed.StartMaintenanceAsync(request);
        var failed = await bed.MaintenanceWhenAsync(request.MaintenanceId, m => m.State == MaintenanceState.Failed,
            "the maintenance failed");

        // Both timers saw every time-out; the version token let only one of them act on each.
        failed.Steps[^1].Attempts.ShouldBe(3);
        processing.Of(Undo).Count().ShouldBe(3);
    }

    [Fact]
    public async Task A_process_manager_stopped_mid_saga_is_resumed_by_a_new_instance()
    {
        await using var bed = await AlertingTestBed.CreateAsync("maint-resume");
        var first = await bed.StartAlertingAsync();
        await using var processing = await ScriptedParticipant.StartAsync(bed, P, _ => Script.Silent);
        await using var history = await ScriptedParticipant.StartAsync(bed, H, _ => Script.Done);

        var request = Maintenances.Request("s-resume", TimeSpan.FromHours(1));
        await bed.StartMaintenanceAsync(request, "corr-resume");
        await Eventually.TrueAsync(() => processing.Of(Begin).Any(), Noise.Timeout, "processing was asked to begin");

        // Alerting stops while it waits; processing answers meanwhile (the answer waits in alerting.maintenance).
        await first.DisposeAsync();
        await processing.AnswerAsync(request.MaintenanceId, Begin, done: true, "corr-resume");

        await bed.StartAlertingAsync();
        var active = await bed.MaintenanceWhenAsync(request.MaintenanceId, m => m.State == MaintenanceState.Active,
            "the new instance finished starting the maintenance");
        active.Trail().ShouldBe([(P, Begin, Done), (A, Begin, Done), (H, Begin, Done)]);
        processing.Of(Begin).ShouldHaveSingleItem();
        history.Of(Begin).ShouldHaveSingleItem().CorrelationId.ShouldBe("corr-resume");
    }

    [Fact]
    public async Task Duplicate_starts_and_duplicate_answers_advance_the_saga_once()
    {
        await using var bed = await AlertingTestBed.CreateAsync("maint-duplicates");
        await bed.StartAlertingAsync();
        await using var processing = await ScriptedParticipant.StartAsync(bed, P, _ => Script.DoneTwice);
        await using var history = await ScriptedParticipant.StartAsync(bed, H, _ => Script.DoneTwice);

        var request = Maintenances.Request("s-dup", TimeSpan.FromHours(1));
        (await bed.StartMaintenanceAsync(request)).Outcome.ShouldBe(MaintenanceOutcome.Ok);
        (await bed.StartMaintenanceAsync(request)).Outcome.ShouldBe(MaintenanceOutcome.Ok);
        var other = await bed.StartMaintenanceAsync(request with { Reason = "moved" });
        other.Outcome.ShouldBe(MaintenanceOutcome.Conflict);
        other.Detail.ShouldNotBeNull();
        var invalid = await bed.StartMaintenanceAsync(request with
        {
            MaintenanceId = Guid.NewGuid(),
            To = request.From.AddMinutes(-1),
        });
        invalid.Outcome.ShouldBe(MaintenanceOutcome.Invalid);

        await bed.MaintenanceWhenAsync(request.MaintenanceId, m => m.State == MaintenanceState.Active,
            "the maintenance became active");
        // A request behind the duplicate answers in the queue: they have all been handled once it is answered.
        var ended = await bed.EndMaintenanceAsync(request.MaintenanceId);
        ended.Outcome.ShouldBe(MaintenanceOutcome.Ok);
        var done = await bed.MaintenanceWhenAsync(request.MaintenanceId, m => m.State == MaintenanceState.Ended,
            "the maintenance ended");
        done.Trail().ShouldBe(
        [
            (P, Begin, Done), (A, Begin, Done), (H, Begin, Done), (H, End, Done), (A, End, Done), (P, End, Done),
        ]);
        processing.Of(Begin).ShouldHaveSingleItem();
        history.Of(Begin).ShouldHaveSingleItem();
        processing.Of(End).ShouldHaveSingleItem();

        // Ended by the operator: the period ends now, not at its planned to.
        done.To.ShouldBeLessThan(request.To);
        processing.Of(End).Single().Command.To.ShouldBe(done.To);
        (await bed.EndMaintenanceAsync(request.MaintenanceId)).Outcome.ShouldBe(MaintenanceOutcome.Conflict);
        var list = await bed.Requests.RequestAsync<GetSensorMaintenance, MaintenanceList>(
            RoutingKeys.MaintenanceRequest, new GetSensorMaintenance("s-dup"));
        list.Items.ShouldHaveSingleItem().MaintenanceId.ShouldBe(request.MaintenanceId);
        var unknown = await bed.Requests.RequestAsync<GetMaintenance, MaintenanceReply>(
            RoutingKeys.MaintenanceRequest, new GetMaintenance(Guid.NewGuid()));
        unknown.Outcome.ShouldBe(MaintenanceOutcome.NotFound);
    }

    [Fact]
    public async Task Ending_while_starting_ends_it_once_it_is_active()
    {
        await using var bed = await AlertingTestBed.CreateAsync("maint-end-early");
        await bed.StartAlertingAsync();
        await using var processing = await ScriptedParticipant.StartAsync(bed, P, _ => Script.Silent);
        await using var history = await ScriptedParticipant.StartAsync(bed, H, _ => Script.Done);

        var request = Maintenances.Request("s-early", TimeSpan.FromHours(1));
        await bed.StartMaintenanceAsync(request, "corr-early");
        await Eventually.TrueAsync(() => processing.Of(Begin).Any(), Noise.Timeout, "processing was asked to begin");
        var asked = await bed.EndMaintenanceAsync(request.MaintenanceId);
        asked.Outcome.ShouldBe(MaintenanceOutcome.Ok);
        asked.Maintenance!.State.ShouldBe(MaintenanceState.Starting);

        processing.Answer = _ => Script.Done;
        await processing.AnswerAsync(request.MaintenanceId, Begin, done: true, "corr-early");
        var ended = await bed.MaintenanceWhenAsync(request.MaintenanceId, m => m.State == MaintenanceState.Ended,
            "the maintenance ended right after it became active");
        ended.Trail().ShouldBe(
        [
            (P, Begin, Done), (A, Begin, Done), (H, Begin, Done), (H, End, Done), (A, End, Done), (P, End, Done),
        ]);
    }
}
