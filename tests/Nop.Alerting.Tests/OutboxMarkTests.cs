using Microsoft.EntityFrameworkCore;
using Nop.Alerting.Tests.Support;
using Nop.Testing;

namespace Nop.Alerting.Tests;

/// <summary>The relay marks published rows sent together, once per mark interval, not after every row: a mark is a
/// commit (a disk sync) that competes with the handlers' own.</summary>
public sealed class OutboxMarkTests
{
    [Fact]
    public async Task Published_rows_wait_for_the_mark_interval_and_a_stop_marks_them_so_none_is_sent_again()
    {
        await using var bed = await AlertingTestBed.CreateAsync("outbox-mark");
        var settings = new Dictionary<string, string?> { ["Alerting:Outbox:MarkInterval"] = "00:05:00" };
        var app = await bed.StartAlertingAsync(settings: settings);
        for (var i = 1; i <= 3; i++)
        {
            await bed.PublishAsync(Noise.Spike($"s-mark-{i}", level: 105));
            await Eventually.TrueAsync(() => bed.Alerts.Count == i, Noise.Timeout, $"alert {i} published");
        }

        // A mark after each row would have committed by now.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await using (var db = bed.OpenDatabase())
        {
            (await db.Outbox.CountAsync(m => m.SentAt == null)).ShouldBe(3, "published, waiting for the interval");
        }

        await app.DisposeAsync();
        await using (var db = bed.OpenDatabase())
        {
            (await db.Outbox.CountAsync(m => m.SentAt == null)).ShouldBe(0, "the stop marked what was confirmed");
        }
        await bed.StartAlertingAsync(settings: settings);
        await Task.Delay(TimeSpan.FromSeconds(2));
        bed.Alerts.Count.ShouldBe(3, "the next relay sends nothing again");
    }
}
