using Nop.Contracts;
using Nop.History.Tests.Support;
using Nop.Testing;

namespace Nop.History.Tests;

/// <summary>History as a participant of the maintenance saga, with hand-computed hours.</summary>
public sealed class MaintenanceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    // 08:00–09:00 local on the test day: 15 minutes at 80 dB(A), 15 at 70, 30 at 60.
    private static readonly DateTimeOffset Hour = LevelEvents.DayStart.AddHours(8);

    // All 60: 10·lg((15·10^8 + 15·10^7 + 30·10^6) / 60) = 10·lg(1.68·10^9 / 60) = 10·lg(2.8·10^7) = 74.47
    private const double AllSixty = 74.472;

    // Without 08:00–08:15: 10·lg((15·10^7 + 30·10^6) / 45) = 10·lg(1.8·10^8 / 45) = 10·lg(4·10^6) = 66.02
    private const double WithoutFifteen = 66.021;

    // Without 08:00–08:05 only: 10·lg((10·10^8 + 15·10^7 + 30·10^6) / 55) = 10·lg(1.18·10^9 / 55) = 73.32
    private const double WithoutFive = 73.315;

    [Fact]
    public async Task A_period_leaves_its_minutes_out_of_the_hour_and_the_day_until_ended_or_compensated()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-maint");
        var app = await bed.StartHistoryAsync();
        await using var steps = await MaintenanceStepClient.ConnectAsync(bed.VirtualHost.Uri,
            MaintenanceParticipants.History);
        for (var i = 0; i < 60; i++)
        {
            await bed.PublishAsync(LevelEvents.Minute("s-1", Hour.AddMinutes(i), i < 15 ? 80 : i < 30 ? 70 : 60));
        }
        await HourIsAsync(bed, AllSixty, 1);

        var id = Guid.NewGuid();
        var begin = new MaintenanceStepCommand(id, "s-1", Hour, Hour.AddMinutes(15), "calibration",
            MaintenanceAction.Begin);
        var answer = await steps.AskAsync(begin, "corr-h1");
        answer.Completed.ShouldBe(new MaintenanceStepCompleted(id, "history", MaintenanceAction.Begin, true, null));
        answer.CorrelationId.ShouldBe("corr-h1");
        var point = await HourAsync(bed);
        point.Laeq!.Value.ShouldBe(WithoutFifteen, 0.01);
        point.Coverage.ShouldBe(45.0 / 60, 1e-9);
        point.Lamax.ShouldBe(70);
        point.L10!.Value.ShouldBe(70, 0.05);
        point.L90!.Value.ShouldBe(60, 0.05);
        // The day's indicators come from the hours: one hour of the day, 45 minutes of it covered.
        var day = (await bed.GetDayAsync(LevelEvents.Day)).Items.ShouldHaveSingleItem();
        day.Day.Level!.Value.ShouldBe(WithoutFifteen, 0.01);
        day.Coverage.ShouldBe(45.0 / 1440, 1e-9);

        // A repeat is answered the same and changes nothing.
        (await steps.AskAsync(begin, "corr-h1")).Completed.ShouldBe(answer.Completed);
        (await HourAsync(bed)).Laeq!.Value.ShouldBe(WithoutFifteen, 0.01);

        // Ended early at 08:05: only the shortened period stays out.
        var end = await steps.AskAsync(begin with { To = Hour.AddMinutes(5), Action = MaintenanceAction.End },
            "corr-h1");
        end.Completed.Done.ShouldBeTrue();
        point = await HourAsync(bed);
        point.Laeq!.Value.ShouldBe(WithoutFive, 0.01);
        point.Coverage.ShouldBe(55.0 / 60, 1e-9);
        point.Lamax.ShouldBe(80);

        // Compensated: as if it never happened, all 60 minutes again; a late begin is refused.
        var compensate = begin with { Action = MaintenanceAction.Compensate };
        (await steps.AskAsync(compensate, "corr-h1")).Completed.Done.ShouldBeTrue();
        (await steps.AskAsync(compensate, "corr-h1")).Completed.Done.ShouldBeTrue();
        await HourIsAsync(bed, AllSixty, 1);
        var late = await steps.AskAsync(begin, "corr-h1");
        late.Completed.Done.ShouldBeFalse();
        late.Completed.Reason.ShouldNotBeNull().ShouldContain("compensated");
        await HourIsAsync(bed, AllSixty, 1);
        var stepLogs = app.Logs.Events.Where(e => e.MessageTemplate.Text.StartsWith("Maintenance {MaintenanceId}",
            StringComparison.Ordinal)).Select(e => LogCapture.Property(e, "CorrelationId")).ToList();
        stepLogs.Count.ShouldBe(6);
        stepLogs.ShouldAllBe(c => c == "corr-h1");
    }

    [Fact]
    public async Task Windows_arriving_after_the_begin_are_stored_but_not_counted_when_in_maintenance()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-maint-late");
        await bed.StartHistoryAsync();
        await using var steps = await MaintenanceStepClient.ConnectAsync(bed.VirtualHost.Uri,
            MaintenanceParticipants.History);
        var ten = LevelEvents.DayStart.AddHours(10);
        (await steps.AskAsync(new MaintenanceStepCommand(Guid.NewGuid(), "s-1", ten, ten.AddMinutes(30), "moved",
            MaintenanceAction.Begin), "corr-h2")).Completed.Done.ShouldBeTrue();

        // 10:00–11:00 at 60 dB, the first half overlapping the stored period; 11:00–11:10 flagged by Processing, then
        // 11:10–11:20 at 50 dB.
        for (var i = 0; i < 60; i++)
        {
            await bed.PublishAsync(LevelEvents.Minute("s-1", ten.AddMinutes(i), 60));
        }
        for (var i = 0; i < 20; i++)
        {
            await bed.PublishAsync(LevelEvents.Minute("s-1", ten.AddHours(1).AddMinutes(i), i < 10 ? 90 : 50)
                with
            { Maintenance = i < 10 });
        }

        LevelSeries hours = null!;
        await Eventually.TrueAsync(async () =>
        {
            // Minutes first: their hours are written in the same transaction.
            var minutes = await bed.GetLevelsAsync("s-1", ten, ten.AddHours(2), LevelResolution.Minute);
            hours = await bed.GetLevelsAsync("s-1", ten, ten.AddHours(2), LevelResolution.Hour);
            return minutes.Items.Count == 80;
        }, Wait, "all 80 minutes are stored");
        hours.Items.Count.ShouldBe(2);
        hours.Items[0].Laeq!.Value.ShouldBe(60, 1e-6);
        hours.Items[0].Coverage.ShouldBe(30.0 / 60, 1e-9);
        // Only the ten unflagged minutes at 50 dB count: the 90 dB ones are left out.
        hours.Items[1].Laeq!.Value.ShouldBe(50, 1e-6);
        hours.Items[1].Lamax.ShouldBe(50);
        hours.Items[1].Coverage.ShouldBe(10.0 / 60, 1e-9);
    }

    [Fact]
    public async Task A_begin_older_than_the_minute_retention_and_invalid_steps_are_refused()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-maint-old");
        await bed.StartHistoryAsync(new Dictionary<string, string?> { ["History:MinuteRetention"] = "2.00:00:00" });
        await using var steps = await MaintenanceStepClient.ConnectAsync(bed.VirtualHost.Uri,
            MaintenanceParticipants.History);
        var from = DateTimeOffset.UtcNow.AddDays(-3);
        var begin = new MaintenanceStepCommand(Guid.NewGuid(), "s-1", from, from.AddHours(1), "old",
            MaintenanceAction.Begin);

        var old = await steps.AskAsync(begin, "corr-h3");
        var again = await steps.AskAsync(begin, "corr-h3");
        var invalid = await steps.AskAsync(begin with { MaintenanceId = Guid.NewGuid(), To = from }, "corr-h3");
        var recent = await steps.AskAsync(begin with
        {
            MaintenanceId = Guid.NewGuid(),
            From = DateTimeOffset.UtcNow.AddHours(-1),
            To = DateTimeOffset.UtcNow,
        }, "corr-h3");

        old.Completed.Done.ShouldBeFalse();
        old.Completed.Reason.ShouldNotBeNull().ShouldContain("retention");
        again.Completed.ShouldBe(old.Completed);
        invalid.Completed.Done.ShouldBeFalse();
        invalid.Completed.Reason.ShouldNotBeNull().ShouldContain("not before");
        recent.Completed.Done.ShouldBeTrue();
    }

    private static async Task<LevelPoint> HourAsync(HistoryTestBed bed) =>
        (await bed.GetLevelsAsync("s-1", Hour, Hour.AddHours(1), LevelResolution.Hour)).Items.ShouldHaveSingleItem();

    private static Task HourIsAsync(HistoryTestBed bed, double laeq, double coverage) =>
        Eventually.TrueAsync(async () =>
        {
            var items = (await bed.GetLevelsAsync("s-1", Hour, Hour.AddHours(1), LevelResolution.Hour)).Items;
            return items.Count == 1 && Math.Abs(items[0].Laeq!.Value - laeq) < 0.01
                && Math.Abs(items[0].Coverage - coverage) < 1e-9;
        }, Wait, () => $"the hour is {laeq} dB(A) at coverage {coverage}");
}
