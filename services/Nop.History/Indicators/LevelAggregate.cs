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
    public void AddWindow(NoiseLevelMeasured window) => throw new NotImplementedException();

    public void Merge(LevelAggregate other) => throw new NotImplementedException();

    // dB(A); null while nothing is covered.
    public double? Laeq => throw new NotImplementedException();

    // The point for [start, end): coverage is CoveredSeconds over its length.
    public LevelPoint ToPoint(DateTimeOffset start, DateTimeOffset end) => throw new NotImplementedException();
}
