using System.Security.Cryptography;
using System.Text;

namespace Nop.Messaging;

/// <summary>
/// Message ids derived from what a message is about (e.g. its type, sensor and window start), so a message sent
/// again after a crash, a redelivery or a re-posted request carries the same id and the consumer's inbox drops the
/// copy.
/// </summary>
public static class DeterministicId
{
    /// <summary>
    /// A UUID (version 8, RFC 9562 "custom") from the SHA-256 of the parts joined by line feeds. Parts must not
    /// contain a line feed themselves, so that one joined text names one list of parts only.
    /// </summary>
    public static string For(params IEnumerable<string> parts)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts)), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash[..16], bigEndian: true).ToString();
    }
}
