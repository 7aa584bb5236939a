using Nop.Processing.Aggregation;

namespace Nop.Processing.Tests;

[Trait("Category", "Unit")]
public sealed class ReadingHashSetTests
{
    [Fact]
    public void Adds_and_removes_in_any_order_agree_with_a_HashSet_even_when_every_hash_shares_its_home_slot()
    {
        // Hashes whose low 16 bits are equal all start probing at one slot, and runs wrap around the table's end
        // (home 0xFFF0 & mask is near the end at each size): the removal's back-shift is exercised on long runs.
        var random = new Random(7);
        var set = new ReadingHashSet();
        var expected = new HashSet<ulong>();
        ulong[] pool = [.. Enumerable.Range(1, 400).Select(i => ((ulong)i << 16) | 0xFFF0)
            .Concat(Enumerable.Range(1, 400).Select(_ => (ulong)random.NextInt64())), 0];
        for (var step = 0; step < 20_000; step++)
        {
            var hash = pool[random.Next(pool.Length)];
            if (random.Next(3) == 0)
            {
                set.Remove(hash).ShouldBe(expected.Remove(hash), $"remove {hash:x} at step {step}");
            }
            else
            {
                set.Add(hash).ShouldBe(expected.Add(hash), $"add {hash:x} at step {step}");
            }
            set.Count.ShouldBe(expected.Count);
        }
        pool.Where(set.Contains).ShouldBe(pool.Where(expected.Contains));
    }

    [Fact]
    public void A_hash_of_zero_is_held_although_zero_marks_an_empty_slot()
    {
        var set = new ReadingHashSet();
        set.Contains(0).ShouldBeFalse();
        set.Add(0).ShouldBeTrue();
        set.Add(0).ShouldBeFalse();
        set.Contains(0).ShouldBeTrue();
        set.Count.ShouldBe(1);
        set.Remove(0).ShouldBeTrue();
        set.Contains(0).ShouldBeFalse();
        set.Remove(0).ShouldBeFalse();
    }

    [Fact]
    public void Cleared_it_holds_nothing_and_keeps_its_slots()
    {
        var set = new ReadingHashSet();
        set.UnionWith(Enumerable.Range(1, 100).Select(i => (ulong)i * 0x9E3779B97F4A7C15));
        var capacity = set.Capacity;
        set.Clear();
        set.Count.ShouldBe(0);
        set.Contains(0x9E3779B97F4A7C15).ShouldBeFalse();
        set.Capacity.ShouldBe(capacity);
    }
}
