using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Nop.ServiceDefaults;

/// <summary>The guard in front of every operator endpoint (<c>/admin/...</c>).</summary>
public static class AdminEndpoints
{
    /// <summary>
    /// Maps a route group whose endpoints answer only a loopback caller that sends the <see cref="AdminToken"/>:
    /// <list type="bullet">
    /// <item>404 when no <c>Admin:Token</c> is configured: administration is off, as if not mapped;</item>
    /// <item>403 for a caller that is not on a loopback address;</item>
    /// <item>401 with <c>WWW-Authenticate: Bearer</c> (RFC 6750 §3) without the right
    /// <c>Authorization: Bearer &lt;token&gt;</c>.</item>
    /// </list>
    /// </summary>
    /// <remarks>
    /// Loopback alone is not enough: a sidecar proxy (Envoy, Istio) forwards outside traffic from 127.0.0.6, and a
    /// page in a local browser can send a body-less POST to 127.0.0.1. A browser cannot attach the header to a
    /// cross-site form post or a no-cors fetch (<c>Authorization</c> is not a CORS-safelisted header, Fetch standard
    /// §2.2.2; OWASP CSRF Prevention Cheat Sheet, "custom request headers"), and no CORS policy is mapped, so cookies
    /// or a form content type make no difference. The loopback check stays as a second layer: every service holds the
    /// same token, and it keeps one compromised container from calling another's admin endpoints over the network.
    /// </remarks>
    /// <param name="app">The endpoint route builder (the service's application).</param>
    /// <param name="prefix">The group's route prefix, e.g. <c>/admin/dead-letters</c>.</param>
    /// <returns>The group, to map endpoints on.</returns>
    public static RouteGroupBuilder MapAdminGroup(this IEndpointRouteBuilder app, string prefix)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Read once, when the endpoints are mapped: a short token stops the start-up.
        var token = AdminToken.From(app.ServiceProvider.GetRequiredService<IConfiguration>());
        return app.MapGroup(prefix).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (!token.Enabled)
                return Results.Problem($"Administration is disabled: no {AdminToken.ConfigurationKey} is configured.",
                    statusCode: StatusCodes.Status404NotFound);
            if (http.Connection.RemoteIpAddress is not { } ip || !IPAddress.IsLoopback(ip))
                return Results.Problem("Administration is only available from this machine.",
                    statusCode: StatusCodes.Status403Forbidden);
            if (!token.Accepts(http.Request.Headers.Authorization.ToString()))
            {
                http.Response.Headers.WWWAuthenticate = "Bearer realm=\"nop-admin\"";
                return Results.Problem("Send the admin token as 'Authorization: Bearer <token>'.",
                    statusCode: StatusCodes.Status401Unauthorized);
            }
            return await next(context);
        });
    }
}
