using System.ComponentModel.DataAnnotations;

namespace Nop.History.Retention;

// How the minute sweeper runs, bound from History:Retention (how long minutes are kept is History:MinuteRetention).
public sealed class MinuteRetentionOptions
{
    public const string Section = "History:Retention";

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(10);

    // Rows deleted per statement: short transactions, so the levels writer is never held up for long.
    [Range(1, 100_000)]
    public int DeleteBatch { get; set; } = 5000;
}
