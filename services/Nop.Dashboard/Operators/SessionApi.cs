using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Nop.Dashboard.Operators;

public sealed record SignInRequest([property: Required] string Username, [property: Required] string Password);

public sealed record SessionView(string? User);

// Operator sign-in with a cookie: GET/POST/DELETE /api/session.
public static class SessionApi
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string SignInRateLimit = "sign-in";

    public static IEndpointRouteBuilder MapSessionApi(this IEndpointRouteBuilder app)
    {
        var session = app.MapGroup("/api/session");
        session.MapGet("/", (HttpContext context) =>
            TypedResults.Ok(new SessionView(
                context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name : null)));
        session.MapPost("/", SignInAsync).RequireRateLimiting(SignInRateLimit);
        session.MapDelete("/", async (HttpContext context) =>
        {
            await context.SignOutAsync(Scheme);
            return TypedResults.NoContent();
        });
        return app;
    }

    private static async Task<Results<Ok<SessionView>, ValidationProblem, ProblemHttpResult>> SignInAsync(
        SignInRequest request, OperatorDirectory operators, SignInLimiter limiter, TimeProvider time,
        HttpContext context, ILogger<OperatorDirectory> logger)
    {
        if (string.IsNullOrWhiteSpace(request.Username) || string.IsNullOrEmpty(request.Password))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["username"] = string.IsNullOrWhiteSpace(request.Username) ? ["Required."] : [],
                ["password"] = string.IsNullOrEmpty(request.Password) ? ["Required."] : [],
            }.Where(e => e.Value.Length > 0).ToDictionary());
        }
        if (!limiter.TryAttempt(request.Username))
        {
            logger.LogWarning("Too many sign-in attempts for {Username}", request.Username);
            return TypedResults.Problem(title: "Too many sign-in attempts for this user name; try again in a minute.",
                statusCode: StatusCodes.Status429TooManyRequests);
        }
        if (operators.SignIn(request.Username, request.Password) is not { } principal)
        {
            logger.LogWarning("Failed sign-in for {Username}", request.Username);
            return TypedResults.Problem(title: "Wrong user name or password.",
                statusCode: StatusCodes.Status401Unauthorized);
        }
        var properties = new AuthenticationProperties { IsPersistent = true };
        SessionValidation.MarkSignIn(properties, time.GetUtcNow());
        await context.SignInAsync(Scheme, principal, properties);
        logger.LogInformation("{Username} signed in", request.Username);
        return TypedResults.Ok(new SessionView(principal.Identity!.Name));
    }
}
