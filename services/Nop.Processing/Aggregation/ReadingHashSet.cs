using System.Numerics;

namespace Nop.Processing.Aggregation;

// The set of a sensor's remembered reading-id hashes (SensorAggregate.Seen): every reading adds one, every forgotten
// window removes its own. An open-addressing table of the 64-bit hashes themselves, probed linearly, instead of a
// HashSet<ulong>: the sets of a partition's sensors are tens of megabytes, so each lookup is a cache miss, and a
// HashSet takes two (its bucket, then its entry) where this takes one (the slot, and its neighbours in the same
// line); measured, the HashSet's misses were about a third of the aggregator's time. Removal shifts the following
// entries back (no tombstones), so a set that adds and removes forever never degrades. 0 marks an empty slot; a hash
// that is 0 is held by a flag of its own.
public sealed class ReadingHashSet
{
    private const int MinCapacity = 16;
    private ulong[] _slots = [];
    private bool _hasZero;
    private int _count;

    public int Count => _count + (_hasZero ? 1 : 0);

    // Slots allocated (8 bytes each).
    public int Capacity => _slots.Length;

    public bool Contains(ulong hash) => hash == 0 ? _hasZero : _slots.Length > 0 && _slots[Find(hash)] == hash;

    // False if the hash was already there.
    public bool Add(ulong hash)
    {
        if (hash == 0)
        {
            return !_hasZero && (_hasZero = true);
        }
        // At most 3/4 full, so a probe seldom leaves its cache line.
        if ((_count + 1) * 4 > _slots.Length * 3)
        {
            Grow();
        }
        var i = Find(hash);
        if (_slots[i] == hash)
        {
            return false;
        }
        _slots[i] = hash;
        _count++;
        return true;
    }

    public bool Remove(ulong hash)
    {
        if (hash == 0)
        {
            var had = _hasZero;
            _hasZero = false;
            return had;
        }
        if (_slots.Length == 0)
        {
            return false;
        }
        var i = Find(hash);
        if (_slots[i] != hash)
        {
            return false;
        }
        // Backward-shift deletion: move each following entry of the run into the gap if its home slot does not lie
        // between the gap and itself (cyclically), so every entry stays reachable from its home without tombstones.
        var mask = _slots.Length - 1;
        var gap = i;
        for (var j = (gap + 1) & mask; _slots[j] != 0; j = (j + 1) & mask)
        {
            var home = Home(_slots[j], mask);
            if (((j - home) & mask) >= ((j - gap) & mask))
            {
                _slots[gap] = _slots[j];
                gap = j;
            }
        }
        _slots[gap] = 0;
        _count--;
        return true;
    }

    public void UnionWith(IEnumerable<ulong> hashes)
    {
        foreach (var hash in hashes)
        {
            Add(hash);
        }
    }

    public void Clear()
    {
        Array.Clear(_slots);
        (_count, _hasZero) = (0, false);
    }

    // The slot holding hash, or the empty slot where it would go.
    private int Find(ulong hash)
    {
        var mask = _slots.Length - 1;
        var i = Home(hash, mask);
        while (_slots[i] != 0 && _slots[i] != hash)
        {
            i = (i + 1) & mask;
        }
        return i;
    }

    // The hashes are XxHash3 values, uniform in every bit: their low bits are the home slot.
    private static int Home(ulong hash, int mask) => (int)hash & mask;

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[Math.Max(MinCapacity, (int)BitOperations.RoundUpToPowerOf2((uint)old.Length * 2))];
        foreach (var hash in old)
        {
            if (hash != 0)
            {
                _slots[Find(hash)] = hash;
            }
        }
    }
}
