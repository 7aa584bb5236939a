namespace Nop.History.Indicators;

// A duration-weighted level distribution: class → seconds, the class being the level in tenths of a dB (652 =
// 65.2 dB(A), levels from 65.15 up to 65.25), as NoiseLevelMeasured.Distribution carries it. Merging two is adding
// seconds per class, so hours and days are built from windows without ever averaging levels.
public sealed class LevelHistogram
{
    public static LevelHistogram From(IReadOnlyDictionary<int, double> distribution) =>
        throw new NotImplementedException();

    // Adds seconds to one class.
    public void Add(int levelClass, double seconds) => throw new NotImplementedException();

    public void Merge(LevelHistogram other) => throw new NotImplementedException();

    public double TotalSeconds => throw new NotImplementedException();

    public bool IsEmpty => TotalSeconds <= 0;

    // Ln: the level exceeded during n % of the covered time (L10: n = 10), dB(A); null when empty.
    public double? Exceeded(double percent) => throw new NotImplementedException();

    // Seconds spent above a level (classes whose level is above it).
    public double SecondsAbove(double level) => throw new NotImplementedException();

    // A compact binary form for a database column, and back.
    public byte[] Encode() => throw new NotImplementedException();

    public static LevelHistogram Decode(ReadOnlySpan<byte> bytes) => throw new NotImplementedException();
}
