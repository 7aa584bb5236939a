using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Nop.Ingest.Readings;

namespace Nop.Ingest.Tests;

// The OpenAPI document describes what Ingest really does: its example requests are accepted, its schema states the
// validator's limits (and the validator holds at exactly those limits), and it names the headers a client relies on.
public sealed class OpenApiTests : IAsyncLifetime
{
    // Not the default (1,000), so a schema that hard-codes the default fails.
    private const int MaxBatchSize = 250;

    private IngestApp _app = null!;

    public async Task InitializeAsync() => _app = await IngestApp.StartAsync("openapi", new Dictionary<string, string?>
    {
        ["Ingest:MaxBatchSize"] = MaxBatchSize.ToString(CultureInfo.InvariantCulture),
    });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Every_example_request_of_the_document_is_accepted()
    {
        var document = await DocumentAsync();
        var content = Post(document)["requestBody"]!["content"]!["application/json"]!.AsObject();
        var examples = content["examples"]!.AsObject().Select(e => e.Value!["value"]!).ToList();
        examples.Count.ShouldBeGreaterThanOrEqualTo(2, "one reading and a batch");

        foreach (var example in examples)
        {
            var sensorId = (example["readings"]?[0] ?? example)["sensorId"]!.GetValue<string>();
            using var response = await _app.PostAsync(example.ToJsonString(), "dev-key-" + sensorId);
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted,
                $"{example.ToJsonString()}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    [Fact]
    public async Task The_schema_states_the_validators_limits_and_the_validator_holds_at_them()
    {
        var schemas = (await DocumentAsync())["components"]!["schemas"]!;
        var batch = schemas["ReadingBatchRequest"]!;
        var readings = batch["properties"]!["readings"]!;
        readings["minItems"]!.GetValue<int>().ShouldBe(1);
        readings["maxItems"]!.GetValue<int>().ShouldBe(MaxBatchSize);
        batch["additionalProperties"]!.GetValue<bool>().ShouldBeFalse();

        var reading = schemas["ReadingRequest"]!;
        reading["additionalProperties"]!.GetValue<bool>().ShouldBeFalse();
        reading["required"]!.AsArray().Select(n => n!.GetValue<string>())
            .ShouldBe(["sensorId", "measuredAt", "laeq"], ignoreOrder: true);
        var fields = reading["properties"]!;
        fields["sensorId"]!["pattern"]!.GetValue<string>().ShouldBe(ReadingLimits.SensorIdPattern);
        fields["sensorId"]!["maxLength"]!.GetValue<int>().ShouldBe(ReadingLimits.SensorIdMaxLength);
        fields["readingId"]!["pattern"]!.GetValue<string>().ShouldBe(ReadingLimits.ReadingIdPattern);
        fields["readingId"]!["maxLength"]!.GetValue<int>().ShouldBe(ReadingLimits.ReadingIdMaxLength);
        fields["measuredAt"]!["pattern"]!.GetValue<string>().ShouldBe(ReadingLimits.MeasuredAtPattern);
        foreach (var level in new[] { "laeq", "lamax" })
        {
            Number(fields[level]!["minimum"]).ShouldBe(ReadingLimits.MinLevel);
            Number(fields[level]!["maximum"]).ShouldBe(ReadingLimits.MaxLevel);
        }
        Number(fields["durationSeconds"]!["exclusiveMinimum"]).ShouldBe(0);
        Number(fields["durationSeconds"]!["maximum"]).ShouldBe(ReadingLimits.MaxDurationSeconds);

        // The validator accepts exactly up to the published limits and refuses one step beyond them.
        var sensorId = new string('a', fields["sensorId"]!["maxLength"]!.GetValue<int>());
        var maxLevel = Number(fields["laeq"]!["maximum"]);
        var maxDuration = Number(fields["durationSeconds"]!["maximum"]);
        var maxItems = readings["maxItems"]!.GetValue<int>();
        Regex.IsMatch(sensorId, fields["sensorId"]!["pattern"]!.GetValue<string>()).ShouldBeTrue();
        Parse(Body(1, sensorId, maxLevel, maxDuration)).IsValid.ShouldBeTrue();
        Parse(Body(1, sensorId + "a", maxLevel, maxDuration)).Errors!.Keys.ShouldBe(["readings[0].sensorId"]);
        Parse(Body(1, sensorId, maxLevel + 0.1, maxDuration)).Errors!.Keys.ShouldBe(["readings[0].laeq"]);
        Parse(Body(1, sensorId, maxLevel, maxDuration + 0.1)).Errors!.Keys.ShouldBe(["readings[0].durationSeconds"]);
        Parse(Body(maxItems, sensorId, maxLevel, maxDuration)).IsValid.ShouldBeTrue();
        Parse(Body(maxItems + 1, sensorId, maxLevel, maxDuration)).Errors!.Keys.ShouldBe(["readings"]);
    }

    [Fact]
    public async Task The_document_names_the_correlation_id_and_retry_after_headers_and_the_problem_answers()
    {
        var post = Post(await DocumentAsync());
        post["parameters"]!.AsArray()
            .ShouldContain(p => p!["in"]!.GetValue<string>() == "header"
                && p["name"]!.GetValue<string>() == "X-Correlation-Id");

        var responses = post["responses"]!.AsObject();
        responses["202"]!["headers"]!["X-Correlation-Id"].ShouldNotBeNull();
        foreach (var status in new[] { "400", "401", "403", "413", "415", "429", "503" })
        {
            var response = responses[status].ShouldNotBeNull(status);
            response["headers"]!["X-Correlation-Id"].ShouldNotBeNull(status);
            response["content"]!["application/problem+json"].ShouldNotBeNull(status);
        }
        responses["429"]!["headers"]!["Retry-After"].ShouldNotBeNull();
        responses["503"]!["headers"]!["Retry-After"].ShouldNotBeNull();
    }

    private async Task<JsonObject> DocumentAsync() =>
        (await _app.Client.GetFromJsonAsync<JsonObject>(new Uri("/openapi/v1.json", UriKind.Relative)))!;

    private static JsonNode Post(JsonObject document) => document["paths"]!["/api/readings"]!["post"]!;

    private static double Number(JsonNode? node) => double.Parse(node!.ToJsonString(), CultureInfo.InvariantCulture);

    private static ParseResult Parse(string body) => ReadingParser.Parse(Encoding.UTF8.GetBytes(body),
        DateTimeOffset.UtcNow, new IngestOptions { MaxBatchSize = MaxBatchSize });

    private static string Body(int count, string sensorId, double laeq, double durationSeconds)
    {
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var readings = Enumerable.Range(0, count).Select(i => new Dictionary<string, object?>
        {
            ["sensorId"] = sensorId,
            ["measuredAt"] = start.AddSeconds(i).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            ["laeq"] = laeq,
            ["durationSeconds"] = durationSeconds,
        });
        return Readings.Json(Readings.Batch(readings));
    }
}
