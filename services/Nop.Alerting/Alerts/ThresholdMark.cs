using Nop.Contracts;

namespace Nop.Alerting.Alerts;

// The window end of the latest threshold event (exceeded or cleared) applied for a sensor and rule (table
// threshold_marks). With competing consumers, or after a retry, a sensor's events can arrive out of order:
// an event whose window ended before the mark is older than what was applied and is ignored, so a late
// NoiseThresholdExceeded cannot reopen an alert its NoiseThresholdCleared already
// closed, and a late cleared cannot close an alert a newer exceeded raised. Sensor faults use it the same way with
// rule sensor-fault, keyed by the event time of the reading a fault report or recovery is about.
public sealed class ThresholdMark
{
    public required string SensorId { get; set; }

    public AlertRule Rule { get; set; }

    // Also the concurrency token: two instances advancing one mark at once cannot both commit.
    public DateTimeOffset WindowEnd { get; set; }
}
