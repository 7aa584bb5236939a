using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Nop.Alerting.Data;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;
using Nop.Persistence.Outbox;
using Nop.Testing;

namespace Nop.Alerting.Tests;

public sealed class OutboxStopTests
{
    [Fact]
    public async Task A_relay_stopped_mid_batch_marks_what_the_broker_confirmed_so_the_next_one_does_not_send_it_again()
    {
        const int rows = 1_500;
        await using var bed = await AlertingTestBed.CreateAsync("outbox-stop");
        var settings = new Dictionary<string, string?> { ["Alerting:Outbox:BatchSize"] = rows.ToString() };
        var app = await bed.StartAlertingAsync(settings: settings);

        // One alert's rows, published one after another: a batch that takes long enough to be stopped in the middle.
        await AddRowsAsync(bed, rows);
        await Eventually.TrueAsync(() => bed.Alerts.Count >= 100, Noise.Timeout, "the relay is publishing the batch");
        await app.DisposeAsync();

        await using (var db = bed.OpenDatabase())
        {
            var marked = await db.Outbox.CountAsync(m => m.SentAt != null);
            marked.ShouldBeInRange(100, rows - 1, "stopped in the middle of the batch, confirmed rows marked");
        }
        await bed.StartAlertingAsync(settings: settings);
        var published = await bed.PublishedAsync(rows); // fails on a duplicate publish
        published.Select(p => p.MessageId).Distinct().Count().ShouldBe(rows);
    }

    [Fact]
    public async Task A_stop_that_comes_while_the_relay_marks_rows_sent_still_lets_it_finish()
    {
        const int rows = 200;
        await using var bed = await AlertingTestBed.CreateAsync("outbox-stop-marking");
        var settings = new Dictionary<string, string?>
        {
            ["Alerting:Outbox:BatchSize"] = rows.ToString(),
            // Renewed every third of this: not while the test holds the database.
            ["Alerting:Outbox:LeaseDuration"] = "00:05:00",
        };
        var app = await bed.StartAlertingAsync(settings: settings);
        await Eventually.TrueAsync(async () =>
        {
            await using var db = bed.OpenDatabase();
            return await db.Leases.AnyAsync();
        }, Noise.Timeout, "the relay holds its lease");

        // Another writer takes the database as soon as the rows are in: the relay still reads and publishes them, but
        // its marking waits (and retries) for the writer.
        await using var writer = new SqliteConnection(bed.ConnectionString);
        await writer.OpenAsync();
        await AddRowsAsync(bed, rows);
        await using (var hold = await writer.BeginTransactionAsync())
        {
            await Eventually.TrueAsync(() => bed.Alerts.Count == rows, Noise.Timeout, "the broker confirmed every row");
            // Stopped while the marking waits; the writer lets go a second later, within the relay's grace.
            var stopping = app.DisposeAsync().AsTask();
            await Task.Delay(TimeSpan.FromSeconds(1));
            await hold.RollbackAsync();
            await stopping;
        }

        await using (var db = bed.OpenDatabase())
        {
            (await db.Outbox.CountAsync(m => m.SentAt == null)).ShouldBe(0, "every confirmed row marked sent");
        }
        await bed.StartAlertingAsync(settings: settings);
        await Task.Delay(TimeSpan.FromSeconds(2));
        bed.Alerts.Count.ShouldBe(rows, "the next relay sends nothing again");
    }

    private static async Task AddRowsAsync(AlertingTestBed bed, int rows)
    {
        var alertId = Guid.NewGuid();
        await using var db = bed.OpenDatabase();
        for (var i = 1; i <= rows; i++)
        {
            db.Outbox.Add(new OutboxMessage
            {
                MessageId = $"row-{i}",
                Type = AlertEscalated.MessageType,
                RoutingKey = RoutingKeys.AlertEscalated,
                Body = "{}",
                CorrelationId = "corr",
                Key = alertId.ToString(),
                CreatedAt = DateTimeOffset.UtcNow,
            }).Property(AlertingDbContext.OutboxSequence).CurrentValue = i;
        }
        await db.SaveChangesAsync();
    }
}
