namespace Nop.Processing.Aggregation;

/// <summary>
/// A sparse duration-weighted level distribution with 0.1 dB classes, as a sound level meter keeps one: class (the
/// level in tenths of a dB, rounded) → seconds. Mergeable: the distribution of an hour is the sum of its windows'.
/// </summary>
public sealed class LevelDistribution
{
    /// <summary>The class of a level: tenths of a dB, rounded to nearest (65.24 → 652).</summary>
    public static int ClassOf(double level) => throw new NotImplementedException();

    /// <summary>Adds <paramref name="seconds"/> at <paramref name="level"/>.</summary>
    public void Add(double level, double seconds) => throw new NotImplementedException();

    /// <summary>Adds another distribution's seconds.</summary>
    public void Merge(LevelDistribution other) => throw new NotImplementedException();

    /// <summary>The level exceeded <paramref name="percent"/> % of the covered time (L10: percent 10): the highest class
    /// at which the time at or above it reaches that share. No interpolation: always a level that was measured.</summary>
    public double Exceeded(double percent) => throw new NotImplementedException();

    /// <summary>Class → seconds, for <c>NoiseLevelMeasured.Distribution</c> and the checkpoint.</summary>
    public IReadOnlyDictionary<int, double> Classes => throw new NotImplementedException();
}
