using System.Security.Cryptography;
using System.Text;

namespace Nop.Processing;

/// <summary>
/// Message ids derived from what a message is about (e.g. sensor, window start, event type), so an event emitted
/// again after a crash or a redelivery carries the same id and the consumer's inbox drops the copy.
/// </summary>
public static class DeterministicId
{
    /// <summary>A UUID (version 8, RFC 9562 "custom") from the SHA-256 of the parts.</summary>
    public static string For(params string[] parts)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts)), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true).ToString();
    }
}
