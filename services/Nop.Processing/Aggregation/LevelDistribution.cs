using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Nop.Processing.Aggregation;

// A sparse duration-weighted level distribution with 0.1 dB classes, as a sound level meter keeps one: class (the
// level in tenths of a dB, rounded) → seconds. Mergeable: the distribution of an hour is the sum of its windows'.
// Bounded: levels lie in 0–194 dB, so at most 1,941 classes, and a minute of ambient sound fills a few dozen.
// Two parallel arrays rather than a dictionary: a window holds a few dozen classes, which a vectorised search finds
// faster than a hash, in under half the memory, and a busy partition opens thousands of windows a second (each
// dictionary was the largest garbage of the aggregator). capacity: the classes expected (at most one per reading).
public sealed class LevelDistribution(int capacity = 0)
{
    private int[] _classes = capacity > 0 ? new int[capacity] : [];
    private double[] _seconds = capacity > 0 ? new double[capacity] : [];
    private int _count;

    // The class of a level: tenths of a dB, rounded to nearest (65.24 → 652).
    public static int ClassOf(double level) => (int)Math.Round(level * 10, MidpointRounding.AwayFromZero);

    // Adds seconds at level.
    public void Add(double level, double seconds) => AddClass(ClassOf(level), seconds);

    // Adds seconds to a class (as read back from a checkpoint or a message).
    public void AddClass(int levelClass, double seconds)
    {
        var i = _classes.AsSpan(0, _count).IndexOf(levelClass);
        if (i < 0)
        {
            if (_count == _classes.Length)
            {
                var size = Math.Max(8, _count * 2);
                Array.Resize(ref _classes, size);
                Array.Resize(ref _seconds, size);
            }
            i = _count++;
            (_classes[i], _seconds[i]) = (levelClass, 0);
        }
        _seconds[i] += seconds;
    }

    // Adds another distribution's seconds.
    public void Merge(LevelDistribution other)
    {
        for (var i = 0; i < other._count; i++)
        {
            AddClass(other._classes[i], other._seconds[i]);
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
        if (_count == 0)
        {
            throw new InvalidOperationException("An empty distribution exceeds no level.");
        }
        // At most 1,941 classes (see above): 23 KB on the stack at worst.
        Span<int> classes = stackalloc int[_count];
        Span<double> seconds = stackalloc double[_count];
        _classes.AsSpan(0, _count).CopyTo(classes);
        _seconds.AsSpan(0, _count).CopyTo(seconds);
        double total = 0;
        foreach (var classSeconds in seconds)
        {
            total += classSeconds;
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

    // Class → seconds, a read-only view (no copy) for NoiseLevelMeasured.Distribution.
    public IReadOnlyDictionary<int, double> Classes => new ClassView(this);

    // Classes held.
    public int Count => _count;

    // The classes and their seconds, in the same (insertion) order: the checkpoint writes them without enumerating.
    internal ReadOnlySpan<int> ClassKeys => _classes.AsSpan(0, _count);

    internal ReadOnlySpan<double> ClassSeconds => _seconds.AsSpan(0, _count);

    // Approximate bytes held: the object and its two arrays at their capacity.
    internal long EstimatedBytes() => 40 + 48 + ((long)_classes.Length * (4 + 8));

    private sealed class ClassView(LevelDistribution d) : IReadOnlyDictionary<int, double>
    {
        public int Count => d._count;

        public double this[int key] => TryGetValue(key, out var seconds) ? seconds : throw new KeyNotFoundException();

        public IEnumerable<int> Keys => d._classes.Take(d._count);

        public IEnumerable<double> Values => d._seconds.Take(d._count);

        public bool ContainsKey(int key) => d.ClassKeys.Contains(key);

        public bool TryGetValue(int key, [MaybeNullWhen(false)] out double value)
        {
            var i = d.ClassKeys.IndexOf(key);
            value = i >= 0 ? d._seconds[i] : 0;
            return i >= 0;
        }

        public IEnumerator<KeyValuePair<int, double>> GetEnumerator()
        {
            for (var i = 0; i < d._count; i++)
            {
                yield return new(d._classes[i], d._seconds[i]);
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
