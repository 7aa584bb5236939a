using System.Security.Cryptography;
using System.Text;

namespace Nop.Ingest.Sensors;

// API keys and their stored form. Keys made by sensors add are 256 random bits, so a plain SHA-256 digest is
// enough: nobody can brute-force or precompute a 256-bit secret, which is the only thing a salt or a slow hash (PBKDF2)
// defends against, while PBKDF2 would cost milliseconds of CPU on every request of a 1,000-requests-per-second edge.
// Without a per-sensor salt the key alone identifies its sensor(s), so no sensor id is needed before authenticating,
// and one key may own several sensors (a gateway). The dev keys (dev-key-<id>) are guessable on purpose
// and development-only.
public static class ApiKeys
{
    private const string Prefix = "sha256:";
    private const string KeyPrefix = "nop_";

    // The stored form of key: sha256:<64 hex digits>.
    public static string Hash(string key) => Prefix + Convert.ToHexStringLower(Digest(key));

    // A new random key: nop_ and 43 base64url characters (256 bits).
    public static string Generate() =>
        KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // The SHA-256 digest of a presented key.
    public static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    // Parses a stored hash into its digest bytes; null when it is not of the form sha256:<hex>.
    public static byte[]? ParseHash(string? stored)
    {
        if (stored is null || !stored.StartsWith(Prefix, StringComparison.Ordinal)
            || stored.Length != Prefix.Length + 64)
        {
            return null;
        }
        try
        {
            return Convert.FromHexString(stored.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
