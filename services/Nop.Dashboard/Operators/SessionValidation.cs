using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Nop.Dashboard.Operators;

// Checked on every request that carries a session cookie: the operator must still be configured with the password
// hash they signed in with, and the session must be younger than Dashboard:SessionLifetime however active it was
// (the sliding Dashboard:SessionIdleTimeout alone would let a busy session live for ever).
public static class SessionValidation
{
    private const string SignedInAtKey = "nop.signed-in-at";

    // Marks when the operator typed their password; a sliding renewal keeps it.
    public static void MarkSignIn(AuthenticationProperties properties, DateTimeOffset now) =>
        properties.Items[SignedInAtKey] = now.ToString("O", CultureInfo.InvariantCulture);

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var lifetime = services.GetRequiredService<IOptionsMonitor<DashboardOptions>>().CurrentValue.SessionLifetime;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var ends = context.Properties.Items.TryGetValue(SignedInAtKey, out var at)
            && DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var since)
                ? since + lifetime
                : (DateTimeOffset?)null;
        var principal = context.Principal;
        if (ends is null || now >= ends || principal is null
            || !services.GetRequiredService<OperatorDirectory>().IsCurrent(principal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(SessionApi.Scheme);
            return;
        }
        // SignalR closes a hub connection when this passes (CloseOnAuthenticationExpiration): never beyond the
        // absolute end.
        if (context.Properties.ExpiresUtc is not { } expires || expires > ends)
        {
            context.Properties.ExpiresUtc = ends;
        }
    }
}
