using Nop.Contracts;

namespace Nop.History.Indicators;

// What History keeps of any stretch of time (an hour row, a day being summed up): the sound energy over the covered
// seconds, the maximum, the merged level distribution and the seconds above the limit. Every figure of a longer
// stretch comes from merging these, never from averaging levels.
public sealed class LevelAggregate
{
    // Σ seconds · 10^(L/10) over the covered seconds; LAeq = 10·lg(Energy / CoveredSeconds).
    public double Energy { get; set; }

    public double CoveredSeconds { get; set; }

    // dB(A); null while nothing is covered.
    public double? Lamax { get; set; }

    // Seconds above the limit in force for each window (the window's Threshold).
    public double ExceedanceSeconds { get; set; }

    public LevelHistogram Histogram { get; set; } = new();

    // Adds one closed window: its covered seconds (Coverage × length) at its LAeq, its maximum, its distribution and
    // its seconds above its threshold.
    public void AddWindow(NoiseLevelMeasured window)
    {
        // A window from a Processing older than v2 has no Coverage and no Distribution: it counts as fully covered,
        // all at its LAeq (the best that can be said of it; its L10–L90 then come out as its LAeq).
        var covered = Covered(window);
        if (covered <= 0)
        {
            return;
        }
        // The energy comes from the exact LAeq, not from the 0.1 dB classes.
        Energy += covered * Math.Pow(10, window.Laeq / 10);
        CoveredSeconds += covered;
        Lamax = Math.Max(Lamax ?? double.MinValue, window.Lamax);
        ExceedanceSeconds += SecondsAbove(window);
        // Straight into this histogram, no histogram per window: the writer adds thousands of windows a second.
        if (window.Distribution is { Count: > 0 } classes)
        {
            foreach (var (levelClass, seconds) in classes)
            {
                Histogram.Add(levelClass, seconds);
            }
        }
        else
        {
            Histogram.Add(ClassOf(window.Laeq), covered);
        }
    }

    // The seconds of one window above its threshold (its classes above it; without a distribution, all of its covered
    // time if its LAeq is above it), as AddWindow counts them.
    public static double SecondsAbove(NoiseLevelMeasured window)
    {
        if (window.Distribution is not { Count: > 0 } classes)
        {
            var covered = Covered(window);
            return covered > 0 && ClassOf(window.Laeq) / 10.0 > window.Threshold ? covered : 0;
        }
        double seconds = 0;
        foreach (var (levelClass, classSeconds) in classes)
        {
            if (classSeconds > 0 && levelClass / 10.0 > window.Threshold)
            {
                seconds += classSeconds;
            }
        }
        return seconds;
    }

    public void Merge(LevelAggregate other)
    {
        Energy += other.Energy;
        CoveredSeconds += other.CoveredSeconds;
        if (other.Lamax is { } lamax)
        {
            Lamax = Math.Max(Lamax ?? double.MinValue, lamax);
        }
        ExceedanceSeconds += other.ExceedanceSeconds;
        Histogram.Merge(other.Histogram);
    }

    // dB(A); null while nothing is covered.
    public double? Laeq => CoveredSeconds > 0 ? 10 * Math.Log10(Energy / CoveredSeconds) : null;

    // The point for [start, end): coverage is CoveredSeconds over its length.
    public LevelPoint ToPoint(DateTimeOffset start, DateTimeOffset end) =>
        ToPoint(start, end, Histogram.Exceeded(10, 50, 90));

    // The same with L10, L50 and L90 already known (read from an encoded histogram).
    public LevelPoint ToPoint(DateTimeOffset start, DateTimeOffset end, double?[] ln)
    {
        var length = (end - start).TotalSeconds;
        // Capped at 1: rounding in the summed seconds must not report more than all of the time.
        var coverage = length > 0 ? Math.Min(1, CoveredSeconds / length) : 0;
        return new LevelPoint(start, end, Laeq, Lamax, ln[0], ln[1], ln[2], coverage);
    }

    private static double Covered(NoiseLevelMeasured window) =>
        (window.Coverage ?? 1) * (window.WindowEnd - window.WindowStart).TotalSeconds;

    // The 0.1 dB class of a level, rounded as Processing rounds it (65.25 → 653).
    private static int ClassOf(double level) => (int)Math.Round(level * 10, MidpointRounding.AwayFromZero);
}
