using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Nop.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Nop.Benchmarks;

/// <summary>
/// The raw chain's first hop: a bare ASP.NET Core endpoint on 127.0.0.1 with none of Ingest's logic (no key, no
/// validation, no catalogue, no rate limit). It deserialises the readings body, and publishes one
/// <see cref="ReadingBatchReceived"/> per sensor (so a message of the pipeline's size) to <c>nop.readings</c>,
/// persistent and mandatory with publisher confirms on one channel with at most Ingest's 2,048 in flight, and answers
/// 202 once every message is confirmed (503 if the broker refuses one).
/// </summary>
public sealed class RawChainEndpoint : IAsyncDisposable
{
    private const int InFlight = 2048;
    private static readonly GeoLocation Location = new(48.2, 16.37);

    private readonly WebApplication _app;
    private readonly IChannel _publisher;
    private readonly SemaphoreSlim _inFlight = new(InFlight, InFlight);

    private RawChainEndpoint(WebApplication app, IChannel publisher)
    {
        _app = app;
        _publisher = publisher;
    }

    /// <summary>Where the endpoint listens (<c>POST /api/readings</c>).</summary>
    public Uri Address { get; private set; } = null!;

    public static async Task<RawChainEndpoint> StartAsync(IConnection connection)
    {
        var publisher = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true,
            outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(InFlight)));
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var endpoint = new RawChainEndpoint(app, publisher);
        app.MapPost("/api/readings", endpoint.PostAsync);
        await app.StartAsync();
        // Kestrel puts the port it bound (for port 0) in the server's addresses.
        endpoint.Address = new Uri(app.Urls.First());
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _publisher.DisposeAsync();
        _inFlight.Dispose();
    }

    private async Task PostAsync(HttpContext context)
    {
        var request = await JsonSerializer.DeserializeAsync(context.Request.Body, RawChainJson.Default.RawChainRequest,
            context.RequestAborted);
        if (request?.Readings is not { Count: > 0 } readings)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var bySensor = new Dictionary<string, List<SensorReading>>(StringComparer.Ordinal);
        foreach (var r in readings)
        {
            if (!bySensor.TryGetValue(r.SensorId, out var list))
            {
                bySensor[r.SensorId] = list = new List<SensorReading>(readings.Count);
            }
            var id = r.ReadingId ?? Guid.CreateVersion7().ToString();
            list.Add(new SensorReading(id, r.MeasuredAt, r.Laeq, r.Lamax, r.DurationSeconds));
        }
        var receivedAt = DateTimeOffset.UtcNow;
        var publishes = new List<Task>(bySensor.Count);
        foreach (var (sensorId, list) in bySensor)
        {
            var message = new ReadingBatchReceived(sensorId, Zone.Residential, Location, null, receivedAt, list);
            publishes.Add(PublishAsync(RoutingKeys.Reading(sensorId),
                JsonSerializer.SerializeToUtf8Bytes(message, MessageTypes.JsonInfo<ReadingBatchReceived>())));
        }
        try
        {
            await Task.WhenAll(publishes);
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        }
        catch (PublishException)
        {
            // A full queue (reject-publish) nacks: the sender retries, as with Ingest's 503.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    }

    private async Task PublishAsync(string routingKey, byte[] body)
    {
        // The client's limiter refuses a publish past its limit; waiting here first makes it back-pressure.
        await _inFlight.WaitAsync();
        try
        {
            var id = Guid.CreateVersion7().ToString();
            var properties = new BasicProperties
            {
                MessageId = id,
                CorrelationId = id,
                Type = ReadingBatchReceived.MessageType,
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
                Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
                Headers = new Dictionary<string, object?>
                {
                    [EnvelopeHeaders.TraceParent] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                },
            };
            await _publisher.BasicPublishAsync(Exchanges.Readings, routingKey, mandatory: true, properties, body);
        }
        finally
        {
            _inFlight.Release();
        }
    }
}
