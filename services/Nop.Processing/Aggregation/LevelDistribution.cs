using System.Runtime.InteropServices;

namespace Nop.Processing.Aggregation;

// A sparse duration-weighted level distribution with 0.1 dB classes, as a sound level meter keeps one: class (the
// level in tenths of a dB, rounded) → seconds. Mergeable: the distribution of an hour is the sum of its windows'.
// Bounded: levels lie in 0–194 dB, so at most 1,941 classes, and a minute of ambient sound fills a few dozen.
// capacity: the classes expected (at most one per reading).
public sealed class LevelDistribution(int capacity = 0)
{
    private readonly Dictionary<int, double> _classes = new(capacity);

    // The class of a level: tenths of a dB, rounded to nearest (65.24 → 652).
    public static int ClassOf(double level) => (int)Math.Round(level * 10, MidpointRounding.AwayFromZero);

    // Adds seconds at level.
    public void Add(double level, double seconds) => AddClass(ClassOf(level), seconds);

    // Adds seconds to a class (as read back from a checkpoint or a message).
    public void AddClass(int levelClass, double seconds) =>
        CollectionsMarshal.GetValueRefOrAddDefault(_classes, levelClass, out _) += seconds;

    // Adds another distribution's seconds.
    public void Merge(LevelDistribution other)
    {
        foreach (var (levelClass, seconds) in other._classes)
        {
            AddClass(levelClass, seconds);
        }
    }

    // The level exceeded percent % of the covered time (L10: percent 10): the highest class
    // at which the time at or above it reaches that share. No interpolation: always a level that was measured.
    public double Exceeded(double percent)
    {
        Span<double> level = stackalloc double[1];
        Exceeded([percent], level);
        return level[0];
    }

    // The levels exceeded each of percents % of the covered time, into levels; the classes are sorted once for all.
    public void Exceeded(ReadOnlySpan<double> percents, Span<double> levels)
    {
        if (_classes.Count == 0)
        {
            throw new InvalidOperationException("An empty distribution exceeds no level.");
        }
        // At most 1,941 classes (see above): 23 KB on the stack at worst.
        Span<int> classes = stackalloc int[_classes.Count];
        Span<double> seconds = stackalloc double[_classes.Count];
        double total = 0;
        var n = 0;
        foreach (var (levelClass, classSeconds) in _classes)
        {
            (classes[n], seconds[n]) = (levelClass, classSeconds);
            total += classSeconds;
            n++;
        }
        classes.Sort(seconds);
        for (var p = 0; p < percents.Length; p++)
        {
            // A relative tolerance, so 10 % of 6 s (0.6000000000000001) is reached by 0.6 s summed in another order.
            var target = (percents[p] / 100 * total) - (total * 1e-12);
            double above = 0;
            var i = classes.Length - 1;
            for (; i > 0; i--)
            {
                above += seconds[i];
                if (above >= target)
                {
                    break;
                }
            }
            levels[p] = classes[i] / 10.0;
        }
    }

    // Class → seconds, for NoiseLevelMeasured.Distribution and the checkpoint.
    public IReadOnlyDictionary<int, double> Classes => _classes;

    // Classes held (each costs a dictionary entry).
    public int Count => _classes.Count;

    // Approximate bytes held: the object, the dictionary and its buckets and entries at their capacity.
    internal long EstimatedBytes() => 24 + 80 + ((long)_classes.EnsureCapacity(0) * (4 + 24));
}
