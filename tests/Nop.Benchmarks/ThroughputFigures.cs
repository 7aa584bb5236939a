namespace Nop.Benchmarks;

/// <summary>What <see cref="Throughput"/> measured of one chain of hops (the raw chain or the pipeline),
/// readings/s.</summary>
public sealed class ThroughputFigures
{
    /// <summary>Readings/s the endpoint accepted (202) while the senders ran flat out.</summary>
    public double FlatOutAcceptedReadingsPerS { get; set; }

    /// <summary>Readings/s each consumer took off its queues in the same interval (offer minus backlog
    /// growth).</summary>
    public double FlatOutClassifierReadingsPerS { get; set; }

    public double FlatOutAggregatorReadingsPerS { get; set; }

    /// <summary>All readings accepted flat out ÷ the time from the first post until both consumers had drained
    /// them.</summary>
    public double DrainedReadingsPerS { get; set; }

    /// <summary>The paced step that gave the sustained rate: what was offered, and how fast the backlogs
    /// grew.</summary>
    public double PacedOfferedReadingsPerS { get; set; }

    public double PacedClassifierBacklogGrowthPerS { get; set; }

    public double PacedAggregatorBacklogGrowthPerS { get; set; }

    /// <summary>The most both consumers took at a steady pace (the offer minus backlog growth).</summary>
    public double SustainedReadingsPerS { get; set; }

    /// <summary>Readings in a broker message (1: a message per reading; 60: a packet per message).</summary>
    public double ReadingsPerMessage { get; set; }

    public long Readings { get; set; }

    /// <summary>How long the unmeasured warm-up ran, and each process's JIT time per second at its end (ms/s):
    /// together at most <see cref="Throughput.JitSettledMsPerS"/> when it settled.</summary>
    public double WarmupSeconds { get; set; }

    public Dictionary<string, double> WarmupJitMsPerS { get; set; } = new(StringComparer.Ordinal);

    public long Retries { get; set; }

    public long Failures { get; set; }
}
