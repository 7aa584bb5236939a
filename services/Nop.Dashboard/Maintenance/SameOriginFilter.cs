using Microsoft.Extensions.Options;
using Nop.Dashboard.Hub;

namespace Nop.Dashboard.Maintenance;

// Anti-forgery for the operator's HTTP commands, the rule the hub's Acknowledge has: the session cookie is
// SameSite=Strict, and a browser sends Origin with every POST and DELETE, so a request from a page of another origin
// (another site, or a sibling host of the same site, which SameSite does not stop) is refused with 403 unless
// Dashboard:AllowedOrigins lists it. A request without Origin is not from a browser page: nothing to forge. The
// body must be application/json (415 otherwise), which no HTML form can send.
public sealed class SameOriginFilter(IOptionsMonitor<DashboardOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context,
        EndpointFilterDelegate next)
    {
        if (!ViewerAccess.OriginAllowed(context.HttpContext.Request, options.CurrentValue))
        {
            return TypedResults.Problem(title: "Requests from pages of other origins are refused.",
                statusCode: StatusCodes.Status403Forbidden);
        }
        return await next(context);
    }
}
