using Microsoft.Extensions.Logging;
using Nop.Contracts;

namespace Nop.Messaging;

/// <summary>Sends a request's reply, or the error its handler failed with, to the requester's reply queue through
/// <c>nop.replies</c> (where reply queues alone are bound, by their own names): a responder's broker user needs no
/// write permission on the default exchange, which reaches every queue.</summary>
internal sealed class ReplySender(MessagePublisher publisher, ILogger logger)
{
    public async Task SendAsync(string replyTo, MessageEnvelope request, string type, byte[] body, string? error,
        CancellationToken ct)
    {
        var properties = publisher.CreateProperties(type, PublishOptions.CausedBy(request));
        properties.Headers![EnvelopeHeaders.InReplyTo] = request.MessageId;
        if (error is not null)
        {
            properties.Headers[EnvelopeHeaders.ReplyError] = HeaderValues.Truncate(error, 2_000);
        }
        try
        {
            await publisher.PublishRawAsync(Exchanges.Replies, replyTo, properties, body, mandatory: false, ct);
        }
        catch (MessagePublishException ex)
        {
            // The requester times out; a reply is not worth redelivering the request for.
            logger.LogWarning(ex, "Could not send the reply to {MessageId}", request.MessageId);
        }
    }
}
