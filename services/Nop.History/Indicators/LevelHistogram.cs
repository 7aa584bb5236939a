using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Nop.History.Indicators;

// A duration-weighted level distribution: class → seconds, the class being the level in tenths of a dB (652 =
// 65.2 dB(A), levels from 65.15 up to 65.25), as NoiseLevelMeasured.Distribution carries it. Merging two is adding
// seconds per class, so hours and days are built from windows without ever averaging levels.
public sealed class LevelHistogram
{
    private readonly Dictionary<int, double> _classes = [];

    public static LevelHistogram From(IReadOnlyDictionary<int, double> distribution)
    {
        var histogram = new LevelHistogram();
        foreach (var (levelClass, seconds) in distribution)
        {
            histogram.Add(levelClass, seconds);
        }
        return histogram;
    }

    // Class → seconds.
    public IReadOnlyDictionary<int, double> Classes => _classes;

    // Adds seconds to one class.
    public void Add(int levelClass, double seconds)
    {
        if (seconds > 0)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_classes, levelClass, out _) += seconds;
        }
    }

    public void Merge(LevelHistogram other)
    {
        foreach (var (levelClass, seconds) in other._classes)
        {
            Add(levelClass, seconds);
        }
    }

    public double TotalSeconds => _classes.Values.Sum();

    // Only positive seconds are kept, so a histogram with a class is not empty.
    public bool IsEmpty => _classes.Count == 0;

    // Ln: the level exceeded during n % of the covered time (L10: n = 10), dB(A); null when empty. Counting seconds
    // from the top class down, it is the highest class at which the time at or above it reaches n % (no
    // interpolation: always a measured class). At a boundary the higher class wins: 30 min at 70 and 30 min at 50
    // give L50 = 70, since 70 dB was reached during 50 % of the time (ISO 1996-1: the level exceeded for N % of the
    // time, "at or above" as a sound level meter's class counts it); Processing reads a window's L50 the same way.
    public double? Exceeded(double percent) => Exceeded([percent])[0];

    // Several Ln at once, the classes sorted once (an hourly series asks for L10, L50 and L90 of every hour).
    public double?[] Exceeded(params ReadOnlySpan<double> percents)
    {
        if (IsEmpty)
        {
            return new double?[percents.Length];
        }
        var classes = new int[_classes.Count];
        var seconds = new double[_classes.Count];
        _classes.Keys.CopyTo(classes, 0);
        _classes.Values.CopyTo(seconds, 0);
        Array.Sort(classes, seconds);
        return Exceeded(classes, seconds, percents);
    }

    // Ln straight from the encoded form, whose classes are already ascending: no dictionary and no sort per hour, so
    // a month's hourly series (720 hours) allocates little and leaves the garbage collector little to do.
    public static double?[] Exceeded(ReadOnlySpan<byte> encoded, params ReadOnlySpan<double> percents)
    {
        var capacity = encoded.Length / 5;
        var classes = ArrayPool<int>.Shared.Rent(capacity);
        var seconds = ArrayPool<double>.Shared.Rent(capacity);
        try
        {
            var count = 0;
            foreach (var (levelClass, classSeconds) in new Reader(encoded))
            {
                // Decode keeps positive seconds only.
                if (classSeconds > 0)
                {
                    (classes[count], seconds[count]) = (levelClass, classSeconds);
                    count++;
                }
            }
            return count == 0
                ? new double?[percents.Length]
                : Exceeded(classes.AsSpan(0, count), seconds.AsSpan(0, count), percents);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(classes);
            ArrayPool<double>.Shared.Return(seconds);
        }
    }

    // Ln of ascending classes with their seconds (at least one class).
    private static double?[] Exceeded(ReadOnlySpan<int> classes, ReadOnlySpan<double> seconds,
        ReadOnlySpan<double> percents)
    {
        var levels = new double?[percents.Length];
        double total = 0;
        foreach (var classSeconds in seconds)
        {
            total += classSeconds;
        }
        for (var p = 0; p < percents.Length; p++)
        {
            // A relative tolerance, so a share reached exactly is not missed by the order the seconds were summed in.
            var target = (percents[p] / 100 * total) - (total * 1e-12);
            levels[p] = classes[0] / 10.0;
            double atOrAbove = 0;
            for (var i = classes.Length - 1; i > 0; i--)
            {
                atOrAbove += seconds[i];
                if (atOrAbove >= target)
                {
                    levels[p] = classes[i] / 10.0;
                    break;
                }
            }
        }
        return levels;
    }

    // Seconds spent above a level (classes whose level is above it; the class equal to it is not).
    public double SecondsAbove(double level)
    {
        double seconds = 0;
        foreach (var (levelClass, classSeconds) in _classes)
        {
            if (levelClass / 10.0 > level)
            {
                seconds += classSeconds;
            }
        }
        return seconds;
    }

    // A compact binary form for a database column, and back: the classes in ascending order, each as a varint (the
    // first zigzag-encoded, then the step from the previous: 1 byte for steps below 128) and its seconds as a
    // little-endian float32 (a resolution of 0.25 ms at an hour; the exact LAeq comes from the energy, not from
    // here). 5 bytes per class and one more for the first: 751 bytes for an hour spread over 15 dB.
    public byte[] Encode()
    {
        var classes = _classes.Keys.Order().ToArray();
        var buffer = new byte[classes.Length * 9];
        var length = 0;
        var previous = 0;
        for (var i = 0; i < classes.Length; i++)
        {
            var value = i == 0 ? (uint)((classes[0] << 1) ^ (classes[0] >> 31)) : (uint)(classes[i] - previous);
            length += WriteVarint(buffer.AsSpan(length), value);
            BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(length), (float)_classes[classes[i]]);
            length += 4;
            previous = classes[i];
        }
        return buffer[..length];
    }

    public static LevelHistogram Decode(ReadOnlySpan<byte> bytes)
    {
        var histogram = new LevelHistogram();
        foreach (var (levelClass, seconds) in new Reader(bytes))
        {
            histogram.Add(levelClass, seconds);
        }
        return histogram;
    }

    private static int WriteVarint(Span<byte> buffer, uint value)
    {
        var i = 0;
        for (; value >= 0x80; value >>= 7)
        {
            buffer[i++] = (byte)(value | 0x80);
        }
        buffer[i++] = (byte)value;
        return i;
    }

    private static uint ReadVarint(ref ReadOnlySpan<byte> bytes)
    {
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (bytes.IsEmpty)
            {
                throw new FormatException("A level histogram ends inside a class.");
            }
            var b = bytes[0];
            bytes = bytes[1..];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new FormatException("A level histogram holds an overlong varint.");
    }

    // The encoded classes in ascending order with their seconds, as a foreach reads them (a ref struct: no allocation).
    private ref struct Reader(ReadOnlySpan<byte> bytes)
    {
        private ReadOnlySpan<byte> _bytes = bytes;
        private bool _first = true;
        private int _class;

        public (int Class, double Seconds) Current { get; private set; }

        public readonly Reader GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_bytes.IsEmpty)
            {
                return false;
            }
            var value = ReadVarint(ref _bytes);
            _class = _first ? (int)(value >> 1) ^ -(int)(value & 1) : _class + (int)value;
            _first = false;
            if (_bytes.Length < 4)
            {
                throw new FormatException("A level histogram ends inside a class.");
            }
            Current = (_class, BinaryPrimitives.ReadSingleLittleEndian(_bytes));
            _bytes = _bytes[4..];
            return true;
        }
    }
}
