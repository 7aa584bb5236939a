using Nop.Contracts;

namespace Nop.History.Levels;

// What a window must satisfy to be stored: a sensor id that fits its column, a window of positive length, finite
// levels and a coverage between 0 and 1. Anything else is a malformed message.
internal static class LevelValidation
{
    public const int MaxSensorIdLength = 64;

    public static void Check(NoiseLevelsMeasured message)
    {
        if (message.Windows is null || message.Windows.Count == 0)
        {
            throw new FormatException("The message holds no window");
        }
        foreach (var window in message.Windows)
        {
            Check(window ?? throw new FormatException("The message holds a null window"));
        }
    }

    public static void Check(NoiseLevelMeasured window)
    {
        CheckSensor(window.SensorId);
        if (window.WindowEnd <= window.WindowStart)
        {
            throw new FormatException($"Window end {window.WindowEnd:O} is not after its start {window.WindowStart:O}");
        }
        if (!double.IsFinite(window.Laeq) || !double.IsFinite(window.Lamax) || !double.IsFinite(window.L10)
            || !double.IsFinite(window.L90) || !double.IsFinite(window.Threshold)
            || window.L50 is { } l50 && !double.IsFinite(l50))
        {
            throw new FormatException("A level of the window is not a finite number");
        }
        if (window.Coverage is < 0 or > 1 || window.Coverage is { } c && double.IsNaN(c))
        {
            throw new FormatException($"Coverage {window.Coverage} is not between 0 and 1");
        }
        if (window.Distribution is { } distribution
            && distribution.Values.Any(seconds => !double.IsFinite(seconds) || seconds < 0))
        {
            throw new FormatException("The level distribution holds a negative or non-finite duration");
        }
    }

    public static void CheckSensor(string? sensorId)
    {
        if (string.IsNullOrWhiteSpace(sensorId) || sensorId.Length > MaxSensorIdLength)
        {
            throw new FormatException($"Sensor id must be 1 to {MaxSensorIdLength} characters");
        }
    }
}
