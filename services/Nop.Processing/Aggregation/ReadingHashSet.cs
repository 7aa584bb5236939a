using System.Numerics;

namespace Nop.Processing.Aggregation;

// The table of a window's reading-id hashes once it holds more than a list is searched quickly for (ReadingIdSet):
// an open-addressing table of the 64-bit hashes themselves, probed linearly, instead of a HashSet<ulong>, which takes
// two cache misses per lookup (its bucket, then its entry) where this takes one (the slot, and its neighbours in the
// same line). It only grows: a window's table lives as long as the window. 0 marks an empty slot; a hash that is 0 is
// held by a flag of its own.
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
