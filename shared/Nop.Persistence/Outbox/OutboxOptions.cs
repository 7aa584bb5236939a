using System.ComponentModel.DataAnnotations;

namespace Nop.Persistence.Outbox;

/// <summary>The outbox relay's settings (Alerting binds them from <c>Alerting:Outbox</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>The exchange the relay publishes to; set by the service, not by configuration.</summary>
    public string Exchange { get; set; } = string.Empty;

    /// <summary>Fallback poll when no commit of this instance signalled new rows: rows left by a previous run, or
    /// written by another instance (only the lease holder relays, and it only hears its own commits).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Only one instance per database relays the outbox, holding a lease this long (renewed after a third
    /// of it); when the holder dies, another instance takes over at most this long (plus a third) later.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Rows read and published per round.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>First wait after a round that failed (the broker or the database is unavailable).</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between attempts while the broker is unavailable.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Sent rows are kept this long for inspection, where the table keeps them
    /// (<see cref="OutboxMessage.SentAt"/>).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}
