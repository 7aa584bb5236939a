using Nop.Processing.Aggregation;

namespace Nop.Processing.Tests;

public sealed class WindowMathTests
{
    [Fact]
    public void Energy_average_of_20_50_and_80_dB_is_75_2_dB_not_50()
    {
        var laeq = WindowMath.EnergyAverage([20, 50, 80], [1, 1, 1]);

        laeq.ShouldBe(75.23, tolerance: 0.005);
    }

    [Fact]
    public void Energy_average_weighs_each_reading_by_its_duration()
    {
        // 9 s of 60 dB and 1 s of 70 dB: 10·log10((9·10^6 + 10^7) / 10) = 62.79 dB.
        WindowMath.EnergyAverage([60, 70], [9, 1]).ShouldBe(62.79, tolerance: 0.005);
        WindowMath.EnergyAverage([60, 60, 60], [1, 1, 1]).ShouldBe(60, tolerance: 1e-9);
    }

    [Fact]
    public void Energy_average_of_very_loud_levels_does_not_overflow()
    {
        WindowMath.EnergyAverage([194, 194], [1e6, 1e6]).ShouldBe(194, tolerance: 1e-9);
    }

    [Theory]
    [InlineData("2026-01-01T10:00:00Z", "2026-01-01T10:00:00Z")]
    [InlineData("2026-01-01T10:00:59.9999999Z", "2026-01-01T10:00:00Z")]
    [InlineData("2026-01-01T10:01:00Z", "2026-01-01T10:01:00Z")]
    [InlineData("2026-01-01T11:00:30+01:00", "2026-01-01T10:00:00Z")]
    public void Windows_are_aligned_to_the_epoch_start_inclusive_end_exclusive(string time, string expectedStart)
    {
        var start = WindowMath.WindowStart(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(1));

        start.ShouldBe(DateTimeOffset.Parse(expectedStart, System.Globalization.CultureInfo.InvariantCulture));
        start.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Five_minute_windows_start_on_multiples_of_five_minutes_since_the_epoch()
    {
        WindowMath.WindowStart(DateTimeOffset.Parse("2026-01-01T10:07:12Z", System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromMinutes(5))
            .ShouldBe(DateTimeOffset.Parse("2026-01-01T10:05:00Z", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void L10_and_L90_are_the_90th_and_10th_percentiles_by_linear_interpolation()
    {
        double[] levels = [50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60];

        WindowMath.Percentile(levels, 90).ShouldBe(59, tolerance: 1e-9);
        WindowMath.Percentile(levels, 10).ShouldBe(51, tolerance: 1e-9);
        WindowMath.Percentile([40, 60], 90).ShouldBe(58, tolerance: 1e-9);
        WindowMath.Percentile([42], 10).ShouldBe(42);
    }
}
