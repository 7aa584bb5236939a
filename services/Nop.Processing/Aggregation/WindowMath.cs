namespace Nop.Processing.Aggregation;

/// <summary>The arithmetic of event-time windows and sound levels; pure functions.</summary>
public static class WindowMath
{
    /// <summary>The start of the tumbling window holding <paramref name="time"/>: windows are aligned to the Unix epoch,
    /// start inclusive, end exclusive.</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset time, TimeSpan size)
    {
        var sinceEpoch = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var offset = sinceEpoch % size.Ticks;
        if (offset < 0)
        {
            offset += size.Ticks;
        }
        return new DateTimeOffset(time.UtcTicks - offset, TimeSpan.Zero);
    }

    /// <summary>The start (UTC ticks) of the window of <paramref name="size"/> ticks holding <paramref name="ticks"/>.</summary>
    public static long WindowStart(long ticks, long size)
    {
        var offset = (ticks - DateTimeOffset.UnixEpoch.UtcTicks) % size;
        return ticks - (offset < 0 ? offset + size : offset);
    }

    /// <summary>The equivalent continuous level of an energy sum Σ tᵢ·10^(Lᵢ/10) over <paramref name="seconds"/>:
    /// 10·lg(energy / seconds).</summary>
    public static double Level(double energy, double seconds) => 10 * Math.Log10(energy / seconds);

    /// <summary>
    /// Energy (equivalent continuous) average LAeq = 10·log10(Σ tᵢ·10^(Lᵢ/10) / Σ tᵢ): decibels are logarithmic,
    /// so 20, 50 and 80 dB average to 75.2 dB, not 50.
    /// </summary>
    public static double EnergyAverage(IReadOnlyList<double> levels, IReadOnlyList<double> durations)
    {
        if (levels.Count == 0 || levels.Count != durations.Count)
        {
            throw new ArgumentException("One duration per level, and at least one level.", nameof(levels));
        }
        // Factor out the loudest level so 10^(L/10) cannot overflow or lose the quiet ones in rounding.
        var max = levels.Max();
        double energy = 0, time = 0;
        for (var i = 0; i < levels.Count; i++)
        {
            energy += durations[i] * Math.Pow(10, (levels[i] - max) / 10);
            time += durations[i];
        }
        return max + (10 * Math.Log10(energy / time));
    }

    /// <summary>
    /// The <paramref name="percentile"/>-th percentile (0–100) by linear interpolation between closest ranks
    /// (as Excel's PERCENTILE.INC). L10, the level exceeded 10 % of the time, is the 90th percentile.
    /// </summary>
    public static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            throw new ArgumentException("At least one value.", nameof(values));
        }
        var sorted = values.Order().ToArray();
        var rank = percentile / 100 * (sorted.Length - 1);
        var lower = (int)Math.Floor(rank);
        var upper = (int)Math.Ceiling(rank);
        return sorted[lower] + ((rank - lower) * (sorted[upper] - sorted[lower]));
    }

    /// <summary>Rounds a level for publishing (0.01 dB is far below any sound level meter's accuracy).</summary>
    public static double Round(double level) => Math.Round(level, 2, MidpointRounding.AwayFromZero);
}
