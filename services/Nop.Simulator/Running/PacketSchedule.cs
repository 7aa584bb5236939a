namespace Nop.Simulator.Running;

// When, in event time, one sensor posts its packets: every interval, at the sensor's own phase within it
// (sensors are not switched on in the same second, so they do not all post at once).
public sealed class PacketSchedule(DateTimeOffset from, TimeSpan interval, TimeSpan phase, bool firstPacketNow)
{
    // The first packet: at from itself with firstPacketNow, else at the sensor's phase.
    public DateTimeOffset First { get; } = firstPacketNow ? from : from + phase;

    // The first packet of the sensor's schedule after packetAt.
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

    // A sensor's phase as a fraction of the interval, the same for a seed and sensor in every run.
    public static double Phase(int seed, string sensorId) =>
        (uint)Generation.ReadingGenerator.StableSeed(seed ^ 0x5EED, sensorId) / ((double)uint.MaxValue + 1);
}
