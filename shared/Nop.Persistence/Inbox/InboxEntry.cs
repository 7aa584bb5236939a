namespace Nop.Alerting.Data;

/// <summary>A message a consumer has handled (table <c>inbox</c>, key (consumer, message id)).</summary>
public sealed class InboxEntry
{
    public required string Consumer { get; set; }
    public required string MessageId { get; set; }
    public DateTimeOffset HandledAt { get; set; }
}
