using System.Globalization;
using Nop.Notifier.Subscriptions;

namespace Nop.Notifier.Tests;

/// <summary>When quiet hours end, computed by hand for Vienna (CET, UTC+1; CEST, UTC+2 from the last Sunday of March
/// 02:00 to the last Sunday of October 03:00): over midnight, at the edges, and across both clock changes of 2026.
/// </summary>
[Trait("Category", "Unit")]
public sealed class QuietHoursTests
{
    [Theory]
    // 22:00-06:00 in summer: 23:30 CEST is quiet until 06:00 CEST next morning.
    [InlineData("22:00", "06:00", "2026-06-15T21:30:00Z", "2026-06-16T04:00:00Z")]
    // After midnight, the same night's end.
    [InlineData("22:00", "06:00", "2026-06-16T02:00:00Z", "2026-06-16T04:00:00Z")]
    // From is inside, To is not.
    [InlineData("22:00", "06:00", "2026-06-15T20:00:00Z", "2026-06-16T04:00:00Z")]
    [InlineData("22:00", "06:00", "2026-06-16T04:00:00Z", null)]
    [InlineData("22:00", "06:00", "2026-06-15T10:00:00Z", null)]
    // Within one day: 12:00-14:00 CEST.
    [InlineData("12:00", "14:00", "2026-06-15T10:30:00Z", "2026-06-15T12:00:00Z")]
    [InlineData("12:00", "14:00", "2026-06-15T12:00:00Z", null)]
    // Spring forward (29 March): 23:00 CET, the night ends at 06:00 CEST, 04:00 UTC: seven hours.
    [InlineData("22:00", "06:00", "2026-03-28T22:00:00Z", "2026-03-29T04:00:00Z")]
    // 02:30 does not exist that night (02:00 CET is 03:00 CEST): they end when the clock jumps, 01:00 UTC.
    [InlineData("22:00", "02:30", "2026-03-28T22:00:00Z", "2026-03-29T01:00:00Z")]
    // Fall back (25 October): 22:30 CEST, the night ends at 06:00 CET, 05:00 UTC: nine hours.
    [InlineData("22:00", "06:00", "2026-10-24T20:30:00Z", "2026-10-25T05:00:00Z")]
    // 02:30 happens twice that night: they end the first time, 02:30 CEST, 00:30 UTC.
    [InlineData("22:00", "02:30", "2026-10-24T21:00:00Z", "2026-10-25T00:30:00Z")]
    // Back in them at 02:10 CET (01:10 UTC), the wall clock's second pass: they end at 02:30 CET, 01:30 UTC.
    [InlineData("22:00", "02:30", "2026-10-25T01:10:00Z", "2026-10-25T01:30:00Z")]
    public void Quiet_hours_end_at_the_next_local_end_time(string from, string to, string now, string? end)
    {
        var quiet = new QuietHoursOptions
        {
            From = TimeOnly.Parse(from, CultureInfo.InvariantCulture),
            To = TimeOnly.Parse(to, CultureInfo.InvariantCulture),
            TimeZone = "Europe/Vienna",
        };

        var ends = quiet.EndAfter(DateTimeOffset.Parse(now, CultureInfo.InvariantCulture));

        ends.ShouldBe(end is null ? null : DateTimeOffset.Parse(end, CultureInfo.InvariantCulture));
    }
}
