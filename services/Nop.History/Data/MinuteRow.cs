using Nop.Contracts;

namespace Nop.History.Data;

// One closed window of one sensor, as Processing published it. Immutable: its key (sensor, window start) is also
// History's record of which windows are already counted in their hour.
public sealed class MinuteRow
{
    public required string SensorId { get; init; }
    public DateTimeOffset WindowStart { get; init; }
    public DateTimeOffset WindowEnd { get; init; }
    public Zone Zone { get; init; }
    public double Laeq { get; init; }
    public double Lamax { get; init; }
    public double L10 { get; init; }
    public double? L50 { get; init; }
    public double L90 { get; init; }
    public double Coverage { get; init; }
    public double ExceedanceSeconds { get; init; }
    public double Threshold { get; init; }
    public DayPeriod Period { get; init; }
}
