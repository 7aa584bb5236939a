using Nop.Contracts;
using RabbitMQ.Client;

namespace Nop.Messaging;

/// <summary>Helpers for the headers of a message the consumer forwards or answers.</summary>
internal static class HeaderValues
{
    /// <summary>A writable copy of a delivery's headers (never null).</summary>
    public static Dictionary<string, object?> Copy(IDictionary<string, object?>? headers) =>
        headers is null ? [] : new Dictionary<string, object?>(headers);

    /// <summary>
    /// The properties of a delivery the service republishes (to a retry, dead or work queue). The publisher stamps its
    /// own <c>user_id</c> (a service may not claim another user's), so the original publisher's, when the delivery had
    /// one, is kept in <see cref="EnvelopeHeaders.OriginalUserId"/> for operators. That header is informational only:
    /// it is never used to authorise anything.
    /// </summary>
    /// <param name="properties">The delivery's properties.</param>
    /// <param name="keepOriginal">True when the delivery came through the service's own retry exchange: its header was
    /// set by the service itself, so it is kept rather than replaced.</param>
    public static BasicProperties Forwarded(IReadOnlyBasicProperties properties, bool keepOriginal)
    {
        var headers = Copy(properties.Headers);
        if (!(keepOriginal && headers.ContainsKey(EnvelopeHeaders.OriginalUserId)))
        {
            headers[EnvelopeHeaders.OriginalUserId] = properties.UserId;
        }
        return new BasicProperties(properties) { Headers = headers, UserId = null };
    }

    /// <summary>At most <paramref name="length"/> characters: headers travel with every message.</summary>
    public static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
