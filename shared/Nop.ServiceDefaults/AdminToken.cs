using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace Nop.ServiceDefaults;

/// <summary>
/// The operator's secret for the <c>/admin</c> endpoints (configuration key <c>Admin:Token</c>), presented as
/// <c>Authorization: Bearer &lt;token&gt;</c> (RFC 6750 §2.1). Not set: administration is disabled.
/// </summary>
public sealed class AdminToken
{
    /// <summary>The configuration key of the token (environment variable <c>Admin__Token</c>).</summary>
    public const string ConfigurationKey = "Admin:Token";

    /// <summary>
    /// The shortest token accepted. 32 characters of <c>openssl rand -hex 32</c> output carry 128 bits; OWASP ASVS
    /// 4.0.3 V3.2.2 asks at least 64 bits of entropy of a token. <c>./nop up --local</c> generates 256 bits.
    /// </summary>
    public const int MinimumLength = 32;

    // Only the hash is kept: comparing two SHA-256 digests with FixedTimeEquals takes the same time whatever the
    // length or content of what the caller sent (FixedTimeEquals alone returns early on a length mismatch).
    private readonly byte[]? _hash;

    private AdminToken(byte[]? hash) => _hash = hash;

    /// <summary>Whether a token is configured (otherwise every admin request is refused).</summary>
    public bool Enabled => _hash is not null;

    /// <summary>Reads <c>Admin:Token</c> (or another bearer token, e.g. <c>Metrics:Token</c>); throws when it is
    /// set but shorter than <see cref="MinimumLength"/>.</summary>
    /// <param name="configuration">The service's configuration.</param>
    /// <param name="key">The configuration key of the token.</param>
    /// <returns>The token, disabled when the key is missing or blank.</returns>
    public static AdminToken From(IConfiguration configuration, string key = ConfigurationKey)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var token = configuration[key];
        if (string.IsNullOrWhiteSpace(token))
            return new AdminToken(null);
        // A short secret is a configuration error, not a reason to run with a guessable one or none at all.
        if (token.Length < MinimumLength)
            throw new InvalidOperationException(
                $"{key} must be at least {MinimumLength} characters (e.g. openssl rand -hex 32).");
        return new AdminToken(Hash(token));
    }

    /// <summary>Whether the request carries <c>Authorization: Bearer</c> with this token.</summary>
    /// <param name="authorization">The request's <c>Authorization</c> header (all values joined).</param>
    /// <returns>True only for a configured token sent exactly once.</returns>
    public bool Accepts(string? authorization)
    {
        const string scheme = "Bearer ";
        if (_hash is null || authorization is null
            || !authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)) // schemes: RFC 9110 §11.1
            return false;
        return CryptographicOperations.FixedTimeEquals(_hash, Hash(authorization[scheme.Length..].Trim()));
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
