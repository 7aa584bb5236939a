using Nop.Contracts;

namespace Nop.Processing.Classification;

// Level bands of a single reading, and the readings no working sensor can produce.
public static class NoiseBands
{
    public static NoiseClass Classify(double level, BandOptions bands) =>
        level >= bands.Dangerous ? NoiseClass.Dangerous
        : level >= bands.VeryLoud ? NoiseClass.VeryLoud
        : level >= bands.Loud ? NoiseClass.Loud
        : level >= bands.Moderate ? NoiseClass.Moderate
        : NoiseClass.Quiet;

    // Why a reading cannot come from a working sensor, or null when it can.
    public static string? Implausibility(SensorReading reading)
    {
        if (!IsLevel(reading.Laeq))
        {
            return $"LAeq {reading.Laeq} is not a level in [0, 194] dB";
        }
        if (reading.Lamax is { } lamax)
        {
            if (!IsLevel(lamax))
            {
                return $"LAmax {lamax} is not a level in [0, 194] dB";
            }
            // The maximum over an interval cannot be below its energy average (0.5 dB allows for rounding).
            if (lamax < reading.Laeq - 0.5)
            {
                return $"LAmax {lamax:0.0} is below LAeq {reading.Laeq:0.0}";
            }
        }
        if (reading.DurationSeconds is { } duration && (!double.IsFinite(duration) || duration <= 0))
        {
            return $"Duration {duration} s is not positive";
        }
        return null;
    }

    // A level a microphone can report: finite, in [0, 194] dB (194: the loudest undistorted sound in air).
    // The classifier reports other values as implausible; the aggregator ignores them.
    public static bool IsLevel(double level) => double.IsFinite(level) && level is >= 0 and <= 194;
}
