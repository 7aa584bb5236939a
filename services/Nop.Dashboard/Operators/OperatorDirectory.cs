using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Nop.Dashboard.Operators;

// Checks operator passwords against the configured hashes (ASP.NET Core Identity's PBKDF2 format): the accounts of
// Dashboard:Operators, then those of the Dashboard:OperatorsPath file. Both are read again when they change, so
// a removed operator or a new password hash ends the sessions issued before (see SessionValidation).
public sealed class OperatorDirectory(
    IOptionsMonitor<DashboardOptions> options, OperatorsFile file, ILogger<OperatorDirectory> logger)
{
    // PBKDF2-HMAC-SHA512 at 210,000 iterations: OWASP Password Storage Cheat Sheet (PBKDF2). Identity's default
    // is 100,000 since .NET 8; hashes made with fewer still verify, and the sign-in says they should be re-hashed.
    public const int Iterations = 210_000;

    // ASVS 4.0.3 V2.1.1: passwords of at least 12 characters.
    public const int MinimumPasswordLength = 12;

    // The claim carrying a digest of the operator's stored hash as it was at sign-in.
    public const string HashClaim = "nop:password-stamp";

    private static readonly PasswordHasher<string> Hasher =
        new(Options.Create(new PasswordHasherOptions { IterationCount = Iterations }));

    // Verified when the name is unknown too, so the time taken does not tell which names exist.
    private static readonly string DummyHash = Hasher.HashPassword("", Guid.NewGuid().ToString());

    // Every configured operator now.
    public IReadOnlyList<OperatorAccount> All => [.. options.CurrentValue.Operators, .. file.Current];

    // The principal of the operator, or null when the name or password is wrong.
    public ClaimsPrincipal? SignIn(string name, string password)
    {
        var account = Find(name);
        var result = Hasher.VerifyHashedPassword(name, account?.PasswordHash ?? DummyHash, password);
        if (account is null || result == PasswordVerificationResult.Failed)
        {
            return null;
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            logger.LogWarning("The password hash of {Username} uses fewer than {Iterations} PBKDF2 iterations: "
                + "re-hash it with hash-password", name, Iterations);
        }
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, account.Name), new Claim(HashClaim, Stamp(account.PasswordHash))],
            SessionApi.Scheme);
        return new ClaimsPrincipal(identity);
    }

    // Whether the session's operator still exists with the password hash it signed in with.
    public bool IsCurrent(ClaimsPrincipal principal)
    {
        var account = principal.Identity?.Name is { } name ? Find(name) : null;
        var stamp = principal.FindFirst(HashClaim)?.Value;
        return account is not null && stamp is not null && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(stamp), Encoding.ASCII.GetBytes(Stamp(account.PasswordHash)));
    }

    public static string Hash(string password) => Hasher.HashPassword("", password);

    private OperatorAccount? Find(string name) =>
        All.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal));

    // A digest rather than the hash itself: the ticket (encrypted and signed with the Data Protection keys) then
    // never carries the salted hash, and a digest is all the comparison needs.
    private static string Stamp(string passwordHash) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(passwordHash)));
}
