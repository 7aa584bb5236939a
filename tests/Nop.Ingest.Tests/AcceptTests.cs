using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nop.Contracts;
using Nop.Ingest.Readings;

namespace Nop.Ingest.Tests;

/// <summary>
/// Valid readings: one message per sensor, 202 only after the broker confirmed, complete events, correlation ids,
/// deterministic reading and message ids.
/// </summary>
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
        published.RoutingKey.ShouldBe($"reading.{ReadingBuckets.Of("dev-001")}.dev-001");
        published.Properties.Type.ShouldBe(ReadingBatchReceived.MessageType);
        published.Properties.CorrelationId.ShouldBe("corr-accept-1");
        published.Properties.MessageId.ShouldBe(ReadingIds.MessageId("dev-001", ["r-complete"]));
        published.Properties.Persistent.ShouldBeTrue();
        var batch = published.Batch;
        batch.SensorId.ShouldBe("dev-001");
        batch.Zone.ShouldBe(Zone.Commercial);
        batch.Location.ShouldBe(new GeoLocation(48.20849, 16.37315));
        batch.IntervalSeconds.ShouldBeNull();
        batch.ReceivedAt.ShouldBeGreaterThan(measuredAt);
        var reading = batch.Readings.ShouldHaveSingleItem();
        reading.ReadingId.ShouldBe("r-complete");
        reading.MeasuredAt.ShouldBe(measuredAt, TimeSpan.FromMilliseconds(1));
        reading.Laeq.ShouldBe(63.2);
        reading.Lamax.ShouldBe(71.0);
        reading.DurationSeconds.ShouldBeNull();
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
    public async Task A_batch_of_1000_readings_of_one_sensor_is_one_message_with_the_readings_in_the_order_posted()
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-1000);
        // Posted newest first, so "in order" cannot come from sorting by time.
        var batch = Readings.Batch(Enumerable.Range(0, 1000).Select(i =>
            Readings.Valid("dev-007", $"b1000-{i}", laeq: 40 + i % 50, lamax: 95,
                measuredAt: start.AddSeconds(999 - i))));

        using var response =
            await App.PostAsync(Readings.Json(batch), apiKey: "dev-key-dev-007", correlationId: "corr-batch-1000");

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["accepted"]!.GetValue<int>().ShouldBe(1000);
        var published = (await App.Tap.TakeAllAsync()).ShouldHaveSingleItem();
        published.RoutingKey.ShouldBe($"reading.{ReadingBuckets.Of("dev-007")}.dev-007");
        published.Properties.CorrelationId.ShouldBe("corr-batch-1000");
        var ids = Enumerable.Range(0, 1000).Select(i => $"b1000-{i}").ToList();
        published.Batch.Readings.Select(r => r.ReadingId).ShouldBe(ids);
        published.Batch.Readings.Select(r => r.Laeq).ShouldBe(Enumerable.Range(0, 1000).Select(i => 40.0 + i % 50));
        published.Batch.Readings[999].MeasuredAt.ShouldBe(start, TimeSpan.FromMilliseconds(1));
        published.Properties.MessageId.ShouldBe(ReadingIds.MessageId("dev-007", ids));
    }

    [Fact]
    public async Task The_same_request_posted_twice_is_published_twice_with_one_message_id()
    {
        var body = Readings.Json(
            Readings.Batch([Readings.Valid("dev-001", "retried-1"), Readings.Valid("dev-001", "retried-2")]));

        using var first = await App.PostAsync(body);
        using var second = await App.PostAsync(body);

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        second.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var published = await App.Tap.TakeAllAsync();
        published.Count.ShouldBe(2);
        published.ShouldAllBe(p =>
            p.Batch.Readings.Select(r => r.ReadingId).SequenceEqual(new[] { "retried-1", "retried-2" }));
        published.Select(p => p.Properties.MessageId).Distinct().ShouldHaveSingleItem()
            .ShouldBe(ReadingIds.MessageId("dev-001", ["retried-1", "retried-2"]));
    }

    [Fact]
    public void A_message_id_names_the_sensor_and_its_reading_ids_in_order()
    {
        ReadingIds.MessageId("dev-001", ["r1"]).ShouldBe(ReadingIds.MessageId("dev-001", ["r1"]));
        ReadingIds.MessageId("dev-001", ["r1"]).ShouldNotBe(ReadingIds.MessageId("dev-002", ["r1"]));
        ReadingIds.MessageId("dev-001", ["r1", "r2"]).ShouldNotBe(ReadingIds.MessageId("dev-001", ["r2", "r1"]));
        ReadingIds.MessageId("dev-001", ["r1", "r2"]).ShouldNotBe(ReadingIds.MessageId("dev-001", ["r1"]));
        Guid.Parse(ReadingIds.MessageId("dev-001", ["r1"])).Version.ShouldBe(8);
    }

    [Fact]
    public async Task A_reading_without_id_gets_one_from_its_measuredAt_so_a_repost_in_other_notation_has_the_same_ids()
    {
        // Ten minutes ago, on a whole second, plus 250 ms.
        var at = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds())
            .AddMilliseconds(250);
        string Body(string first, string second) =>
            $$"""
            {"readings":[{"sensorId":"dev-001","measuredAt":"{{first}}","laeq":50},
              {"sensorId":"dev-001","measuredAt":"{{second}}","laeq":51}]}
            """;
        var utc = Body(at.ToString("yyyy-MM-dd'T'HH:mm:ss.ff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            at.AddSeconds(1)
                .ToString("yyyy-MM-dd'T'HH:mm:ss.ff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        var offset = Body(at.ToOffset(TimeSpan.FromHours(1))
            .ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", System.Globalization.CultureInfo.InvariantCulture),
            at.AddSeconds(1).ToOffset(TimeSpan.FromHours(-5))
                .ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", System.Globalization.CultureInfo.InvariantCulture));

        using var first = await App.PostAsync(utc);
        using var again = await App.PostAsync(offset);

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted, await first.Content.ReadAsStringAsync());
        again.StatusCode.ShouldBe(HttpStatusCode.Accepted, await again.Content.ReadAsStringAsync());
        var published = await App.Tap.TakeAllAsync();
        published.Count.ShouldBe(2);
        var expected = new[] { ReadingIds.FromMeasuredAt(at), ReadingIds.FromMeasuredAt(at.AddSeconds(1)) };
        expected[0].ShouldBe(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss",
            System.Globalization.CultureInfo.InvariantCulture) + ".2500000Z");
        published.ShouldAllBe(p => p.Batch.Readings.Select(r => r.ReadingId).SequenceEqual(expected));
        published.Select(p => p.Properties.MessageId).Distinct().ShouldHaveSingleItem()
            .ShouldBe(ReadingIds.MessageId("dev-001", expected));
    }

    [Fact]
    public async Task Two_readings_of_one_sensor_at_one_instant_without_ids_are_refused_as_ambiguous_nothing_published()
    {
        var at = DateTimeOffset.UtcNow.AddSeconds(-20);
        var batch = Readings.Batch([
            Readings.Valid("dev-001", measuredAt: at, laeq: 50),
            Readings.Valid("dev-001", "has-an-id", measuredAt: at, laeq: 60),
            Readings.Valid("dev-001", measuredAt: at, laeq: 70),
        ]);

        using var response = await App.PostAsync(Readings.Json(batch));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem["errors"]!.AsObject();
        errors.Select(e => e.Key).ShouldBe(["readings[2].measuredAt"]);
        errors["readings[2].measuredAt"]![0]!.GetValue<string>().ShouldContain("readings[0]");
        await App.AssertNothingPublishedAsync();
    }

    [Fact]
    public async Task Optional_fields_may_be_null_or_absent_and_a_stated_duration_travels_on()
    {
        var batch = Readings.Batch([
            new() { ["sensorId"] = "dev-001", ["readingId"] = null,
                ["measuredAt"] = DateTimeOffset.UtcNow.ToString("O"), ["laeq"] = 50, ["lamax"] = null },
            new() { ["sensorId"] = "dev-001", ["readingId"] = "with-duration",
                ["measuredAt"] = DateTimeOffset.UtcNow.AddHours(-23).ToString("O"), ["laeq"] = 0, ["lamax"] = 194,
                ["durationSeconds"] = 60 },
        ]);

        using var response = await App.PostAsync(Readings.Json(batch));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var readings = (await App.Tap.TakeAllAsync()).ShouldHaveSingleItem().Batch.Readings;
        readings.Count.ShouldBe(2);
        readings[1].ReadingId.ShouldBe("with-duration");
        readings[1].DurationSeconds.ShouldBe(60);
        readings[0].Lamax.ShouldBeNull();
        readings[0].DurationSeconds.ShouldBeNull();
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
        sensors.Select(s => s!["zone"]!.GetValue<string>()).Distinct()
            .ShouldBe(["commercial", "residential", "industrial", "quiet"], ignoreOrder: true);
    }

    [Fact]
    public async Task The_OpenAPI_document_and_the_API_reference_page_are_served()
    {
        var document = await App.Client.GetFromJsonAsync<JsonObject>(new Uri("/openapi/v1.json", UriKind.Relative));
        document!["paths"]!["/api/readings"]!["post"].ShouldNotBeNull();
        document["paths"]!["/api/sensors"]!["get"].ShouldNotBeNull();
        document["components"]!["securitySchemes"]!["ApiKey"]!["name"]!.GetValue<string>().ShouldBe("X-Api-Key");
        document["paths"]!["/api/readings"]!["post"]!["requestBody"]!["content"]!["application/json"]!["schema"]![
            "oneOf"]!.AsArray().Count.ShouldBe(2);

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
        // Status only on the public port: the checks' detail is on /admin/health, behind the admin token.
        (await ready.Content.ReadAsStringAsync()).ShouldBe("""{"status":"Healthy"}""");
    }
}
