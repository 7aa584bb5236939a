namespace Nop.Simulator.Running;

/// <summary>
/// When, in event time, one sensor posts its packets: every <c>interval</c>, at the sensor's own <c>phase</c> within it
/// (sensors are not switched on in the same second, so they do not all post at once).
/// </summary>
public sealed class PacketSchedule(DateTimeOffset from, TimeSpan interval, TimeSpan phase, bool firstPacketNow)
{
    /// <summary>The first packet: at <c>from</c> itself with <c>firstPacketNow</c>, else at the sensor's phase.</summary>
    public DateTimeOffset First { get; } = firstPacketNow ? from : from + phase;

    /// <summary>The first packet of the sensor's schedule after <paramref name="packetAt"/>.</summary>
    public DateTimeOffset After(DateTimeOffset packetAt)
    {
        // Whole ticks, so a packet time on the schedule never rounds to itself.
        var periods = Math.DivRem((packetAt - from - phase).Ticks, interval.Ticks, out var rest);
        if (rest < 0)
        {
            periods--;
        }
        return from + phase + TimeSpan.FromTicks(interval.Ticks * (periods + 1));
    }

    /// <summary>A sensor's phase as a fraction of the interval, the same for a seed and sensor in every run.</summary>
    public static double Phase(int seed, string sensorId) =>
        (uint)Generation.ReadingGenerator.StableSeed(seed ^ 0x5EED, sensorId) / ((double)uint.MaxValue + 1);
}
