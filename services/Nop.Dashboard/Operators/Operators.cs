using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Nop.Dashboard.Operators;

// Checks operator passwords against the hashes in Dashboard:Operators (ASP.NET Core Identity's PBKDF2 format).
public sealed class OperatorDirectory(IOptions<DashboardOptions> options)
{
    private static readonly PasswordHasher<string> Hasher = new();

    // Verified when the name is unknown too, so the time taken does not tell which names exist.
    private static readonly string DummyHash = Hasher.HashPassword("", Guid.NewGuid().ToString());

    // The principal of the operator, or null when the name or password is wrong.
    public ClaimsPrincipal? SignIn(string name, string password)
    {
        var account = options.Value.Operators
            .FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal));
        var result = Hasher.VerifyHashedPassword(name, account?.PasswordHash ?? DummyHash, password);
        if (account is null || result == PasswordVerificationResult.Failed)
        {
            return null;
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, account.Name)], SessionApi.Scheme);
        return new ClaimsPrincipal(identity);
    }

    public static string Hash(string password) => Hasher.HashPassword("", password);
}
