using System.ComponentModel.DataAnnotations;

namespace Nop.History.Tests;

[Trait("Category", "Unit")]
public sealed class OptionsTests
{
    [Theory]
    [InlineData(7, 19, 23, true)] // Directive 2002/49/EC
    [InlineData(6, 18, 22, true)] // shifted by an hour
    [InlineData(22, 6, 18, true)] // same order around the clock: night, day, evening
    [InlineData(7, 23, 19, false)] // evening after night
    [InlineData(7, 7, 23, false)]
    public void The_periods_must_begin_in_order_around_the_clock(int day, int evening, int night, bool valid)
    {
        var options = new HistoryOptions { DayStartHour = day, EveningStartHour = evening, NightStartHour = night };
        options.Validate(new ValidationContext(options)).Any().ShouldBe(!valid);
    }

    [Fact]
    public void An_unknown_time_zone_is_refused()
    {
        var options = new HistoryOptions { TimeZone = "Mars/Olympus_Mons" };
        options.Validate(new ValidationContext(options)).ShouldContain(r => r.MemberNames.Contains("TimeZone"));
    }
}
