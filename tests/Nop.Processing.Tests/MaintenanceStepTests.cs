using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Processing.Data;
using Nop.Processing.Maintenance;
using Nop.Processing.Tests.Support;
using Nop.Testing;

namespace Nop.Processing.Tests;

/// <summary>Processing's maintenance step handler against a real broker (own virtual host) and SQLite file.</summary>
public sealed class MaintenanceStepTests
{
    // Tomorrow noon: within the refresher's look-back, so a refresh from the database keeps the periods (a fixed date
    // in the past made the calendar lose them at the first refresh, 2 s into the test on a busy machine).
    private static readonly DateTimeOffset From = new(DateTime.UtcNow.Date.AddDays(1).AddHours(12), TimeSpan.Zero);

    [Fact]
    public async Task Steps_are_answered_once_applied_repeats_alike_and_the_calendar_follows_them()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-maint");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var client = await MaintenanceStepClient.ConnectAsync(vhost.Uri,
            MaintenanceParticipants.Processing);
        var calendar = host.Services.GetRequiredService<MaintenanceCalendar>();
        var id = Guid.NewGuid();
        var begin = new MaintenanceStepCommand(id, "m1", From, From.AddHours(3), "calibration",
            MaintenanceAction.Begin);

        var first = await client.AskAsync(begin, "corr-maint-1");
        var repeat = await client.AskAsync(begin, "corr-maint-1");

        first.Completed.ShouldBe(new MaintenanceStepCompleted(id, "processing", MaintenanceAction.Begin, true, null));
        repeat.Completed.ShouldBe(first.Completed);
        first.CorrelationId.ShouldBe("corr-maint-1");
        first.CausationId.ShouldNotBeNull();
        calendar.PeriodsOf("m1").ShouldHaveSingleItem().To.ShouldBe(From.AddHours(3));
        (await RowsAsync(host)).ShouldHaveSingleItem().Compensated.ShouldBeFalse();
        var stepLogs = host.Logs.Events.Where(e => e.MessageTemplate.Text.StartsWith("Maintenance {MaintenanceId}",
            StringComparison.Ordinal)).ToList();
        stepLogs.Count.ShouldBe(2);
        stepLogs.ShouldAllBe(e => LogCapture.Property(e, "CorrelationId") == "corr-maint-1");

        // Ended early: the period keeps its shorter To.
        var end = await client.AskAsync(begin with { To = From.AddHours(1), Action = MaintenanceAction.End },
            "corr-maint-1");
        end.Completed.Done.ShouldBeTrue();
        calendar.PeriodsOf("m1").ShouldHaveSingleItem().To.ShouldBe(From.AddHours(1));
        calendar.Covers("m1", From.AddHours(2)).ShouldBeFalse();
    }

    [Fact]
    public async Task A_begin_after_its_compensation_is_refused_and_invalid_commands_too()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-maint-comp");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var client = await MaintenanceStepClient.ConnectAsync(vhost.Uri,
            MaintenanceParticipants.Processing);
        var calendar = host.Services.GetRequiredService<MaintenanceCalendar>();
        var id = Guid.NewGuid();
        var begin = new MaintenanceStepCommand(id, "m2", From, From.AddHours(3), "moved", MaintenanceAction.Begin);

        (await client.AskAsync(begin, "corr-c")).Completed.Done.ShouldBeTrue();
        calendar.PeriodsOf("m2").Count.ShouldBe(1);
        var compensate = begin with { Action = MaintenanceAction.Compensate };
        (await client.AskAsync(compensate, "corr-c")).Completed.Done.ShouldBeTrue();
        (await client.AskAsync(compensate, "corr-c")).Completed.Done.ShouldBeTrue();
        calendar.PeriodsOf("m2").ShouldBeEmpty();

        var late = await client.AskAsync(begin, "corr-c");
        late.Completed.Done.ShouldBeFalse();
        late.Completed.Reason.ShouldNotBeNull().ShouldContain("compensated");
        (await client.AskAsync(begin with { Action = MaintenanceAction.End }, "corr-c")).Completed.Done
            .ShouldBeFalse();
        calendar.PeriodsOf("m2").ShouldBeEmpty();

        // A compensation whose begin never came leaves a tombstone: the late begin is refused.
        var other = Guid.NewGuid();
        var tombstone = await client.AskAsync(
            begin with { MaintenanceId = other, Action = MaintenanceAction.Compensate }, "corr-d");
        tombstone.Completed.Done.ShouldBeTrue();
        (await client.AskAsync(begin with { MaintenanceId = other }, "corr-d")).Completed.Done.ShouldBeFalse();
        calendar.PeriodsOf("m2").ShouldBeEmpty();

        var invalid = await client.AskAsync(begin with { MaintenanceId = Guid.NewGuid(), To = From }, "corr-e");
        invalid.Completed.Done.ShouldBeFalse();
        invalid.Completed.Reason.ShouldNotBeNull().ShouldContain("not before");
        (await RowsAsync(host)).Select(r => (r.MaintenanceId, r.Compensated)).OrderBy(r => r.MaintenanceId)
            .ShouldBe(new[] { (id, true), (other, true) }.OrderBy(r => r.Item1));
    }

    [Fact]
    public async Task Another_instance_sees_a_period_at_its_next_refresh()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-maint-refresh");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        // A second calendar refreshed from the same database, as another instance's is.
        var calendar = new MaintenanceCalendar();
        var refresher = ActivatorUtilities.CreateInstance<MaintenanceCalendarRefresher>(host.Services, calendar);
        await using (var db = await host.Services.GetRequiredService<IDbContextFactory<ProcessingDbContext>>()
            .CreateDbContextAsync())
        {
            var now = DateTimeOffset.UtcNow;
            db.MaintenancePeriods.Add(new MaintenancePeriodRow
            {
                MaintenanceId = Guid.NewGuid(),
                SensorId = "m3",
                From = now,
                To = now.AddHours(1),
                UpdatedAt = now,
            });
            db.MaintenancePeriods.Add(new MaintenancePeriodRow
            {
                MaintenanceId = Guid.NewGuid(),
                SensorId = "m4",
                From = now,
                To = now.AddHours(1),
                UpdatedAt = now,
                Compensated = true,
            });
            await db.SaveChangesAsync();
        }

        await refresher.RefreshAsync(CancellationToken.None);

        calendar.PeriodsOf("m3").Count.ShouldBe(1);
        calendar.PeriodsOf("m4").ShouldBeEmpty();
    }

    [Fact]
    public async Task An_implausible_reading_of_a_sensor_in_maintenance_raises_no_fault()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-maint-cls");
        using var folder = new TempFolder();
        await using var host = await ProcessingApp.StartAsync(vhost.Uri, folder.Database());
        await using var client = await MaintenanceStepClient.ConnectAsync(vhost.Uri,
            MaintenanceParticipants.Processing);
        await using var broker = await BrokerClient.ConnectAsync(vhost.Uri);
        var at = DateTimeOffset.UtcNow.AddSeconds(-5);
        (await client.AskAsync(new MaintenanceStepCommand(Guid.NewGuid(), "cls-m", at.AddHours(-1), at.AddHours(1),
            "calibration", MaintenanceAction.Begin), "corr-cls")).Completed.Done.ShouldBeTrue();
        // LAmax below LAeq is implausible. Each batch's readings are classified in order: once the spike after it
        // is out, a fault for the implausible one would be out too.
        ReadingBatchReceived Batch(string sensor) => new(sensor, Zone.Quiet, new GeoLocation(1, 2), 1, at,
            [new SensorReading(sensor + "-broken", at, 70, 60, null),
                new SensorReading(sensor + "-spike", at.AddSeconds(1), 80, 104.5, null)]);

        await broker.PublishAsync([Batch("cls-m"), Batch("cls-n")]);

        await Eventually.TrueAsync(() => broker.OfType(NoiseSpikeDetected.MessageType).Count() == 2
            && broker.OfType(SensorFaultDetected.MessageType).Any(), TimeSpan.FromSeconds(60),
            "both spikes and the fault of the sensor not in maintenance are published");
        broker.OfType(SensorFaultDetected.MessageType).ShouldHaveSingleItem().As<SensorFaultDetected>().SensorId
            .ShouldBe("cls-n");
    }

    private static async Task<List<MaintenancePeriodRow>> RowsAsync(ProcessingApp host)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<ProcessingDbContext>>()
            .CreateDbContextAsync();
        return await db.MaintenancePeriods.AsNoTracking().ToListAsync();
    }
}
