using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nop.ServiceDefaults.Elasticsearch;
using Nop.ServiceDefaults.Tests.Support;
using Serilog;

namespace Nop.ServiceDefaults.Tests;

public sealed class ElasticsearchSinkTests
{
    private static ElasticsearchSinkOptions Options(Uri url) => new()
    {
        Url = url,
        Period = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromSeconds(2),
        RequestTimeout = TimeSpan.FromSeconds(5),
        ShutdownTimeout = TimeSpan.FromSeconds(2),
    };

    private static Serilog.Core.Logger LoggerFor(ElasticsearchSink sink) => new LoggerConfiguration()
        .MinimumLevel.Verbose()
        .Enrich.WithProperty("Service", "Nop.Ingest")
        .Enrich.WithProperty("Environment", "Testing")
        .WriteTo.Sink(sink)
        .CreateLogger();

    private static string Text(JsonElement document, string field) =>
        document.TryGetProperty(field, out var value) ? value.ToString()
            : throw new ShouldAssertException($"no '{field}' in {document}");

    [Fact]
    public async Task Bulk_body_is_valid_ndjson_for_a_data_stream_with_ecs_fields()
    {
        await using var elasticsearch = await FakeElasticsearch.StartAsync();
        var sink = new ElasticsearchSink(Options(elasticsearch.Url));
        using (var logger = LoggerFor(sink))
        {
            var message = logger
                .ForContext("CorrelationId", "corr-1")
                .ForContext("MessageId", "msg-1")
                .ForContext("MessageType", "nop.reading-received.v1");
            message.Information("Reading {ReadingId} from {SensorId} at {Laeq} dB", "r-1", "sensor-7", 63.5);
            message.Error(new InvalidOperationException("boom"), "Handling failed for {SensorId}", "sensor-7");

            await Eventually.TrueAsync(() => elasticsearch.Stored.Count == 2, "both events are stored");
        }

        elasticsearch.Violations.ShouldBeEmpty();
        sink.SentEvents.ShouldBe(2);
        var documents = elasticsearch.Stored.ToList();
        var reading = documents.Single(d => Text(d, "log.level") == "Information");
        var failure = documents.Single(d => Text(d, "log.level") == "Error");

        DateTimeOffset.Parse(Text(reading, "@timestamp")).Offset.ShouldBe(TimeSpan.Zero);
        Text(reading, "@timestamp").ShouldEndWith("Z");
        Text(reading, "message").ShouldBe("Reading r-1 from sensor-7 at 63.5 dB");
        Text(reading, "ecs.version").ShouldBe("8.11.0");
        Text(reading, "service.name").ShouldBe("Nop.Ingest");
        Text(reading, "service.environment").ShouldBe("Testing");
        Text(reading, "event.dataset").ShouldBe("nop.ingest");
        Text(reading, "CorrelationId").ShouldBe("corr-1");
        Text(reading, "MessageId").ShouldBe("msg-1");
        Text(reading, "MessageType").ShouldBe("nop.reading-received.v1");
        Text(reading, "SensorId").ShouldBe("sensor-7");
        Text(reading, "fields.ReadingId").ShouldBe("r-1");
        reading.GetProperty("fields.Laeq").GetDouble().ShouldBe(63.5);
        reading.TryGetProperty("fields.SensorId", out _).ShouldBeFalse("SensorId is a top-level field");
        reading.TryGetProperty("fields.Service", out _).ShouldBeFalse("Service is service.name");
        reading.TryGetProperty("error.type", out _).ShouldBeFalse();

        Text(failure, "error.type").ShouldBe("System.InvalidOperationException");
        Text(failure, "error.message").ShouldBe("boom");
        Text(failure, "error.stack_trace").ShouldContain("boom");
        Text(failure, "CorrelationId").ShouldBe("corr-1");
    }

    [Fact]
    public async Task A_log_written_under_an_activity_carries_its_trace_and_span_ids()
    {
        await using var elasticsearch = await FakeElasticsearch.StartAsync();
        var sink = new ElasticsearchSink(Options(elasticsearch.Url));
        using var activity = new System.Diagnostics.Activity("handle").Start();
        using (var logger = LoggerFor(sink))
        {
            logger.Information("Handled {MessageId}", "msg-1");
            activity.Stop();
            logger.Information("Idle");

            await Eventually.TrueAsync(() => elasticsearch.Stored.Count == 2, "both events are stored");
        }

        var handled = elasticsearch.Stored.Single(d => Text(d, "message") == "Handled msg-1");
        Text(handled, "trace.id").ShouldBe(activity.TraceId.ToHexString());
        Text(handled, "span.id").ShouldBe(activity.SpanId.ToHexString());
        var idle = elasticsearch.Stored.Single(d => Text(d, "message") == "Idle");
        idle.TryGetProperty("trace.id", out _).ShouldBeFalse("no activity was current");
    }

    [Fact]
    public async Task Sink_backs_off_while_elasticsearch_is_overloaded_then_delivers_every_event_exactly_once()
    {
        await using var elasticsearch = await FakeElasticsearch.StartAsync();
        var failingFor = TimeSpan.FromMilliseconds(1500);
        TimeSpan? firstRequest = null;
        elasticsearch.Answer = bulk =>
        {
            firstRequest ??= bulk.At;
            if (bulk.At - firstRequest < failingFor)
                return new BulkAnswer(bulk.Number == 1 ? 429 : 503);
            return new BulkAnswer(200);
        };
        var options = Options(elasticsearch.Url);
        options.Period = TimeSpan.FromMilliseconds(100);
        var sink = new ElasticsearchSink(options);

        using (var logger = LoggerFor(sink))
        {
            for (var i = 0; i < 100; i++)
                logger.Information("Event {N}", i);
            await Eventually.TrueAsync(() => !elasticsearch.Requests.IsEmpty, "a first request arrives");
            for (var i = 100; i < 300; i++)
                logger.Information("Event {N}", i);

            await Eventually.TrueAsync(() => elasticsearch.Stored.Count >= 300, "all 300 events are stored");
        }

        elasticsearch.Violations.ShouldBeEmpty();
        var numbers = elasticsearch.Stored.Select(d => d.GetProperty("fields.N").GetInt32()).ToList();
        numbers.Count.ShouldBe(300, "no duplicates");
        numbers.Order().ShouldBe(Enumerable.Range(0, 300), "no loss");

        // Without back-off a 100 ms period would mean about 15 attempts in the failure window. With it, the wait after
        // the k-th failure is at least 0.8 · period · 2^k (0.75 here for timer slack), and a request can only arrive
        // later than that after the previous one, never earlier: lower bounds hold however loaded the machine is.
        var failing = elasticsearch.Requests.Where(r => r.At - firstRequest < failingFor).OrderBy(r => r.At).ToList();
        failing.Count.ShouldBeInRange(2, 4);
        for (var k = 1; k < failing.Count; k++)
        {
            var gap = failing[k].At - failing[k - 1].At;
            gap.ShouldBeGreaterThanOrEqualTo(0.75 * options.Period * Math.Pow(2, k), $"gap after failure {k}");
        }
        sink.FailedRequests.ShouldBe(failing.Count);
        sink.SentEvents.ShouldBe(300);
        sink.DroppedEvents.ShouldBe(0);
    }

    [Fact]
    public async Task Logger_keeps_accepting_events_while_elasticsearch_is_unreachable_and_the_buffer_stays_bounded()
    {
        var options = Options(new Uri($"http://127.0.0.1:{TestHosts.UnusedPort()}"));
        options.QueueLimit = 1_000;
        options.BatchSize = 100;
        options.MaxBackoff = TimeSpan.FromMilliseconds(200);
        options.ShutdownTimeout = TimeSpan.FromMilliseconds(500);
        var sink = new ElasticsearchSink(options);
        const int written = 50_000;

        using (var logger = LoggerFor(sink))
        {
            for (var i = 0; i < written; i++)
                logger.Information("Event {N}", i);

            await Eventually.TrueAsync(
                () => sink.FailedRequests >= 2 && sink.DroppedEvents + sink.BufferedEvents == written,
                "every written event is either buffered or counted as dropped");

            sink.BufferedEvents.ShouldBeLessThanOrEqualTo(options.QueueLimit + options.BatchSize);
            sink.DroppedEvents.ShouldBeGreaterThanOrEqualTo(written - options.QueueLimit - options.BatchSize);
            sink.SentEvents.ShouldBe(0);
        }

        // Disposing gave up on the unreachable endpoint; what it still held is counted as dropped.
        sink.BufferedEvents.ShouldBe(0);
        sink.DroppedEvents.ShouldBe(written);
    }

    [Fact]
    public async Task Oldest_events_are_dropped_while_elasticsearch_is_away_and_the_newest_arrive_when_it_returns()
    {
        await using var elasticsearch = await FakeElasticsearch.StartAsync();
        var away = true;
        elasticsearch.Answer = _ => new BulkAnswer(Volatile.Read(ref away) ? 503 : 200);
        var options = Options(elasticsearch.Url);
        options.QueueLimit = 200;
        options.BatchSize = 50;
        options.MaxBackoff = TimeSpan.FromMilliseconds(100);
        var sink = new ElasticsearchSink(options);
        const int written = 2_000;

        using (var logger = LoggerFor(sink))
        {
            for (var i = 0; i < written; i++)
                logger.Information("Event {N}", i);
            await Eventually.TrueAsync(() => sink.FailedRequests >= 1, "a request has failed");
            Volatile.Write(ref away, false);
            await Eventually.TrueAsync(() =>
                sink.BufferedEvents == 0 && sink.SentEvents + sink.DroppedEvents == written,
                "the buffer drains");
        }

        var numbers = elasticsearch.Stored.Select(d => d.GetProperty("fields.N").GetInt32()).ToHashSet();
        numbers.Count.ShouldBe((int)sink.SentEvents);
        sink.DroppedEvents.ShouldBeGreaterThan(0);
        // The queue kept the newest events; only the batch that was already being retried is older.
        numbers.ShouldContain(written - 1);
        numbers.Count(n => n >= written - options.QueueLimit).ShouldBe(options.QueueLimit);
    }

    [Fact]
    public async Task Partial_bulk_failure_drops_the_rejected_item_and_retries_the_throttled_one()
    {
        await using var elasticsearch = await FakeElasticsearch.StartAsync();
        var seen = new Dictionary<string, int>();
        elasticsearch.Answer = bulk =>
        {
            // The first time each document is seen: "reject" gets 400, "throttle" 429, the rest 201.
            var statuses = bulk.Documents.Select(d =>
            {
                var outcome = d.GetProperty("fields.Outcome").GetString()!;
                lock (seen)
                {
                    var first = !seen.ContainsKey(outcome);
                    seen[outcome] = seen.GetValueOrDefault(outcome) + 1;
                    return (outcome, first) switch
                    {
                        ("reject", _) => 400,
                        ("throttle", true) => 429,
                        _ => 201,
                    };
                }
            }).ToList();
            return new BulkAnswer(200, statuses);
        };
        var sink = new ElasticsearchSink(Options(elasticsearch.Url));

        using (var logger = LoggerFor(sink))
        {
            logger.Information("Outcome {Outcome}", "accept");
            logger.Information("Outcome {Outcome}", "reject");
            logger.Information("Outcome {Outcome}", "throttle");
            await Eventually.TrueAsync(() => sink.SentEvents == 2 && sink.RejectedEvents == 1,
                "accepted twice, rejected once");
        }

        elasticsearch.Violations.ShouldBeEmpty();
        elasticsearch.Stored.Select(d => d.GetProperty("fields.Outcome").GetString()).Order()
            .ShouldBe(["accept", "throttle"]);
        lock (seen)
        {
            seen["reject"].ShouldBe(1, "a rejected item is never sent again");
            seen["throttle"].ShouldBe(2, "a throttled item is sent again");
            seen["accept"].ShouldBe(1, "an accepted item is never sent again");
        }
        sink.FailedRequests.ShouldBe(0);
        sink.DroppedEvents.ShouldBe(0);
    }

    [Fact]
    public async Task Service_defaults_ship_logs_to_elasticsearch_when_a_url_is_configured()
    {
        await using var elasticsearch = await FakeElasticsearch.StartAsync();
        var builder = TestHosts.CreateBuilder(
            ("Logging:Elasticsearch:Url", elasticsearch.Url.ToString()),
            ("Logging:Elasticsearch:Period", "00:00:00.050"));
        builder.AddServiceDefaults();
        await using var app = builder.Build();
        app.UseCorrelationId();
        app.MapGet("/hello", (ILogger<ElasticsearchSinkTests> log) =>
        {
            log.LogInformation("Hello from {SensorId}", "sensor-9");
            return "hi";
        });
        using var client = await app.StartAndConnectAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, "/hello");
        request.Headers.Add(CorrelationId.HeaderName, "corr-from-test");
        (await client.SendAsync(request)).EnsureSuccessStatusCode();

        await Eventually.TrueAsync(
            () => elasticsearch.Stored.Any(d =>
                d.TryGetProperty("message", out var m) && m.GetString() == "Hello from sensor-9"),
            "the endpoint's log event is stored");
        var document = elasticsearch.Stored.First(d => d.GetProperty("message").GetString() == "Hello from sensor-9");
        Text(document, "CorrelationId").ShouldBe("corr-from-test");
        Text(document, "SensorId").ShouldBe("sensor-9");
        Text(document, "service.name").ShouldBe("Nop.Test");
        Text(document, "service.environment").ShouldBe("Testing");
        Text(document, "log.logger").ShouldBe(typeof(ElasticsearchSinkTests).FullName!);
        elasticsearch.Violations.ShouldBeEmpty();
        app.Services.GetRequiredService<ElasticsearchSink>().SentEvents.ShouldBeGreaterThan(0);
    }
}
