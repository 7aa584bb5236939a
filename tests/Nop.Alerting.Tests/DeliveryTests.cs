using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nop.Alerting.Data;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;
using Nop.Persistence.Outbox;
using Nop.Testing;

namespace Nop.Alerting.Tests;

/// <summary>
/// Inbox, outbox and database faults: every noise event becomes exactly one change and every change one published
/// event.
/// </summary>
public sealed class DeliveryTests
{
    [Fact]
    public async Task The_same_noise_event_delivered_twice_yields_one_change_and_one_published_event()
    {
        await using var bed = await AlertingTestBed.CreateAsync("dup");
        var app = await bed.StartAlertingAsync();

        await bed.PublishAsync(Noise.Exceeded("s-dup", level: 72), messageId: "noise-1", correlationId: "corr-dup");
        await bed.PublishAsync(Noise.Exceeded("s-dup", level: 72), messageId: "noise-1", correlationId: "corr-dup");

        await Eventually.TrueAsync(() => app.Logs.Events.Any(e =>
            e.MessageTemplate.Text.StartsWith("Skipped", StringComparison.Ordinal)
                && LogCapture.Property(e, "MessageId") == "noise-1"),
            Noise.Timeout, "the second delivery was recognised and skipped");

        await using var db = bed.OpenDatabase();
        (await db.AlertEvents.CountAsync()).ShouldBe(1);
        (await db.Alerts.CountAsync()).ShouldBe(1);
        (await db.Inbox.CountAsync()).ShouldBe(1);
        (await db.Outbox.CountAsync()).ShouldBe(1);
        var published = await bed.PublishedAsync(1);
        published[0].CorrelationId.ShouldBe("corr-dup");
        (await bed.CountMessagesAsync(Queues.AlertingNoise)).ShouldBe(0u);
    }

    [Fact]
    public async Task Alert_events_raised_while_the_broker_refuses_them_are_all_published_in_order_once_it_accepts()
    {
        await using var bed = await AlertingTestBed.CreateAsync("outbox");
        var app = await bed.StartAlertingAsync();
        var relay = app.Get<OutboxRelay<AlertingDbContext>>();

        // The broker refuses every publish to nop.alerts (ACCESS_REFUSED closes the relay's channel, no confirm),
        // while noise events still flow in: a real broker-side fault confined to this test's virtual host.
        await bed.SetWritePermissionAsync(@"^(?!nop\.alerts$).*");
        var sensors = Enumerable.Range(1, 4).Select(i => $"s-out-{i}").ToList();
        foreach (var sensor in sensors)
        {
            await bed.PublishAsync(Noise.Exceeded(sensor, level: 70));
            await bed.PublishAsync(Noise.Exceeded(sensor, level: 80));
            await bed.PublishAsync(Noise.Cleared(sensor));
        }
        await bed.PublishAsync(Noise.Exceeded(sensors[0], level: 71)); // a second alert for the first sensor
        const int expected = 4 * 3 + 1;

        await bed.AlertsWhenAsync(a => a.Count == 5 && a.Sum(x => x.Version) == expected, "every change was committed");
        await Eventually.TrueAsync(() => relay.Failures > 0, Noise.Timeout, "the relay tried and failed to publish");
        await using (var db = bed.OpenDatabase())
        {
            (await db.Outbox.CountAsync(m => m.SentAt == null)).ShouldBe(expected);
        }
        bed.Alerts.ShouldBeEmpty();

        await bed.SetWritePermissionAsync(".*");
        var published = await bed.PublishedAsync(expected);

        published.Select(p => p.MessageId).Distinct().Count().ShouldBe(expected);
        await using var check = bed.OpenDatabase();
        var sequenceOf = await check.Outbox
            .Select(m => new
            {
                m.MessageId,
                AlertId = m.Key,
                Sequence = EF.Property<int>(m, AlertingDbContext.OutboxSequence),
            })
            .ToDictionaryAsync(m => m.MessageId, m => (m.AlertId, m.Sequence));
        foreach (var alert in published.GroupBy(p => sequenceOf[p.MessageId].AlertId))
        {
            var sequences = alert.Select(p => sequenceOf[p.MessageId].Sequence).ToList();
            sequences.ShouldBe(sequences.Order().ToList(), $"alert {alert.Key} was published in order");
        }
        published.Count(p => p.RoutingKey == RoutingKeys.AlertRaised).ShouldBe(5);
        published.Count(p => p.RoutingKey == RoutingKeys.AlertEscalated).ShouldBe(4);
        published.Count(p => p.RoutingKey == RoutingKeys.AlertResolved).ShouldBe(4);
    }

    [Fact]
    public async Task Events_arriving_while_the_database_is_locked_are_not_acked_and_are_applied_once_after_it_returns()
    {
        await using var bed = await AlertingTestBed.CreateAsync("dbdown");
        var app = await bed.StartAlertingAsync();
        var health = app.Get<HealthCheckService>();

        // Another process holds the write lock (a backup, a long maintenance transaction): in WAL mode Alerting can
        // still read, but every commit fails with SQLITE_BUSY.
        var blocker = new SqliteConnection($"Data Source={bed.DatabasePath};Pooling=False");
        await blocker.OpenAsync();
        await using (var command = blocker.CreateCommand())
        {
            command.CommandText = "BEGIN EXCLUSIVE;";
            await command.ExecuteNonQueryAsync();
        }

        var sensors = Enumerable.Range(1, 5).Select(i => $"s-db-{i}").ToList();
        foreach (var sensor in sensors)
        {
            await bed.PublishAsync(Noise.Exceeded(sensor, level: 68));
            await bed.PublishAsync(Noise.Exceeded(sensor, level: 79));
        }

        await Eventually.TrueAsync(() => app.Logs.Events.Count(e =>
            e.MessageTemplate.Text.StartsWith("Database unavailable", StringComparison.Ordinal)) >= 3,
            Noise.Timeout, "Alerting retried against the locked database several times");
        var report = await health.CheckHealthAsync();
        report.Entries["database"].Status.ShouldBe(HealthStatus.Unhealthy);
        report.Status.ShouldBe(HealthStatus.Unhealthy);
        // Nothing was given up on: no retry round trips, nothing parked.
        (await bed.CountMessagesAsync(Queues.DeadOf(Queues.AlertingNoise))).ShouldBe(0u);
        (await bed.CountMessagesAsync(Queues.RetryOf(Queues.AlertingNoise))).ShouldBe(0u);

        await blocker.CloseAsync(); // releases the lock (the transaction rolls back)
        await blocker.DisposeAsync();

        var alerts =
            await bed.AlertsWhenAsync(a => a.Count == 5 && a.All(x => x.Version == 2), "every event was applied");
        alerts.ShouldAllBe(a => a.Severity == AlertSeverity.Critical);
        await using var db = bed.OpenDatabase();
        (await db.AlertEvents.CountAsync()).ShouldBe(10);
        (await db.Inbox.CountAsync()).ShouldBe(10);
        await bed.PublishedAsync(10);
        (await bed.CountMessagesAsync(Queues.AlertingNoise)).ShouldBe(0u);
        (await bed.CountMessagesAsync(Queues.DeadOf(Queues.AlertingNoise))).ShouldBe(0u);
        (await health.CheckHealthAsync()).Status.ShouldBe(HealthStatus.Healthy);
    }
}
