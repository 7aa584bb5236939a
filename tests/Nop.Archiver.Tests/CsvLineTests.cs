using Nop.Contracts;

namespace Nop.Archiver.Tests;

// The CSV row of a window: what a spreadsheet or a script reading the archive relies on.
[Trait("Category", "Unit")]
public sealed class CsvLineTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 15, 23, 59, 0, TimeSpan.Zero);

    [Fact]
    public void A_window_without_l50_and_coverage_leaves_them_empty()
    {
        var window = new NoiseLevelMeasured("s-1", Zone.Quiet, Start, Start.AddMinutes(1), 55.1, 70, 60.3, 44.9,
            60, 0, 0, DayPeriod.Night, 40);

        CsvArchive.Line(window).ShouldBe(
            "s-1,quiet,2026-06-15T23:59:00Z,2026-06-16T00:00:00Z,55.1,70,60.3,,44.9,,false");
    }

    [Fact]
    public void Times_are_utc_with_their_fraction_and_numbers_read_back_exactly()
    {
        var start = new DateTimeOffset(2026, 6, 16, 1, 0, 0, 500, TimeSpan.FromHours(2));
        var window = new NoiseLevelMeasured("s1", Zone.Commercial, start, start.AddSeconds(30), 0.1 + 0.2, 1e-5, 1,
            0, 30, 0, 0, DayPeriod.Day, 65, L50: 2.5, Coverage: 1, Maintenance: true);

        CsvArchive.Line(window).ShouldBe(
            "s1,commercial,2026-06-15T23:00:00.5Z,2026-06-15T23:00:30.5Z,0.30000000000000004,1E-05,1,2.5,0,1,true");
    }

    [Fact]
    public void A_sensor_id_with_a_comma_or_quote_is_quoted()
    {
        var window = new NoiseLevelMeasured("a,\"b\"", Zone.Industrial, Start, Start.AddMinutes(1), 50, 50, 50, 50,
            60, 0, 0, DayPeriod.Day, 70);

        CsvArchive.Line(window).ShouldStartWith("\"a,\"\"b\"\"\",industrial,");
    }
}
