using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Nop.Dashboard.Hub;

// Who may open the hub and read the page's data. A browser sends Origin with the hub's negotiate and WebSocket
// requests: a page of another site gets 403 (cross-site WebSocket hijacking; OWASP WebSocket Security Cheat Sheet).
// Requests without Origin are not from a browser page, so there is nothing to hijack. With
// Dashboard:RequireSignInToView, the hub and the data APIs answer 401 until an operator signs in.
public static class ViewerAccess
{
    private static readonly string[] ViewerPaths =
        [DashboardHub.Path, "/api/history", "/api/alerts", "/api/maintenance", "/api/sensors"];

    public static WebApplication UseViewerAccess(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path;
            var options = context.RequestServices.GetRequiredService<IOptionsMonitor<DashboardOptions>>().CurrentValue;
            if (path.StartsWithSegments(DashboardHub.Path) && !OriginAllowed(context.Request, options))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }
            if (options.RequireSignInToView && context.User.Identity?.IsAuthenticated != true
                && ViewerPaths.Any(p => path.StartsWithSegments(p)))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            await next(context);
        });
        return app;
    }

    // Also the anti-forgery rule of the operator's HTTP commands (Maintenance/SameOriginFilter.cs).
    internal static bool OriginAllowed(HttpRequest request, DashboardOptions options)
    {
        if (request.Headers[HeaderNames.Origin] is not [{ } origin])
        {
            return request.Headers[HeaderNames.Origin].Count == 0;
        }
        origin = origin.TrimEnd('/');
        return string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase)
            || options.AllowedOrigins.Any(o =>
                string.Equals(o.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase));
    }
}
