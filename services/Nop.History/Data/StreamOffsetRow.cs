namespace Nop.History.Data;

// Where History is in a stream: the offset after the last message it has applied, written in the same transaction as
// what that message changed. NextOffset is null after a rebuild until its first batch is written: reading then starts
// at ReplayFrom (a stream timestamp). No row (an empty database): from the first message the stream holds.
public sealed class StreamOffsetRow
{
    public required string Stream { get; init; }
    public long? NextOffset { get; set; }
    public DateTimeOffset? ReplayFrom { get; set; }
}
