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
        var alertId = Guid.NewGuid();
        await using (var db = bed.OpenDatabase())
        {
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
}
