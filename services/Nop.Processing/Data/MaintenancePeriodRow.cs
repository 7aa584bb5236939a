namespace Nop.Processing.Data;

// A maintenance period as Processing's step handler stored it: begun, ended (To possibly moved earlier) or
// compensated. A compensated row stays (as a tombstone when the begin never came), so a late begin or end for it is
// refused rather than applied.
public sealed class MaintenancePeriodRow
{
    public Guid MaintenanceId { get; set; }

    public required string SensorId { get; set; }

    public DateTimeOffset From { get; set; }

    public DateTimeOffset To { get; set; }

    public bool Compensated { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
