using Microsoft.EntityFrameworkCore;
using Nop.Alerting.Data;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;
using Nop.Persistence.Outbox;

namespace Nop.Alerting.Tests;

/// <summary>The relay publishes the rows a commit hands it without reading them back, unless a row it was not handed
/// may be waiting before them.</summary>
public sealed class OutboxHandOverTests
{
    // No poll while a test runs: what is published comes from the commits' hand-overs and the reads they cause.
    private static readonly Dictionary<string, string?> NoPoll =
        new() { ["Alerting:Outbox:PollInterval"] = "00:05:00" };

    [Fact]
    public async Task Rows_handed_over_by_commits_are_published_in_order_without_reading_them_back()
    {
        await using var bed = await AlertingTestBed.CreateAsync("outbox-hand-over");
        var app = await bed.StartAlertingAsync(settings: NoPoll);

        for (var i = 1; i <= 6; i++)
        {
            await bed.PublishAsync(Noise.Spike($"s-hand-{i}", level: 105));
            await bed.PublishedAsync(i); // one commit at a time: each row follows the last one published
        }

        var published = await bed.PublishedAsync(6);
        for (var i = 0; i < 6; i++)
        {
            published[i].Body.ShouldContain($"\"s-hand-{i + 1}\"");
        }
        // The first row is read (the relay knows nothing published yet); the later ones were handed over.
        app.Get<OutboxRelay<AlertingDbContext>>().HandedOver.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_row_committed_without_a_hand_over_is_not_overtaken_by_a_later_row_of_its_alert()
    {
        await using var bed = await AlertingTestBed.CreateAsync("outbox-hand-over-gap");
        await bed.StartAlertingAsync(settings: NoPoll);
        await bed.PublishAsync(Noise.Exceeded("s-gap", level: 70));
        await bed.PublishedAsync(1);

        // A row of the same alert committed by someone else (another instance): nothing hands it to this relay.
        await using (var db = bed.OpenDatabase())
        {
            var alert = await db.Alerts.SingleAsync();
            db.Outbox.Add(new OutboxMessage
            {
                MessageId = "other-instance",
                Type = AlertEscalated.MessageType,
                RoutingKey = RoutingKeys.AlertEscalated,
                Body = "{}",
                CorrelationId = "corr",
                Key = alert.Id.ToString(),
                CreatedAt = DateTimeOffset.UtcNow,
            }).Property(AlertingDbContext.OutboxSequence).CurrentValue = alert.Version + 1;
            await db.SaveChangesAsync();
        }
        await bed.PublishAsync(Noise.Exceeded("s-gap", level: 80, windowEnd: Noise.WindowEnd(2)));

        // The hand-over of the escalation follows a row the relay has not published: it reads, and keeps the order.
        var published = await bed.PublishedAsync(3);
        published.Select(p => p.MessageId).ElementAt(1).ShouldBe("other-instance");
        published[2].Type.ShouldBe(AlertEscalated.MessageType);
    }
}
