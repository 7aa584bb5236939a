using Microsoft.EntityFrameworkCore;
using Nop.Alerting.Tests.Support;

namespace Nop.Alerting.Tests;

public sealed class WarmUpTests
{
    [Fact]
    public async Task The_start_up_warm_up_leaves_nothing_behind_and_the_first_event_is_handled_as_any_other()
    {
        await using var bed = await AlertingTestBed.CreateAsync("warm-up");
        await bed.StartAlertingAsync();
        await using (var db = bed.OpenDatabase())
        {
            (await db.Inbox.CountAsync()).ShouldBe(0);
            (await db.ThresholdMarks.CountAsync()).ShouldBe(0);
            (await db.Alerts.CountAsync()).ShouldBe(0);
            (await db.Outbox.CountAsync()).ShouldBe(0);
        }

        await bed.PublishAsync(Noise.Exceeded("warm-up", level: 70));
        (await bed.PublishedAsync(1)).Single().Body.ShouldContain("\"warm-up\"");
        await using (var db = bed.OpenDatabase())
        {
            (await db.ThresholdMarks.CountAsync()).ShouldBe(1);
        }
    }
}
