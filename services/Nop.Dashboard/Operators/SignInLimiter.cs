using System.Threading.RateLimiting;

namespace Nop.Dashboard.Operators;

// Sign-in attempts per user name, besides the per-address limit of the sign-in endpoint's rate-limit policy: many
// clients behind one proxy (or a botnet) guessing one operator's password are slowed down, and one client's guesses
// do not lock out every other operator. OWASP Authentication Cheat Sheet, "Login Throttling"; ASVS 4.0.3 V2.2.1.
public sealed class SignInLimiter : IDisposable
{
    // Attempts per user name per minute.
    public const int PerUserName = 5;

    // Attempts per client address per minute (the endpoint's policy).
    public const int PerAddress = 10;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(
        name => RateLimitPartition.GetFixedWindowLimiter(name,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = PerUserName, Window = TimeSpan.FromMinutes(1) }));

    // False when this user name had its attempts for the minute.
    public bool TryAttempt(string userName)
    {
        using var lease = _limiter.AttemptAcquire(userName);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
