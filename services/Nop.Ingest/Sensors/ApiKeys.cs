using System.Security.Cryptography;
using System.Text;

namespace Nop.Ingest.Sensors;

/// <summary>
/// API keys and their stored form. Keys made by <c>sensors add</c> are 256 random bits, so a plain SHA-256 digest is
/// enough: nobody can brute-force or precompute a 256-bit secret, which is the only thing a salt or a slow hash (PBKDF2)
/// defends against, while PBKDF2 would cost milliseconds of CPU on every request of a 1,000-requests-per-second edge.
/// Without a per-sensor salt the key alone identifies its sensor(s), so no sensor id is needed before authenticating,
/// and one key may own several sensors (a gateway). The dev keys (<c>dev-key-&lt;id&gt;</c>) are guessable on purpose
/// and development-only.
/// </summary>
public static class ApiKeys
{
    private const string Prefix = "sha256:";
    private const string KeyPrefix = "nop_";

    /// <summary>The stored form of <paramref name="key"/>: <c>sha256:&lt;64 hex digits&gt;</c>.</summary>
    public static string Hash(string key) => Prefix + Convert.ToHexStringLower(Digest(key));

    /// <summary>A new random key: <c>nop_</c> and 43 base64url characters (256 bits).</summary>
    public static string Generate() =>
        KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The SHA-256 digest of a presented key.</summary>
    public static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>Parses a stored hash into its digest bytes; null when it is not of the form <c>sha256:&lt;hex&gt;</c>.</summary>
    public static byte[]? ParseHash(string? stored)
    {
        if (stored is null || !stored.StartsWith(Prefix, StringComparison.Ordinal) || stored.Length != Prefix.Length + 64)
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
