using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Nop.Ingest.Readings;

namespace Nop.Ingest.Extensions;

// Per-key request limits: a token bucket for each API key (so each sensor), one shared bucket for callers without a
// valid key.
internal static class RateLimitingExtensions
{
    public const string PerKeyPolicy = "per-key";

    public static IServiceCollection AddIngestRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<IngestOptions>>((limiter, ingest) =>
        {
            var settings = ingest.Value.RateLimit;
            limiter.AddPolicy(PerKeyPolicy, context =>
            {
                var name = context.User.Identity is { IsAuthenticated: true, Name: { } owner } ? owner : null;
                return name is null
                    ? RateLimitPartition.GetFixedWindowLimiter("(anonymous)", _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = settings.AnonymousRequestsPerSecond,
                        Window = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetTokenBucketLimiter(name, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = settings.Burst,
                        TokensPerPeriod = settings.RequestsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
                    ? wait
                    : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                var http = context.HttpContext;
                // Only the readings endpoint has a rate limit: the body is not read, so the request counts as one.
                http.RequestServices.GetRequiredService<IngestMetrics>().Refused(IngestMetrics.Reasons.RateLimited);
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"This API key sends requests faster than allowed; retry after {seconds} s, "
                            + "or send fewer, larger batches.",
                    },
                });
            };
        });
        return services;
    }
}
