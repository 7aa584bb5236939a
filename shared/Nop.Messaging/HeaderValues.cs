namespace Nop.Messaging;

/// <summary>Helpers for the headers of a message the consumer forwards or answers.</summary>
internal static class HeaderValues
{
    /// <summary>A writable copy of a delivery's headers (never null).</summary>
    public static Dictionary<string, object?> Copy(IDictionary<string, object?>? headers) =>
        headers is null ? [] : new Dictionary<string, object?>(headers);

    /// <summary>At most <paramref name="length"/> characters: headers travel with every message.</summary>
    public static string Truncate(string value, int length) => value.Length <= length ? value : value[..length];
}
