using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nop.Contracts;
using Nop.Ingest.Readings;

namespace Nop.Ingest.Tests;

/// <summary>Valid readings: 202 only after the broker confirmed, complete events, correlation ids, idempotency.</summary>
public sealed class AcceptTests(IngestFixture fixture) : IClassFixture<IngestFixture>
{
    private IngestApp App => fixture.App;

    [Fact]
    public async Task A_valid_reading_is_in_the_queue_when_202_is_answered_as_a_complete_event_with_the_correlation_id()
    {
        var measuredAt = DateTimeOffset.UtcNow.AddSeconds(-30);
        var body = Readings.Valid("dev-001", "r-complete", laeq: 63.2, lamax: 71.0, measuredAt: measuredAt);

        using var response = await App.PostAsync(Readings.Json(body), correlationId: "corr-accept-1");

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        response.Headers.GetValues("X-Correlation-Id").Single().ShouldBe("corr-accept-1");
        var answer = await response.Content.ReadFromJsonAsync<JsonObject>();
        answer!["accepted"]!.GetValue<int>().ShouldBe(1);
        answer["correlationId"]!.GetValue<string>().ShouldBe("corr-accept-1");

        // basic.get straight after the 202, no waiting: the confirm came before the answer.
        var published = (await App.Tap.TakeAllAsync()).ShouldHaveSingleItem();
        published.RoutingKey.ShouldBe("reading.dev-001");
        published.Properties.Type.ShouldBe(ReadingReceived.MessageType);
        published.Properties.CorrelationId.ShouldBe("corr-accept-1");
        published.Properties.MessageId.ShouldBe(ReadingIds.MessageId("dev-001", "r-complete"));
        published.Properties.Persistent.ShouldBeTrue();
        var reading = published.Reading;
        reading.ReadingId.ShouldBe("r-complete");
        reading.SensorId.ShouldBe("dev-001");
        reading.Zone.ShouldBe(Zone.Commercial);
        reading.Location.ShouldBe(new GeoLocation(48.20849, 16.37315));
        reading.MeasuredAt.ShouldBe(measuredAt, TimeSpan.FromMilliseconds(1));
        reading.Laeq.ShouldBe(63.2);
        reading.Lamax.ShouldBe(71.0);
        reading.ReceivedAt.ShouldBeGreaterThan(measuredAt);
        published.Json["zone"]!.GetValue<string>().ShouldBe("commercial");
    }

    [Fact]
    public async Task A_request_without_correlation_id_gets_a_new_one_that_the_events_carry()
    {
        using var response = await App.PostAsync(Readings.Json(Readings.Valid("dev-001", "r-new-corr")));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var correlationId = response.Headers.GetValues("X-Correlation-Id").Single();
        correlationId.ShouldNotBeNullOrWhiteSpace();
        (await App.Tap.TakeAllAsync()).ShouldHaveSingleItem().Properties.CorrelationId.ShouldBe(correlationId);
    }

    [Fact]
    public async Task A_batch_of_1000_is_accepted_whole_and_each_reading_appears_once()
    {
        var batch = Readings.Batch(Enumerable.Range(0, 1000).Select(i =>
            Readings.Valid("dev-007", $"b1000-{i}", laeq: 40 + i % 50, lamax: 95, measuredAt: DateTimeOffset.UtcNow.AddSeconds(-1000 + i))));

        using var response = await App.PostAsync(Readings.Json(batch), apiKey: "dev-key-dev-007", correlationId: "corr-batch-1000");

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["accepted"]!.GetValue<int>().ShouldBe(1000);
        var published = await App.Tap.TakeAllAsync();
        published.Count.ShouldBe(1000);
        published.Select(p => p.Reading.ReadingId).ShouldBe(Enumerable.Range(0, 1000).Select(i => $"b1000-{i}"), ignoreOrder: true);
        published.Select(p => p.Properties.MessageId).Distinct().Count().ShouldBe(1000);
        published.ShouldAllBe(p => p.Properties.CorrelationId == "corr-batch-1000" && p.Reading.Zone == Zone.Commercial);
    }

    [Fact]
    public async Task The_same_reading_id_posted_twice_is_published_twice_with_one_message_id()
    {
        var body = Readings.Json(Readings.Valid("dev-001", "retried-reading"));

        using var first = await App.PostAsync(body);
        using var second = await App.PostAsync(body);

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        second.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var published = await App.Tap.TakeAllAsync();
        published.Count.ShouldBe(2);
        published.Select(p => p.Reading.ReadingId).Distinct().ShouldHaveSingleItem().ShouldBe("retried-reading");
        published.Select(p => p.Properties.MessageId).Distinct().ShouldHaveSingleItem().ShouldBe(ReadingIds.MessageId("dev-001", "retried-reading"));
    }

    [Fact]
    public void The_same_reading_id_of_two_sensors_gives_two_message_ids()
    {
        ReadingIds.MessageId("dev-001", "r1").ShouldNotBe(ReadingIds.MessageId("dev-002", "r1"));
        ReadingIds.MessageId("dev-001", "r1").ShouldBe(ReadingIds.MessageId("dev-001", "r1"));
        Guid.Parse(ReadingIds.MessageId("dev-001", "r1")).Version.ShouldBe(8);
    }

    [Fact]
    public async Task Readings_without_reading_id_get_distinct_ids_from_ingest()
    {
        var batch = Readings.Batch([Readings.Valid("dev-001"), Readings.Valid("dev-001")]);

        using var response = await App.PostAsync(Readings.Json(batch));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var published = await App.Tap.TakeAllAsync();
        published.Count.ShouldBe(2);
        published.Select(p => p.Reading.ReadingId).Distinct().Count().ShouldBe(2);
        published.ShouldAllBe(p => p.Properties.MessageId == ReadingIds.MessageId("dev-001", p.Reading.ReadingId));
    }

    [Fact]
    public async Task Optional_fields_may_be_null_or_absent_and_a_stated_duration_travels_on()
    {
        var batch = Readings.Batch([
            new() { ["sensorId"] = "dev-001", ["readingId"] = null, ["measuredAt"] = DateTimeOffset.UtcNow.ToString("O"), ["laeq"] = 50, ["lamax"] = null },
            new() { ["sensorId"] = "dev-001", ["readingId"] = "with-duration", ["measuredAt"] = DateTimeOffset.UtcNow.AddHours(-23).ToString("O"), ["laeq"] = 0, ["lamax"] = 194, ["durationSeconds"] = 60 },
        ]);

        using var response = await App.PostAsync(Readings.Json(batch));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var published = await App.Tap.TakeAllAsync();
        published.Count.ShouldBe(2);
        published.Single(p => p.Reading.ReadingId == "with-duration").Reading.DurationSeconds.ShouldBe(60);
        published.Single(p => p.Reading.ReadingId != "with-duration").Reading.Lamax.ShouldBeNull();
    }

    [Fact]
    public async Task The_sensor_catalogue_is_served_without_keys()
    {
        var sensors = await App.Client.GetFromJsonAsync<JsonArray>(new Uri("/api/sensors", UriKind.Relative));

        sensors!.Count.ShouldBe(50);
        var first = sensors[0]!.AsObject();
        first["id"]!.GetValue<string>().ShouldBe("dev-001");
        first["zone"]!.GetValue<string>().ShouldBe("commercial");
        first["location"]!["lat"]!.GetValue<double>().ShouldBe(48.20849);
        sensors.ToJsonString().ShouldNotContain("key", Case.Insensitive);
        sensors.Select(s => s!["zone"]!.GetValue<string>()).Distinct().ShouldBe(["commercial", "residential", "industrial", "quiet"], ignoreOrder: true);
    }

    [Fact]
    public async Task The_OpenAPI_document_and_the_API_reference_page_are_served()
    {
        var document = await App.Client.GetFromJsonAsync<JsonObject>(new Uri("/openapi/v1.json", UriKind.Relative));
        document!["paths"]!["/api/readings"]!["post"].ShouldNotBeNull();
        document["paths"]!["/api/sensors"]!["get"].ShouldNotBeNull();
        document["components"]!["securitySchemes"]!["ApiKey"]!["name"]!.GetValue<string>().ShouldBe("X-Api-Key");
        document["paths"]!["/api/readings"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]!["oneOf"]!.AsArray().Count.ShouldBe(2);

        using var page = await App.Client.GetAsync(new Uri("/scalar", UriKind.Relative));
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await page.Content.ReadAsStringAsync()).ShouldContain("openapi/v1.json");
    }

    [Fact]
    public async Task Health_endpoints_answer()
    {
        using var live = await App.Client.GetAsync(new Uri("/health/live", UriKind.Relative));
        using var ready = await App.Client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        live.StatusCode.ShouldBe(HttpStatusCode.OK);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ready.Content.ReadAsStringAsync()).ShouldContain("rabbitmq");
    }
}
