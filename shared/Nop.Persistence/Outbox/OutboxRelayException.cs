namespace Nop.Persistence.Outbox;

/// <summary>Some messages of a batch were not confirmed; the batch is retried after a back-off.</summary>
public sealed class OutboxRelayException(string message, Exception inner) : Exception(message, inner);
