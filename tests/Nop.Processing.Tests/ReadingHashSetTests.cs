using Nop.Processing.Aggregation;

namespace Nop.Processing.Tests;

[Trait("Category", "Unit")]
public sealed class ReadingHashSetTests
{
    [Fact]
    public void Adds_agree_with_a_HashSet_even_when_every_hash_shares_its_home_slot()
    {
        // Hashes whose low 16 bits are equal all start probing at one slot, and runs wrap around the table's end
        // (home 0xFFF0 & mask is near the end at each size): growing re-places long runs.
        var random = new Random(7);
        var set = new ReadingHashSet();
        var expected = new HashSet<ulong>();
        ulong[] pool = [.. Enumerable.Range(1, 400).Select(i => ((ulong)i << 16) | 0xFFF0)
            .Concat(Enumerable.Range(1, 400).Select(_ => (ulong)random.NextInt64())), 0];
        ulong[] absent = [.. Enumerable.Range(401, 100).Select(i => ((ulong)i << 16) | 0xFFF0)];
        for (var step = 0; step < 2_000; step++)
        {
            var hash = pool[random.Next(pool.Length)];
            set.Add(hash).ShouldBe(expected.Add(hash), $"add {hash:x} at step {step}");
            set.Count.ShouldBe(expected.Count);
        }
        pool.Where(set.Contains).ShouldBe(pool.Where(expected.Contains));
        absent.ShouldAllBe(hash => !set.Contains(hash));
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
    }
}
