using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Nop.Contracts;

namespace Nop.Processing.Aggregation;

// The checkpoint format of SensorAggregates: compact binary, versioned by its first byte. A
// delta holds the given sensors with only the reading-id hashes added since their last checkpoint
// (ReadingIdSet.Persisted); a snapshot holds them whole. A partition's state is its last snapshot
// with the deltas written after it applied in order.
//
// Layout (little endian): version byte, sensor count; per sensor its header fields, its open windows (start,
// correlation id, energy, seconds, count, LAmax, spikes, distribution classes, ids) and its remembered closed windows
// (start, end, ids). Ids are written as "first index, count, hashes": a delta starts at the persisted count and
// carries the new hashes only, a snapshot starts at 0, so the size of a delta grows by 8 bytes per new reading and
// never with the sensor's history. The closed windows start with "forgotten, kept": a delta drops the first
// forgotten of the sensor's closed windows in the state it is applied to, keeps the next kept ones as they are
// and carries only those closed or changed since (a snapshot: 0, 0 and all of them).
public static class SensorAggregateCodec
{
    // 2 added ImplausibleReported after OfflineReported; 3 added "forgotten, kept" before the closed windows (which
    // version 2 deltas repeated whole, ~500 bytes per sensor) and writes distribution classes as 2 bytes instead of 4.
    // Blobs of versions 1 and 2 (written before) still read.
    private const byte Version = 3;
    private const byte FirstVersion = 1;

    public static byte[] Delta(IEnumerable<SensorAggregate> changed) => Write(changed, delta: true);

    public static byte[] Snapshot(IEnumerable<SensorAggregate> all) => Write(all, delta: false);

    // Applies a snapshot or delta onto sensors: each sensor in it replaces its header
    // fields, keeps the hashes of windows still open or remembered and appends the new ones. Hashes read are
    // ReadingIdSet.Persisted.
    // Throws InvalidDataException: An unknown version, a truncated blob, or a delta that does not follow
    // the state it is applied to (a window holds fewer hashes than the delta continues from).
    public static void Apply(ReadOnlySpan<byte> blob, IDictionary<string, SensorAggregate> sensors)
    {
        var reader = new Reader(blob);
        var version = reader.Byte();
        if (version is < FirstVersion or > Version)
        {
            throw new InvalidDataException($"Checkpoint format version {version} is not known (expected {Version}).");
        }
        var count = reader.Int();
        for (var i = 0; i < count; i++)
        {
            var sensor = ReadSensor(ref reader, sensors, version);
            sensors[sensor.SensorId] = sensor;
        }
        if (!reader.AtEnd)
        {
            throw new InvalidDataException("Checkpoint has bytes after its last sensor.");
        }
    }

    private static byte[] Write(IEnumerable<SensorAggregate> sensors, bool delta)
    {
        var w = new Writer();
        w.Byte(Version);
        w.Int(0); // the count, filled in below
        var count = 0;
        foreach (var sensor in sensors)
        {
            WriteSensor(ref w, sensor, delta);
            count++;
        }
        var bytes = w.ToArrayAndReturn();
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), count);
        return bytes;
    }

    private static void WriteSensor(ref Writer w, SensorAggregate s, bool delta)
    {
        w.String(s.SensorId);
        w.Byte((byte)s.Zone);
        w.Time(s.ClosedUntil);
        w.Time(s.MaxEventTime);
        w.Int(s.PendingLate);
        WriteRule(ref w, s.LevelRule);
        WriteRule(ref w, s.SpikeRateRule);
        w.Bool(s.LastLaeq.HasValue);
        w.Double(s.LastLaeq ?? 0);
        w.Int(s.RepeatCount);
        w.Bool(s.StuckReported);
        w.Bool(s.OfflineReported);
        w.Bool(s.ImplausibleReported);
        w.Int(s.Windows.Count);
        foreach (var window in s.Windows)
        {
            w.Long(window.Start.UtcTicks);
            w.Bool(window.CorrelationId is not null);
            if (window.CorrelationId is not null)
            {
                w.String(window.CorrelationId);
            }
            w.Double(window.Energy);
            w.Double(window.Seconds);
            w.Int(window.Count);
            w.Double(window.Lamax);
            w.Int(window.Spikes);
            w.Int(window.Distribution.Count);
            var classes = window.Distribution.ClassKeys;
            var seconds = window.Distribution.ClassSeconds;
            for (var i = 0; i < classes.Length; i++)
            {
                // Levels lie in 0–194 dB (classes 0–1,940): an invalid reading never reaches a window.
                w.UShort(checked((ushort)classes[i]));
                w.Double(seconds[i]);
            }
            WriteIds(ref w, window.Ids, delta);
        }
        var kept = delta ? Kept(s) : 0;
        w.Int(delta ? s.ClosedForgotten : 0);
        w.Int(kept);
        w.Int(s.RecentlyClosed.Count - kept);
        for (var i = kept; i < s.RecentlyClosed.Count; i++)
        {
            var closed = s.RecentlyClosed[i];
            w.Long(closed.Start.UtcTicks);
            w.Long(closed.End.UtcTicks);
            WriteIds(ref w, closed.Ids, delta);
        }
    }

    // The leading closed windows the last checkpoint holds unchanged (the newest may have gained late readings'
    // hashes since).
    private static int Kept(SensorAggregate s)
    {
        for (var i = 0; i < s.ClosedPersisted; i++)
        {
            if (s.RecentlyClosed[i].Ids.Persisted != s.RecentlyClosed[i].Ids.Count)
            {
                return i;
            }
        }
        return s.ClosedPersisted;
    }

    private static void WriteIds(ref Writer w, ReadingIdSet ids, bool delta)
    {
        var from = delta ? ids.Persisted : 0;
        w.Int(from);
        w.Int(ids.Count - from);
        w.ULongs(ids.Span[from..]);
    }

    private static void WriteRule(ref Writer w, RuleCounters rule)
    {
        w.Int(rule.Above);
        w.Int(rule.Below);
        w.Bool(rule.Open);
        w.Time(rule.LastWindowEnd);
    }

    private static SensorAggregate ReadSensor(ref Reader r, IDictionary<string, SensorAggregate> sensors, byte version)
    {
        var sensor = new SensorAggregate { SensorId = r.String() };
        // The hashes already known for each window start, whether the window was open or closed then.
        var known = sensors.TryGetValue(sensor.SensorId, out var previous) ? KnownIds(previous) : [];
        sensor.Zone = (Zone)r.Byte();
        sensor.ClosedUntil = r.Time();
        sensor.MaxEventTime = r.Time();
        sensor.PendingLate = r.Int();
        sensor.LevelRule = ReadRule(ref r);
        sensor.SpikeRateRule = ReadRule(ref r);
        var hasLastLaeq = r.Bool();
        var lastLaeq = r.Double();
        sensor.LastLaeq = hasLastLaeq ? lastLaeq : null;
        sensor.RepeatCount = r.Int();
        sensor.StuckReported = r.Bool();
        sensor.OfflineReported = r.Bool();
        sensor.ImplausibleReported = version >= 2 && r.Bool();
        var windows = r.Int();
        for (var i = 0; i < windows; i++)
        {
            var window = new WindowAggregate { Start = new DateTimeOffset(r.Long(), TimeSpan.Zero) };
            window.CorrelationId = r.Bool() ? r.String() : null;
            window.Energy = r.Double();
            window.Seconds = r.Double();
            window.Count = r.Int();
            window.Lamax = r.Double();
            window.Spikes = r.Int();
            var classes = r.Int();
            for (var c = 0; c < classes; c++)
            {
                window.Distribution.AddClass(version >= 3 ? r.UShort() : r.Int(), r.Double());
            }
            ReadIds(ref r, window.Ids, known.GetValueOrDefault(window.Start.UtcTicks), sensor.SensorId);
            sensor.Windows.Add(window);
        }
        if (version >= 3)
        {
            var forgotten = r.Int();
            var kept = r.Int();
            if (kept > 0)
            {
                if (previous is null || forgotten < 0 || previous.RecentlyClosed.Count - forgotten < kept)
                {
                    throw new InvalidDataException(
                        $"Delta for sensor {sensor.SensorId} keeps closed windows {forgotten}..{forgotten + kept} "
                        + $"of {previous?.RecentlyClosed.Count ?? 0}: a checkpoint is missing.");
                }
                // Unchanged since that checkpoint: the previous state's objects are taken over as they are.
                sensor.RecentlyClosed.AddRange(previous.RecentlyClosed.GetRange(forgotten, kept));
            }
        }
        var closedCount = r.Int();
        for (var i = 0; i < closedCount; i++)
        {
            var start = r.Long();
            var closed = new ClosedWindow
            {
                Start = new DateTimeOffset(start, TimeSpan.Zero),
                End = new DateTimeOffset(r.Long(), TimeSpan.Zero),
            };
            ReadIds(ref r, closed.Ids, known.GetValueOrDefault(start), sensor.SensorId);
            sensor.RecentlyClosed.Add(closed);
        }
        return sensor;
    }

    private static Dictionary<long, ReadingIdSet> KnownIds(SensorAggregate sensor)
    {
        var known = new Dictionary<long, ReadingIdSet>();
        foreach (var window in sensor.Windows)
        {
            known[window.Start.UtcTicks] = window.Ids;
        }
        foreach (var closed in sensor.RecentlyClosed)
        {
            known[closed.Start.UtcTicks] = closed.Ids;
        }
        return known;
    }

    private static void ReadIds(ref Reader r, ReadingIdSet ids, ReadingIdSet? known, string sensorId)
    {
        var from = r.Int();
        var count = r.Int();
        if (from > 0)
        {
            if (known is null || known.Count < from)
            {
                throw new InvalidDataException(
                    $"Delta for sensor {sensorId} continues a window from hash {from}, but the state holds "
                    + $"{known?.Count ?? 0}: a checkpoint is missing.");
            }
            ids.AddRange(known.Span[..from]);
        }
        for (var i = 0; i < count; i++)
        {
            ids.Add(r.ULong());
        }
        ids.Persisted = ids.Count;
    }

    private static RuleCounters ReadRule(ref Reader r) =>
        new() { Above = r.Int(), Below = r.Int(), Open = r.Bool(), LastWindowEnd = r.Time() };

    // Writes little endian into one growing array (BinaryWriter over a MemoryStream cost a stream call per field and
    // a copy per growth; a busy partition's snapshot is megabytes). The array is pooled: a delta of a busy partition
    // is a large object, and a fresh one per checkpoint would cost full garbage collections.
    private struct Writer()
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        private int _at;

        public void Byte(byte value) => Take(1)[0] = value;

        public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

        public void UShort(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Take(2), value);

        public void Int(int value) => BinaryPrimitives.WriteInt32LittleEndian(Take(4), value);

        public void Long(long value) => BinaryPrimitives.WriteInt64LittleEndian(Take(8), value);

        public void Double(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Take(8), value);

        // Times are stored as UTC ticks, 0 for none (no event time lies in year 1).
        public void Time(DateTimeOffset? time) => Long(time?.UtcTicks ?? 0);

        public void String(string value)
        {
            var length = Encoding.UTF8.GetByteCount(value);
            Int(length);
            Encoding.UTF8.GetBytes(value, Take(length));
        }

        public void ULongs(ReadOnlySpan<ulong> values)
        {
            var target = Take(values.Length * sizeof(ulong));
            if (BitConverter.IsLittleEndian)
            {
                MemoryMarshal.AsBytes(values).CopyTo(target);
                return;
            }
            for (var i = 0; i < values.Length; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(target[(i * sizeof(ulong))..], values[i]);
            }
        }

        public byte[] ToArrayAndReturn()
        {
            var bytes = _buffer.AsSpan(0, _at).ToArray();
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            return bytes;
        }

        private Span<byte> Take(int length)
        {
            if (_at + length > _buffer.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _at + length));
                _buffer.AsSpan(0, _at).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = larger;
            }
            var span = _buffer.AsSpan(_at, length);
            _at += length;
            return span;
        }
    }

    private ref struct Reader(ReadOnlySpan<byte> blob)
    {
        private readonly ReadOnlySpan<byte> _blob = blob;
        private int _at;

        public readonly bool AtEnd => _at == _blob.Length;

        public byte Byte() => Take(1)[0];

        public bool Bool() => Byte() != 0;

        public ushort UShort() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));

        public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long Long() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public ulong ULong() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public double Double() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

        public DateTimeOffset? Time() => Long() is var ticks and not 0 ? new DateTimeOffset(ticks,
            TimeSpan.Zero) : null;

        public string String() => Encoding.UTF8.GetString(Take(Int()));

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length < 0 || _at + length > _blob.Length)
            {
                throw new InvalidDataException("Checkpoint is truncated.");
            }
            var span = _blob.Slice(_at, length);
            _at += length;
            return span;
        }
    }
}
