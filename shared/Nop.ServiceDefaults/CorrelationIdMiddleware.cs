using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Serilog.Context;

namespace Nop.ServiceDefaults;

/// <summary>
/// Gives every HTTP request a correlation id: the caller's <c>X-Correlation-Id</c> when it is sane, otherwise a
/// new one. The id is stored on the request, returned in the response header and put on every log event written
/// while the request is handled.
/// </summary>
/// <param name="next">The rest of the pipeline.</param>
public sealed class CorrelationIdMiddleware(RequestDelegate next)
{
    // A private object key cannot collide with anything else stored in HttpContext.Items.
    internal static readonly object ItemKey = new();

    /// <summary>Handles one request.</summary>
    /// <param name="context">The request's context.</param>
    /// <returns>A task that completes when the rest of the pipeline has.</returns>
    public async Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[CorrelationId.HeaderName];
        // Exactly one valid value; repeated or malformed headers are replaced rather than trusted.
        var correlationId = incoming.Count == 1 && CorrelationId.IsValid(incoming[0])
            ? incoming[0]!
            : CorrelationId.Create();

        context.Items[ItemKey] = correlationId;

        // Set when the headers are sent, not now: the exception handler clears the response headers before it
        // writes its ProblemDetails, and the error answer is the one that most needs the id.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[CorrelationId.HeaderName] = correlationId;
            return Task.CompletedTask;
        });

        using (LogContext.PushProperty(CorrelationId.PropertyName, correlationId))
        {
            await next(context);
        }
    }
}

/// <summary>Registers and reads the HTTP correlation id.</summary>
public static class CorrelationIdExtensions
{
    /// <summary>
    /// Adds <see cref="CorrelationIdMiddleware"/> to the pipeline. Call it early, before anything that logs, so
    /// that those log events carry the <c>CorrelationId</c> property.
    /// </summary>
    /// <param name="app">The application's pipeline.</param>
    /// <returns>The same pipeline, for chaining.</returns>
    public static IApplicationBuilder UseCorrelationId(this IApplicationBuilder app) =>
        app.UseMiddleware<CorrelationIdMiddleware>();

    /// <summary>The correlation id of the request, or <see langword="null"/> when <see cref="UseCorrelationId"/> has
    /// not run for it.</summary>
    /// <param name="httpContext">The request's context.</param>
    /// <returns>The request's correlation id.</returns>
    public static string? GetCorrelationId(this HttpContext httpContext) =>
        httpContext.Items.TryGetValue(CorrelationIdMiddleware.ItemKey, out var value) ? value as string : null;
}
