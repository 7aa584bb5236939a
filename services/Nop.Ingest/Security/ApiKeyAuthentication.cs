using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Nop.Ingest.Readings;
using Nop.Ingest.Sensors;

namespace Nop.Ingest.Security;

// Authenticates a sensor by its X-Api-Key header against the catalogue.
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    SensorCatalog catalog,
    IProblemDetailsService problems,
    IngestMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    // One claim per sensor the key owns.
    public const string SensorClaim = "nop:sensor";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var values = Request.Headers[HeaderName];
        if (values.Count == 0 || string.IsNullOrEmpty(values[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (values.Count > 1 || values[0]!.Length > 256 || catalog.Authenticate(values[0]!) is not { } owner)
        {
            return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
        }
        var claims = owner.SensorIds.Select(id => new Claim(SensorClaim, id))
            .Prepend(new Claim(ClaimTypes.Name, owner.Name));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        if (IsPostReadings(Context))
            metrics.Refused(IngestMetrics.Reasons.Unauthorized);
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Unauthorized",
                Detail = result.Failure is null
                    ? $"Send the sensor's API key in the {HeaderName} header."
                    : "The API key is not valid.",
            },
        });
    }

    private static bool IsPostReadings(HttpContext http) =>
        http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == ReadingsApi.PostReadingsName;

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = StatusCodes.Status403Forbidden, Title = "Forbidden" },
        });
    }
}

public static class ApiKeyPrincipal
{
    // The sensors the caller's key owns.
    public static IReadOnlySet<string> Sensors(this ClaimsPrincipal user) =>
        user.FindAll(ApiKeyAuthenticationHandler.SensorClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
}
