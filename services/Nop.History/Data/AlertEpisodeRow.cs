namespace Nop.History.Data;

// One level-alert episode (NoiseThresholdExceeded with Rule Level), keyed like the window that raised it so a
// redelivered or re-emitted event counts once; LocalDate is the local date of WindowStart, for the day table.
public sealed class AlertEpisodeRow
{
    public required string SensorId { get; init; }
    public DateTimeOffset WindowStart { get; init; }
    public DateOnly LocalDate { get; init; }
}
