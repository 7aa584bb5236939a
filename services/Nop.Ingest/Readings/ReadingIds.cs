using System.Security.Cryptography;
using System.Text;
using Nop.Contracts;

namespace Nop.Ingest.Readings;

/// <summary>Ids that make a re-posted reading recognisable downstream.</summary>
public static class ReadingIds
{
    /// <summary>
    /// The message id of the <see cref="ReadingReceived"/> for (<paramref name="sensorId"/>, <paramref name="readingId"/>):
    /// a name-based UUID (version 8, RFC 9562) from the SHA-256 of the message type, sensor and reading id. The same
    /// reading posted twice becomes two messages with one id, which the consumers' inboxes and counted-reading sets
    /// drop the second time.
    /// </summary>
    public static string MessageId(string sensorId, string readingId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{ReadingReceived.MessageType}\n{sensorId}\n{readingId}"), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: custom (here: SHA-256 name-based)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    /// <summary>A reading id for a reading posted without one. A retry of that post is a new reading.</summary>
    public static string Assign() => Guid.CreateVersion7().ToString("D");
}
