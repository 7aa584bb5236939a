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
    // Processing flagged the window as in maintenance: it is never merged into its hour.
    public bool Maintenance { get; init; }
    // The window's level distribution (LevelHistogram.Encode), so its hour can be recomputed exactly when a
    // maintenance period is added or undone; null for windows stored before it was kept.
    public byte[]? Distribution { get; init; }
}
