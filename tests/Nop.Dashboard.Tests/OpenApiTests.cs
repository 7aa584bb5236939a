using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Nop.Dashboard.Tests;

// The OpenAPI document describes the API the Dashboard serves: every history and alert route, their problem
// answers, the CSV media type with the header row the endpoint really writes, and the range caps.
public sealed class OpenApiTests(HistoryApiFixture fixture) : IClassFixture<HistoryApiFixture>
{
    [Fact]
    public async Task The_document_lists_every_history_and_alert_route()
    {
        var paths = (await DocumentAsync())["paths"]!.AsObject().Select(p => p.Key).ToHashSet();
        var routes = fixture.Dashboard.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(r => r.StartsWith("/api/history/", StringComparison.Ordinal)
                || r.StartsWith("/api/alerts/", StringComparison.Ordinal))
            .ToList();

        routes.Count.ShouldBe(5);
        routes.ShouldAllBe(r => paths.Contains(r));
    }

    [Theory]
    [InlineData("/api/history/sensors/{sensorId}/levels", "/api/history/sensors/dev-001/levels?format=csv")]
    [InlineData("/api/history/days/{date}", "/api/history/days/2026-11-30?format=csv")]
    [InlineData("/api/history/sensors/{sensorId}/indicators", "/api/history/sensors/dev-001/indicators?format=csv")]
    public async Task A_csv_answer_is_documented_with_the_header_row_it_has(string route, string request)
    {
        var get = (await DocumentAsync())["paths"]![route]!["get"]!;
        using var response = await fixture.GetAsync(request);
        var header = (await response.Content.ReadAsStringAsync()).Split("\r\n")[0];

        var csv = get["responses"]!["200"]!["content"]!["text/csv"].ShouldNotBeNull();
        csv["example"]!.GetValue<string>().ShouldBe(header + "\r\n");
        get["responses"]!["200"]!["content"]!["application/json"]!["schema"].ShouldNotBeNull();
        foreach (var status in new[] { "400", "503" })
        {
            get["responses"]![status]!["content"]!["application/problem+json"].ShouldNotBeNull(status);
        }
        get["responses"]!["503"]!["headers"]!["Retry-After"].ShouldNotBeNull();
    }

    [Fact]
    public async Task The_maintenance_operations_are_described_with_their_answers()
    {
        var paths = (await DocumentAsync())["paths"]!;
        var start = paths["/api/maintenance"]!["post"]!;
        var one = paths["/api/maintenance/{maintenanceId}"]!;
        var list = paths["/api/sensors/{sensorId}/maintenance"]!["get"]!;

        start["description"]!.GetValue<string>().ShouldContain("Idempotency-Key");
        start["requestBody"]!["content"]!["application/json"]!["schema"].ShouldNotBeNull();
        start["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ShouldBe(["Idempotency-Key"]);
        foreach (var status in new[] { "202", "400", "401", "403", "409", "503" })
        {
            start["responses"]![status].ShouldNotBeNull(status);
        }
        start["responses"]!["503"]!["headers"]!["Retry-After"].ShouldNotBeNull();
        foreach (var status in new[] { "200", "400", "404", "503" })
        {
            one["get"]!["responses"]![status].ShouldNotBeNull(status);
            list["responses"]![status].ShouldNotBeNull(status);
        }
        foreach (var status in new[] { "202", "401", "403", "404", "409", "503" })
        {
            one["delete"]!["responses"]![status].ShouldNotBeNull(status);
        }
        one["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"].ShouldNotBeNull();
    }

    [Fact]
    public async Task The_notifications_operation_states_its_masking_and_its_problem_answers()
    {
        var get = (await DocumentAsync())["paths"]!["/api/alerts/{alertId}/notifications"]!["get"]!;

        get["description"]!.GetValue<string>().ShouldContain("masked");
        get["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ShouldBe(["alertId"]);
        get["responses"]!["200"]!["content"]!["application/json"]!["schema"].ShouldNotBeNull();
        foreach (var status in new[] { "400", "503" })
        {
            get["responses"]![status]!["content"]!["application/problem+json"].ShouldNotBeNull(status);
        }
        get["responses"]!["503"]!["headers"]!["Retry-After"].ShouldNotBeNull();
    }

    [Fact]
    public async Task The_levels_operation_states_the_caps_and_its_parameters()
    {
        var get = (await DocumentAsync())["paths"]!["/api/history/sensors/{sensorId}/levels"]!["get"]!;

        var description = get["description"]!.GetValue<string>();
        description.ShouldContain("minute ≤ 2 days");
        description.ShouldContain("hour ≤ 93 days");
        description.ShouldContain("day ≤ 3 years");
        get["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>())
            .ShouldBe(["sensorId", "from", "to", "resolution", "format"], ignoreOrder: true);
        get["responses"]!["404"]!["content"]!["application/problem+json"].ShouldNotBeNull();
        Parameter(get, "resolution")["enum"]!.AsArray().Select(v => v!.GetValue<string>())
            .ShouldBe(["minute", "hour", "day"]);
        Parameter(get, "format")["enum"]!.AsArray().Select(v => v!.GetValue<string>())
            .ShouldBe(["json", "csv", "fiware"]);
        Parameter(get, "from")["format"]!.GetValue<string>().ShouldBe("date-time");
    }

    [Fact]
    public async Task The_fiware_schema_names_every_attribute_an_entity_has()
    {
        var document = await DocumentAsync();
        using var response = await fixture.GetAsync("/api/history/sensors/dev-001/levels"
            + "?from=2026-11-29T00:00:00Z&to=2026-12-01T00:00:00Z&resolution=day&format=fiware");
        var entity = JsonNode.Parse(await response.Content.ReadAsStringAsync())![0]!.AsObject();

        var schema = document["components"]!["schemas"]!["NoiseLevelObserved"]!;
        var properties = schema["properties"]!.AsObject().Select(p => p.Key).ToHashSet();
        entity.Select(a => a.Key).ShouldAllBe(key => properties.Contains(key));
        entity.ContainsKey("Lden").ShouldBeTrue("a day entity has every attribute");
        schema["required"]!.AsArray().Select(r => r!.GetValue<string>()).ShouldAllBe(key => entity.ContainsKey(key));
        var json = document["paths"]!["/api/history/sensors/{sensorId}/levels"]!["get"]!["responses"]!["200"]!
            ["content"]!["application/json"]!["schema"]!;
        json["oneOf"]!.AsArray().Count.ShouldBe(2, "level points, or entities with format=fiware");
    }

    private static JsonNode Parameter(JsonNode operation, string name) =>
        operation["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == name)!["schema"]!;

    private async Task<JsonObject> DocumentAsync() =>
        (await fixture.Dashboard.Client.GetFromJsonAsync<JsonObject>(new Uri("/openapi/v1.json", UriKind.Relative)))!;
}
