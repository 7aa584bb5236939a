namespace Nop.Processing.Aggregation;

// The arithmetic of event-time windows and sound levels; pure functions.
public static class WindowMath
{
    // The start of the tumbling window holding time: windows are aligned to the Unix epoch,
    // start inclusive, end exclusive.
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

    // The start (UTC ticks) of the window of size ticks holding ticks.
    public static long WindowStart(long ticks, long size)
    {
        var offset = (ticks - DateTimeOffset.UnixEpoch.UtcTicks) % size;
        return ticks - (offset < 0 ? offset + size : offset);
    }

    // The equivalent continuous level of an energy sum Σ tᵢ·10^(Lᵢ/10) over seconds:
    // 10·lg(energy / seconds). Decibels are logarithmic, so 20, 50 and 80 dB for a second each give 75.2 dB, not 50.
    // (10^(194/10) is about 2.5·10^19: a double holds such sums for centuries of covered time without overflow.)
    public static double Level(double energy, double seconds) => 10 * Math.Log10(energy / seconds);

    // Rounds a level for publishing (0.01 dB is far below any sound level meter's accuracy).
    public static double Round(double level) => Math.Round(level, 2, MidpointRounding.AwayFromZero);
}
