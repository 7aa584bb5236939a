using System.Net;
using Nop.Testing;

namespace Nop.Ingest.Tests;

/// <summary>503 with Retry-After when the broker cannot confirm; 429 with Retry-After for a flood.</summary>
public sealed class AvailabilityTests
{
    [Fact]
    public async Task With_the_broker_gone_a_valid_reading_gets_503_with_Retry_After()
    {
        await using var app = await IngestApp.StartAsync("gone",
            new Dictionary<string, string?> { ["Ingest:UnavailableRetryAfterSeconds"] = "7" });

        // Deleting the virtual host closes Ingest's connection, and it cannot reconnect: the broker is gone for it.
        await app.VirtualHost.DisposeAsync();
        await Eventually.TrueAsync(async () =>
        {
            using var ready = await app.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return ready.StatusCode == HttpStatusCode.ServiceUnavailable;
        }, TimeSpan.FromSeconds(10), "Ingest reports not ready");

        using var response = await app.PostAsync(Readings.Json(Readings.Valid("dev-001", "while-gone")));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(7));
        problem["detail"]!.GetValue<string>().ShouldContain("Retry");
    }

    [Fact]
    public async Task With_no_queue_bound_to_the_readings_exchange_a_reading_gets_503_not_202()
    {
        // Mandatory publishing: a reading nobody would ever receive is not "accepted".
        await using var app = await IngestApp.StartAsync("unroutable", bindTestQueue: false);

        using var response = await app.PostAsync(Readings.Json(Readings.Valid("dev-001", "unroutable")));

        (await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable))["detail"]!.GetValue<string>()
            .ShouldContain("Unroutable");
        response.Headers.RetryAfter.ShouldNotBeNull();
    }

    [Fact]
    public async Task A_flood_from_one_key_gets_429_with_Retry_After_and_only_accepted_requests_are_published()
    {
        await using var app = await IngestApp.StartAsync("flood", new Dictionary<string, string?>
        {
            ["Ingest:RateLimit:RequestsPerSecond"] = "1",
            ["Ingest:RateLimit:Burst"] = "5",
        });

        var started = System.Diagnostics.Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, 30)
            .Select(i => app.PostAsync(Readings.Json(Readings.Valid("dev-001", $"flood-{i}")))));
        var seconds = (int)Math.Ceiling(started.Elapsed.TotalSeconds);

        var accepted = responses.Where(r => r.StatusCode == HttpStatusCode.Accepted).ToList();
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        (accepted.Count + limited.Count).ShouldBe(30);
        // The burst of 5, plus at most one more per second the flood took (however slow this machine is).
        accepted.Count.ShouldBeInRange(5, 5 + seconds);
        foreach (var response in limited)
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
            response.Headers.RetryAfter!.Delta!.Value.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        }

        // Another key has its own bucket.
        using var other =
            await app.PostAsync(Readings.Json(Readings.Valid("dev-002", "other-key")), apiKey: "dev-key-dev-002");
        other.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        var published = await app.Tap.TakeAllAsync();
        published.Count.ShouldBe(accepted.Count + 1);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Many_messages_beyond_the_confirm_window_get_202_or_503_never_500_and_every_202_is_published()
    {
        // A tiny window of unconfirmed messages (one at a time) and a short time-out: messages queue for their turn,
        // and a request that waits too long is told to come back (503) instead of failing half-way with a 500.
        await using var app = await IngestApp.StartAsync("overload", new Dictionary<string, string?>
        {
            ["RabbitMq:MaxOutstandingConfirms"] = "2",
            ["RabbitMq:PublishTimeout"] = "00:00:01",
        });
        var requests = Enumerable.Range(0, 200).Select(n => $"dev-{n % 8 + 1:000}")
            .Select((sensor, n) => (sensor, n, Readings.Json(
            Readings.Batch(Enumerable.Range(0, 100).Select(i => Readings.Valid(sensor, $"{sensor}-{n}-{i}"))))))
                .ToList();

        var responses = await Task.WhenAll(requests.Select(r => app.PostAsync(r.Item3, apiKey: "dev-key-" + r.sensor)));

        responses.Select(r => r.StatusCode)
            .ShouldAllBe(s => s == HttpStatusCode.Accepted || s == HttpStatusCode.ServiceUnavailable);
        var published = await app.Tap.TakeAllAsync();
        var ids = published.Readings().Select(r => r.ReadingId).ToHashSet();
        for (var i = 0; i < requests.Count; i++)
        {
            if (responses[i].StatusCode == HttpStatusCode.Accepted)
            {
                Enumerable.Range(0, 100).ShouldAllBe(n => ids.Contains($"{requests[i].sensor}-{requests[i].n}-{n}"));
            }
            else
            {
                responses[i].Headers.RetryAfter.ShouldNotBeNull();
            }
            responses[i].Dispose();
        }
    }
}
