using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Nop.Dashboard.Operators;

/// <summary>Checks operator passwords against the hashes in <c>Dashboard:Operators</c> (ASP.NET Core Identity's PBKDF2 format).</summary>
public sealed class OperatorDirectory(IOptions<DashboardOptions> options)
{
    private static readonly PasswordHasher<string> Hasher = new();

    // Verified when the name is unknown too, so the time taken does not tell which names exist.
    private static readonly string DummyHash = Hasher.HashPassword("", Guid.NewGuid().ToString());

    /// <summary>The principal of the operator, or null when the name or password is wrong.</summary>
    public ClaimsPrincipal? SignIn(string name, string password)
    {
        var account = options.Value.Operators.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal));
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

/// <summary><c>hash-password</c>: prints the hash of a password (read from standard input) for <c>Dashboard:Operators</c>.</summary>
public static class HashPasswordCommand
{
    public static bool Handles(string[] args) => args is ["hash-password", ..];

    public static int Run(string[] args)
    {
        var password = args.Length > 1 ? args[1] : Console.In.ReadLine();
        if (string.IsNullOrEmpty(password))
        {
            Console.Error.WriteLine("usage: hash-password [PASSWORD]   (or the password on standard input)");
            return 2;
        }
        Console.WriteLine(OperatorDirectory.Hash(password));
        return 0;
    }
}
