using System.Buffers;

namespace Nop.ServiceDefaults;

/// <summary>
/// The correlation id that ties together every log line and message of one transaction, from the HTTP edge
/// through every broker hop.
/// </summary>
public static class CorrelationId
{
    /// <summary>The HTTP header that carries the correlation id in requests and responses.</summary>
    public const string HeaderName = "X-Correlation-Id";

    /// <summary>The name of the log event property (and of the Elasticsearch field) holding the correlation
    /// id.</summary>
    public const string PropertyName = "CorrelationId";

    /// <summary>The longest correlation id accepted from a caller.</summary>
    public const int MaxLength = 128;

    // Letters, digits and a few separators: enough for UUIDs, W3C trace ids and most vendors' request ids,
    // and nothing that could forge a log line, break a header or smuggle markup into Kibana.
    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:");

    /// <summary>
    /// Whether <paramref name="value"/> is a correlation id that may be taken over from a caller: 1 to
    /// <see cref="MaxLength"/> characters from <c>[A-Za-z0-9-_.:]</c>.
    /// </summary>
    /// <param name="value">The value to check, e.g. a request header.</param>
    /// <returns><see langword="true"/> when the value can be used as it is.</returns>
    public static bool IsValid(string? value) =>
        value is { Length: > 0 and <= MaxLength } && !value.AsSpan().ContainsAnyExcept(Allowed);

    /// <summary>
    /// Creates a new correlation id: a UUID v7 in its hyphenated form (<c>"D"</c>), the same shape as the
    /// broker's message ids, so the id a service makes up and the one a message carries look alike and sort by
    /// creation time.
    /// </summary>
    /// <returns>A new correlation id, e.g. <c>019a8f3e-5c1d-7b2a-9f00-3c4d5e6f7a8b</c>.</returns>
    public static string Create() => Guid.CreateVersion7().ToString("D");
}
