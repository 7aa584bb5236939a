using Nop.Processing.Aggregation;

namespace Nop.Processing.Tests;

[Trait("Category", "Unit")]
public sealed class WindowMathTests
{
    [Fact]
    public void The_level_of_20_50_and_80_dB_for_a_second_each_is_75_2_dB_not_50()
    {
        // 10·lg((10^2 + 10^5 + 10^8) / 3) = 75.23 dB.
        WindowMath.Level(1e2 + 1e5 + 1e8, 3).ShouldBe(75.23, tolerance: 0.005);
    }

    [Fact]
    public void The_level_weighs_each_reading_by_its_duration()
    {
        // 9 s of 60 dB and 1 s of 70 dB: 10·lg((9·10^6 + 10^7) / 10) = 62.79 dB.
        WindowMath.Level((9 * 1e6) + 1e7, 10).ShouldBe(62.79, tolerance: 0.005);
        WindowMath.Level(3 * 1e6, 3).ShouldBe(60, tolerance: 1e-9);
    }

    [Fact]
    public void The_level_of_very_loud_sound_over_a_long_time_does_not_overflow()
    {
        WindowMath.Level(2e6 * Math.Pow(10, 19.4), 2e6).ShouldBe(194, tolerance: 1e-9);
    }

    [Theory]
    [InlineData("2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z")]
    [InlineData("2026-01-01T10:00:59.9999999Z", "2026-01-01T10:00:00Z")]
    [InlineData("2026-01-01T10:01:00Z", "2026-01-01T10:01:00Z")]
    [InlineData("2026-01-01T11:00:30+01:00", "2026-01-01T10:00:00Z")]
    public void Windows_are_aligned_to_the_epoch_start_inclusive_end_exclusive(string time, string expectedStart)
    {
        var start = WindowMath.WindowStart(DateTimeOffset.Parse(time,
            System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(1));

        start.ShouldBe(DateTimeOffset.Parse(expectedStart, System.Globalization.CultureInfo.InvariantCulture));
        start.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Five_minute_windows_start_on_multiples_of_five_minutes_since_the_epoch()
    {
        WindowMath.WindowStart(DateTimeOffset.Parse("2026-01-01T10:07:12Z",
            System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(5))
            .ShouldBe(DateTimeOffset.Parse("2026-01-01T10:05:00Z", System.Globalization.CultureInfo.InvariantCulture));
    }
}
