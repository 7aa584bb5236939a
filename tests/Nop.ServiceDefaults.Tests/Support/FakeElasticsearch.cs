using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Nop.ServiceDefaults.Tests.Support;

/// <summary>One <c>_bulk</c> request as the fake received it.</summary>
/// <param name="Number">1 for the first request, and so on.</param>
/// <param name="At">When it arrived, from the fake's start.</param>
/// <param name="Documents">The documents it carried, in order.</param>
internal sealed record ReceivedBulk(int Number, TimeSpan At, IReadOnlyList<JsonElement> Documents);

/// <summary>How the fake answers: an HTTP status for the whole request, or 200 with these item statuses.</summary>
internal sealed record BulkAnswer(int Status, IReadOnlyList<int>? ItemStatuses = null);

/// <summary>
/// Stands in for Elasticsearch's <c>_bulk</c> API on a data stream, and checks each request the way Elasticsearch
/// would: the path, the NDJSON content type, <c>create</c> actions only (data streams refuse <c>index</c>),
/// documents that parse and carry <c>@timestamp</c>. Anything else is recorded in <see cref="Violations"/> and
/// answered with 400.
/// </summary>
internal sealed class FakeElasticsearch : IAsyncDisposable
{
    public const string DataStream = "logs-nop-default";

    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _requests;

    private FakeElasticsearch(WebApplication app) => _app = app;

    public Uri Url => new(_app.Urls.Single());

    public ConcurrentQueue<string> Violations { get; } = new();

    public ConcurrentQueue<ReceivedBulk> Requests { get; } = new();

    /// <summary>Documents accepted (2xx item status), as Elasticsearch would have stored them.</summary>
    public ConcurrentQueue<JsonElement> Stored { get; } = new();

    public Func<ReceivedBulk, BulkAnswer> Answer { get; set; } = _ => new BulkAnswer(200);

    public TimeSpan Now => _clock.Elapsed;

    public static async Task<FakeElasticsearch> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeElasticsearch(app);
        app.MapPost("/{dataStream}/_bulk", fake.BulkAsync);
        app.MapFallback(context =>
        {
            fake.Violations.Enqueue($"unexpected request {context.Request.Method} {context.Request.Path}");
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        await app.StartAsync();
        return fake;
    }

    private async Task<IResult> BulkAsync(HttpContext context, string dataStream)
    {
        var number = Interlocked.Increment(ref _requests);
        var at = _clock.Elapsed;

        if (dataStream != DataStream)
            return Refuse($"request {number}: data stream '{dataStream}', expected '{DataStream}'");
        if (context.Request.ContentType != "application/x-ndjson")
            return Refuse($"request {number}: content type '{context.Request.ContentType}'");

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        if (!body.EndsWith('\n'))
            return Refuse($"request {number}: the body must end with a newline");

        var lines = body[..^1].Split('\n');
        if (lines.Length % 2 != 0)
            return Refuse($"request {number}: {lines.Length} lines, not action/document pairs");

        var documents = new List<JsonElement>();
        for (var i = 0; i < lines.Length; i += 2)
        {
            if (!TryParse(lines[i], out var action) || action.ValueKind != JsonValueKind.Object ||
                action.EnumerateObject().Select(p => p.Name).SingleOrDefault() != "create" ||
                action.GetProperty("create").ValueKind != JsonValueKind.Object ||
                action.GetProperty("create").EnumerateObject().Any())
            {
                return Refuse(
                    $"request {number}: action line {i} is '{lines[i]}', data streams only take {{\"create\":{{}}}}");
            }
            if (!TryParse(lines[i + 1], out var document) || document.ValueKind != JsonValueKind.Object)
                return Refuse($"request {number}: document line {i + 1} is not a JSON object: {lines[i + 1]}");
            if (!document.TryGetProperty("@timestamp", out var timestamp) ||
                !DateTimeOffset.TryParse(timestamp.GetString(), out _))
            {
                return Refuse($"request {number}: document line {i + 1} has no valid @timestamp");
            }
            documents.Add(document);
        }

        var received = new ReceivedBulk(number, at, documents);
        Requests.Enqueue(received);
        var answer = Answer(received);
        if (answer.Status != 200)
        {
            return Results.Json(
                new { error = new { type = "fake_failure", reason = "told to fail" }, status = answer.Status },
                statusCode: answer.Status);
        }

        var items = new List<object>();
        var errors = false;
        for (var i = 0; i < documents.Count; i++)
        {
            var status = answer.ItemStatuses is { } statuses && i < statuses.Count ? statuses[i] : 201;
            if (status is >= 200 and < 300)
            {
                Stored.Enqueue(documents[i]);
                items.Add(new { create = new { _index = ".ds-" + DataStream, status } });
            }
            else
            {
                errors = true;
                var type = status == 429 ? "es_rejected_execution_exception" : "document_parsing_exception";
                var error = new { type, reason = "told to refuse" };
                items.Add(new { create = new { _index = ".ds-" + DataStream, status, error } });
            }
        }
        return Results.Json(new { took = 1, errors, items });
    }

    private IResult Refuse(string violation)
    {
        Violations.Enqueue(violation);
        return Results.Json(
            new { error = new { type = "illegal_argument_exception", reason = violation }, status = 400 },
            statusCode: 400);
    }

    private static bool TryParse(string line, out JsonElement element)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            element = document.RootElement.Clone();
            return true;
        }
        catch (JsonException)
        {
            element = default;
            return false;
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
