using System.ComponentModel.DataAnnotations;
using Nop.Messaging;

namespace Nop.History.Levels;

// The levels stream's retention and History's reading of it, bound from History:Stream. Sources of the defaults:
// README.md ("The levels stream").
public sealed class LevelStreamOptions : IValidatableObject
{
    public const string Section = "History:Stream";

    // x-max-age: as long as History keeps its minute rows, so everything a rebuild may replace can be replayed.
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(35);

    // x-max-length-bytes: a disk bound well above 35 days of the reference load (see README).
    [Range(1, long.MaxValue)]
    public long MaxLengthBytes { get; set; } = 20_000_000_000;

    // x-stream-max-segment-size-bytes: RabbitMQ's default; retention discards whole segments.
    [Range(1, int.MaxValue)]
    public int MaxSegmentSizeBytes { get; set; } = 500_000_000;

    // How long the reader's lease lasts unrenewed: a standby instance takes over this long after the reader died.
    public TimeSpan ReaderLeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    public StreamRetention Retention() => new()
    {
        MaxAge = MaxAge,
        MaxLengthBytes = MaxLengthBytes,
        MaxSegmentSizeBytes = MaxSegmentSizeBytes,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxAge < TimeSpan.FromSeconds(1) || MaxAge.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            yield return new ValidationResult("MaxAge must be whole seconds, at least one", [nameof(MaxAge)]);
        }
        if (ReaderLeaseDuration < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("ReaderLeaseDuration must be at least a second",
                [nameof(ReaderLeaseDuration)]);
        }
    }
}
