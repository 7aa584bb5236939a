using System.ComponentModel.DataAnnotations;

namespace Nop.History.Levels;

// How the levels writer batches, bound from History:Writer.
public sealed class LevelWriterOptions
{
    public const string Section = "History:Writer";

    // Deliveries written in one transaction at most; a batch is written when it is full or FlushInterval after it
    // began. Kept below Prefetch, or a full batch would wait for deliveries the broker holds back. 5,000: with a
    // thousand sensors each hour row is then written once per five of its windows, not for every one.
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 5000;

    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    // Unacked deliveries the broker sends ahead: the batch plus the next one's start.
    [Range(1, 65_535)]
    public ushort Prefetch { get; set; } = 10_000;

    // Hour rows kept in memory between batches (the active hours of every sensor); beyond it the cache is emptied and
    // refilled from the database as hours are touched again.
    [Range(0, 1_000_000)]
    public int CachedHours { get; set; } = 20_000;
}
