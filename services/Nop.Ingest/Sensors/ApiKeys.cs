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

    // Fewest bits a key may carry: 128, the smallest security strength NIST SP 800-57 Part 1 Rev. 5 (table 4) accepts
    // beyond 2030, and twice the 64-bit floor of the OWASP Session Management Cheat Sheet. Generated keys have 256.
    public const int MinBits = 128;

    // Longest key the X-Api-Key header may carry (ApiKeyAuthenticationHandler refuses longer ones unhashed).
    public const int MaxLength = 256;

    // Why key may not be used (null when it may). A given key's randomness cannot be measured, so its length in its
    // alphabet bounds it: hex digits carry 4 bits each, base64url characters 6 (after an optional nop_ prefix);
    // anything else (a passphrase) is refused.
    public static string? Weakness(string key)
    {
        if (key.Length > MaxLength)
        {
            return $"a key may be at most {MaxLength} characters.";
        }
        var body = key.StartsWith(KeyPrefix, StringComparison.Ordinal) ? key[KeyPrefix.Length..] : key;
        var bitsPerChar = body.All(char.IsAsciiHexDigit) ? 4
            : body.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') ? 6
            : 0;
        return bitsPerChar * body.Length >= MinBits ? null
            : $"a key must carry at least {MinBits} bits: {MinBits / 4} hex digits or {(MinBits + 5) / 6} base64url "
                + "characters (A-Z a-z 0-9 - _) of random data; leave --key out for a new 256-bit key.";
    }

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
