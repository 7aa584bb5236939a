using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Nop.Ingest.Extensions;
using Nop.Ingest.Security;
using Nop.Ingest.Sensors;
using Nop.Messaging;
using Nop.ServiceDefaults;
using Serilog;

namespace Nop.Ingest.Readings;

// POST /api/readings: validate, authorise, publish with confirms, then 202 (docs/architecture.md §2).
public static class ReadingsApi
{
    // The operation id in the OpenAPI document.
    public const string PostReadingsName = "PostReadings";

    public static IEndpointRouteBuilder MapReadingsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/readings", PostReadingsAsync)
            .WithName(PostReadingsName)
            .WithTags("Readings")
            .WithSummary("Post one reading or a batch (at most Ingest:MaxBatchSize readings)")
            .WithDescription(
                "The body is one reading or {\"readings\": [...]}. A batch is accepted or refused whole and "
                + "published as one message per sensor. 202 means the broker has confirmed every message; on 503 or "
                + "429 retry the same body after Retry-After. A reading without a readingId gets one derived from its "
                + "sensor and measuredAt (the UTC instant as 2026-11-23T10:15:30.0000000Z), so a re-posted reading is "
                + "counted once either way; two readings of one sensor with the same measuredAt and no readingId in "
                + "one request are refused (400).")
            .RequireAuthorization()
            .RequireRateLimiting(RateLimitingExtensions.PerKeyPolicy)
            .Accepts<ReadingBatchRequest>("application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static async Task<Results<Accepted<ReadingsAccepted>, ValidationProblem, ProblemHttpResult>>
        PostReadingsAsync(
        HttpContext http,
        SensorCatalog catalog,
        ReadingPublisher publisher,
        IngestMetrics metrics,
        IOptions<IngestOptions> options,
        TimeProvider time,
        IDiagnosticContext diagnostics,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var request = http.Request;
        if (!request.HasJsonContentType())
        {
            metrics.Refused(IngestMetrics.Reasons.UnsupportedMediaType);
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Send the readings as JSON with Content-Type: application/json, "
                + $"not '{request.ContentType ?? "(none)"}'.");
        }

        var body = await ReadBodyAsync(http, settings.MaxBodyBytes, cancellationToken);
        if (body is null)
        {
            metrics.Refused(IngestMetrics.Reasons.TooLarge);
            return Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large",
                $"The body may be at most {settings.MaxBodyBytes} bytes; send smaller batches.");
        }

        var parsed = ReadingParser.Parse(body.Value, time.GetUtcNow(), settings);
        if (!parsed.IsValid)
        {
            metrics.Refused(IngestMetrics.Reasons.Validation, parsed.Posted);
            return TypedResults.ValidationProblem(parsed.Errors!,
                title: "The readings are not valid; none was accepted.");
        }

        var owned = http.User.Sensors();
        var sensors = new Sensor[parsed.Readings.Count];
        var notOwned = new SortedSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < sensors.Length; i++)
        {
            var sensorId = parsed.Readings[i].SensorId;
            if (owned.Contains(sensorId) && catalog.Find(sensorId) is { } sensor)
            {
                sensors[i] = sensor;
            }
            else
            {
                notOwned.Add(sensorId);
            }
        }
        if (notOwned.Count > 0)
        {
            metrics.Refused(IngestMetrics.Reasons.UnknownSensor, sensors.Length);
            var more = notOwned.Count > 10 ? $" and {notOwned.Count - 10} more sensors" : "";
            return Problem(StatusCodes.Status403Forbidden, "Forbidden", "This API key may not post readings for "
                + $"{string.Join(", ", notOwned.Take(10))}{more}; none was accepted.");
        }

        var correlationId = http.GetCorrelationId() ?? CorrelationId.Create();
        diagnostics.Set("SensorId", sensors[0].Id);
        diagnostics.Set("ReadingCount", sensors.Length);
        if (!publisher.IsConnected)
        {
            metrics.Refused(IngestMetrics.Reasons.Unavailable, sensors.Length);
            return Unavailable(http, settings, "The message broker is not reachable.");
        }
        try
        {
            await publisher.PublishAsync(parsed.Readings, sensors, correlationId, cancellationToken);
        }
        catch (MessagePublishException ex)
        {
            loggers.CreateLogger(typeof(ReadingsApi)).LogWarning(ex,
                "{ReadingCount} readings of {SensorId} not confirmed by the broker ({Failure}); answering 503",
                sensors.Length, sensors[0].Id, ex.Failure);
            metrics.Refused(IngestMetrics.Reasons.Unavailable, sensors.Length);
            return Unavailable(http, settings, $"The broker did not confirm the readings ({ex.Failure}).");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever else the broker client throws, the readings are not confirmed: the client must retry, not
            // give up.
            loggers.CreateLogger(typeof(ReadingsApi)).LogError(ex,
                "Publishing {ReadingCount} readings of {SensorId} failed unexpectedly; answering 503",
                sensors.Length, sensors[0].Id);
            metrics.Refused(IngestMetrics.Reasons.Unavailable, sensors.Length);
            return Unavailable(http, settings, "The readings could not be handed to the broker.");
        }
        metrics.Accepted(sensors.Length);
        return TypedResults.Accepted((string?)null, new ReadingsAccepted(sensors.Length, correlationId));
    }

    // The body, or null when it is larger than limit.
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpContext http, long limit,
        CancellationToken cancellationToken)
    {
        if (http.Request.ContentLength > limit)
        {
            return null;
        }
        // Also stops chunked bodies without a Content-Length at the limit: Kestrel fails the read past it.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }
        using var buffer = new MemoryStream((int)Math.Min(http.Request.ContentLength ?? 16 * 1024, limit));
        // Pooled: a new 16 KB chunk per request was more garbage than a packet's parsed readings.
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return new ReadOnlyMemory<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static ProblemHttpResult Unavailable(HttpContext http, IngestOptions settings, string detail)
    {
        http.Response.Headers.RetryAfter =
            settings.UnavailableRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Problem(StatusCodes.Status503ServiceUnavailable, "Readings not accepted: retry later",
            detail + " Retry the request unchanged (with the same readingIds) after Retry-After.");
    }

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(statusCode: status, title: title, detail: detail);
}
