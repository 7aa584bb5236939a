namespace Nop.Alerting.Maintenance;

// Alerting as a saga participant (table maintenance_periods): while a period that is not compensated covers an event's
// own time, that sensor's noise events raise nothing. A compensated row stays, so a late Begin or End is refused.
public sealed class SuppressionPeriod
{
    public Guid MaintenanceId { get; set; }
    public required string SensorId { get; set; }
    public DateTimeOffset From { get; set; }
    public DateTimeOffset To { get; set; }
    public bool Compensated { get; set; }
    public bool Ended { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
