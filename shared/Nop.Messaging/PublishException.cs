namespace Nop.Messaging;

/// <summary>Why a publish did not get the broker's confirm.</summary>
public enum PublishFailure
{
    /// <summary>The broker answered basic.nack: it did not take responsibility for the message.</summary>
    Nacked,
    /// <summary>The message was mandatory and no queue was bound for it (basic.return).</summary>
    Unroutable,
    /// <summary>No confirm arrived within <see cref="RabbitMqOptions.PublishTimeout"/>.</summary>
    TimedOut,
    /// <summary>The connection or channel is closed, e.g. while the broker restarts.</summary>
    BrokerUnavailable,
    /// <summary>The broker blocks publishing (a memory or disk alarm); the caller stopped waiting for the
    /// confirm.</summary>
    Blocked,
}

/// <summary>A publish that the broker did not confirm. The caller must treat the message as not sent.</summary>
public sealed class MessagePublishException(PublishFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>What went wrong.</summary>
    public PublishFailure Failure { get; } = failure;
}
