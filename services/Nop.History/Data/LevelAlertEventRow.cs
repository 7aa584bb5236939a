namespace Nop.History.Data;

// One event of the level rule (NoiseThresholdExceeded or NoiseThresholdCleared with Rule Level), keyed like the window
// that fired it so a redelivered or re-emitted event counts once. Processing reports every window above the limit
// while the rule is open, so an episode is an exceeded event not preceded by another exceeded one (Queries/
// EpisodeCounter). LocalDate is the local date of WindowStart, for the day table.
public sealed class LevelAlertEventRow
{
    public required string SensorId { get; init; }
    public DateTimeOffset WindowStart { get; init; }
    public DateOnly LocalDate { get; init; }
    public bool Cleared { get; init; }
}
