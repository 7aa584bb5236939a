namespace Nop.History.Data;

// A maintenance period of a sensor as History's step handler stored it: its minutes count in no hour (coverage and
// indicators leave it out) unless it was compensated. A compensated row stays (a tombstone when the begin never came),
// so a late begin or end for it is refused.
public sealed class MaintenancePeriodRow
{
    public Guid MaintenanceId { get; set; }
    public required string SensorId { get; set; }
    public DateTimeOffset From { get; set; }
    public DateTimeOffset To { get; set; }
    public bool Compensated { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
