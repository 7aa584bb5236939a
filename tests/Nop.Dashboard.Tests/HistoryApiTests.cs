using System.Net;
using System.Text.Json.Nodes;
using Nop.Contracts;

namespace Nop.Dashboard.Tests;

// The history endpoints against History's side of the contract (HistoryStandIn, fixed data): the JSON, CSV and
// FIWARE shapes, the defaults, and what the Dashboard asks History.
public sealed class HistoryApiTests(HistoryApiFixture fixture) : IClassFixture<HistoryApiFixture>
{
    private const string TwoHours = "from=2026-11-30T10:00:00Z&to=2026-11-30T12:00:00Z&resolution=hour";

    [Fact]
    public async Task Levels_are_a_json_array_of_points()
    {
        var points = await JsonAsync($"/api/history/sensors/dev-001/levels?{TwoHours}");

        points.AsArray().Count.ShouldBe(2);
        var first = points[0]!.AsObject();
        first.Select(p => p.Key).ShouldBe(["start", "end", "laeq", "lamax", "l10", "l50", "l90", "coverage"]);
        DateTimeOffset.Parse(first["start"]!.GetValue<string>(), null).ShouldBe(HistoryStandIn.Hour);
        first["laeq"]!.GetValue<double>().ShouldBe(67.04);
        first["l90"]!.GetValue<double>().ShouldBe(50);
        points[1]!["l50"].ShouldBeNull("no L50 that hour");
        points[1]!["coverage"]!.GetValue<double>().ShouldBe(0.5);
    }

    [Fact]
    public async Task Levels_as_csv_have_a_header_row_and_are_an_attachment()
    {
        using var response = await fixture.GetAsync($"/api/history/sensors/dev-001/levels?{TwoHours}&format=csv");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var disposition = response.Content.Headers.ContentDisposition!;
        disposition.DispositionType.ShouldBe("attachment");
        disposition.FileName!.Trim('"').ShouldBe("nop-levels-dev-001-20261130T1000Z-20261130T1200Z.csv");
        (await response.Content.ReadAsStringAsync()).ShouldBe(
            "start,end,laeq,lamax,l10,l50,l90,coverage\r\n"
            + "2026-11-30T10:00:00Z,2026-11-30T11:00:00Z,67.0,78.3,70.0,60.0,50.0,1\r\n"
            + "2026-11-30T11:00:00Z,2026-11-30T12:00:00Z,55.6,61.0,58.0,,52.0,0.5\r\n");
    }

    [Fact]
    public async Task Levels_as_fiware_are_NoiseLevelObserved_entities_at_the_sensors_location()
    {
        var entities = (await JsonAsync($"/api/history/sensors/dev-001/levels?{TwoHours}&format=fiware")).AsArray();

        entities.Count.ShouldBe(2);
        var first = entities[0]!.AsObject();
        first["id"]!.GetValue<string>().ShouldBe("urn:ngsi-ld:NoiseLevelObserved:dev-001:2026-11-30T10:00:00Z");
        first["type"]!.GetValue<string>().ShouldBe("NoiseLevelObserved");
        first["dateObservedFrom"]!.GetValue<string>().ShouldBe("2026-11-30T10:00:00Z");
        first["dateObservedTo"]!.GetValue<string>().ShouldBe("2026-11-30T11:00:00Z");
        first["dateObserved"]!.GetValue<string>().ShouldBe("2026-11-30T10:00:00Z/2026-11-30T11:00:00Z");
        first["location"]!["type"]!.GetValue<string>().ShouldBe("Point");
        // deploy/sensors.dev.json: Stephansplatz, longitude first.
        first["location"]!["coordinates"]!.AsArray().Select(c => c!.GetValue<double>())
            .ShouldBe([16.37315, 48.20849]);
        first["LAeq"]!.GetValue<double>().ShouldBe(67.0);
        first["LAmax"]!.GetValue<double>().ShouldBe(78.3);
        first["refDevice"]!.GetValue<string>().ShouldBe("urn:ngsi-ld:Device:dev-001");
        first.ContainsKey("LAeq_d").ShouldBeFalse("day indicators belong to day points");
        entities[1]!.AsObject().ContainsKey("LA50").ShouldBeFalse("an attribute without a value is left out");
    }

    [Fact]
    public async Task Day_points_as_fiware_carry_the_day_indicators()
    {
        var entities = (await JsonAsync("/api/history/sensors/dev-001/levels?from=2026-11-29T00:00:00Z"
            + "&to=2026-12-01T00:00:00Z&resolution=day&format=fiware")).AsArray();

        var day = entities.ShouldHaveSingleItem()!;
        day["dateObservedFrom"]!.GetValue<string>().ShouldBe("2026-11-29T23:00:00Z");
        day["LAeq"]!.GetValue<double>().ShouldBe(60);
        day["LAeq_d"]!.GetValue<double>().ShouldBe(60);
        day["LAeq_e"]!.GetValue<double>().ShouldBe(60);
        day["LAeq_n"]!.GetValue<double>().ShouldBe(60);
        day["Lden"]!.GetValue<double>().ShouldBe(66.4);
    }

    [Theory]
    [InlineData("dev-011", "", 24 * 60, LevelResolution.Hour)]
    [InlineData("dev-012", "?from=2026-11-30T09:00:00Z&to=2026-11-30T15:00:00Z", 6 * 60, LevelResolution.Minute)]
    [InlineData("dev-013", "?from=2026-11-30T09:00:00Z&to=2026-11-30T15:00:01Z", 6 * 60, LevelResolution.Hour)]
    [InlineData("dev-014", "?from=2026-08-29T00:00:00Z&to=2026-11-30T00:00:00Z", 93 * 24 * 60,
        LevelResolution.Hour)]
    [InlineData("dev-015", "?from=2026-08-28T00:00:00Z&to=2026-11-30T00:00:00Z", 94 * 24 * 60,
        LevelResolution.Day)]
    [InlineData("dev-016", "?from=2026-11-29T00:00:00Z", 0, LevelResolution.Hour)]
    public async Task Without_a_resolution_the_range_chooses_one(string sensor, string query, int minutes,
        LevelResolution resolution)
    {
        // Each case asks about its own sensor of the catalogue, so the query found is this case's.
        var before = DateTimeOffset.UtcNow;

        var points = await JsonAsync($"/api/history/sensors/{sensor}/levels{query}");

        points.AsArray().ShouldBeEmpty();
        var asked = fixture.Broker.History.Queries.OfType<GetLevels>().Last(q => q.SensorId == sensor);
        asked.Resolution.ShouldBe(resolution);
        if (minutes > 0)
        {
            (asked.To - asked.From).ShouldBe(TimeSpan.FromMinutes(minutes)
                + (sensor == "dev-013" ? TimeSpan.FromSeconds(1) : TimeSpan.Zero));
        }
        if (!query.Contains("to=", StringComparison.Ordinal))
        {
            asked.To.ShouldBeInRange(before, DateTimeOffset.UtcNow, "to defaults to now");
        }
    }

    [Theory]
    [InlineData("2026-11-30T11:00:00%2B01:00")]
    [InlineData("2026-11-30T11:00:00+01:00")]
    [InlineData("2026-11-30T10:00Z")]
    public async Task Times_take_an_offset_also_with_an_unescaped_plus(string from)
    {
        var points = await JsonAsync(
            $"/api/history/sensors/dev-001/levels?from={from}&to=2026-11-30T11:00:00Z&resolution=hour");

        points.AsArray().Count.ShouldBe(1);
        DateTimeOffset.Parse(points[0]!["start"]!.GetValue<string>(), null).ShouldBe(HistoryStandIn.Hour);
    }

    [Fact]
    public async Task A_range_exactly_at_the_cap_is_answered()
    {
        using var minutes = await fixture.GetAsync("/api/history/sensors/dev-001/levels"
            + "?from=2026-11-28T00:00:00Z&to=2026-11-30T00:00:00Z&resolution=minute");
        using var hours = await fixture.GetAsync("/api/history/sensors/dev-001/levels"
            + "?from=2026-08-29T00:00:00Z&to=2026-11-30T00:00:00Z&resolution=hour");
        using var years = await fixture.GetAsync("/api/history/sensors/dev-001/indicators"
            + "?from=2016-12-01&to=2026-11-30&span=year");

        minutes.StatusCode.ShouldBe(HttpStatusCode.OK);
        hours.StatusCode.ShouldBe(HttpStatusCode.OK);
        years.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_day_table_has_every_sensors_indicators_and_periods()
    {
        var rows = (await JsonAsync("/api/history/days/2026-11-30")).AsArray();

        rows.Count.ShouldBe(2);
        var first = rows[0]!.AsObject();
        foreach (var key in new[] { "sensorId", "zone", "lday", "levening", "lnight", "lden", "coverage",
            "exceedanceMinutes", "alertEpisodes", "day", "evening", "night" })
        {
            first.ContainsKey(key).ShouldBeTrue(key);
        }
        first["zone"]!.GetValue<string>().ShouldBe("commercial");
        first["lden"]!.GetValue<double>().ShouldBe(66.4);
        first["exceedanceMinutes"]!.GetValue<double>().ShouldBe(12.5);
        first["day"]!.AsObject().Select(p => p.Key)
            .ShouldBe(["level", "coverage", "sufficient", "exceedanceMinutes"]);
        rows[1]!["lden"].ShouldBeNull("a night short of data leaves Lden out");
        rows[1]!["night"]!["sufficient"]!.GetValue<bool>().ShouldBeFalse();
        fixture.Broker.History.Queries.OfType<GetDayIndicators>().ShouldContain(q => q.Date == HistoryStandIn.Date);
    }

    [Fact]
    public async Task The_day_table_as_csv_has_a_row_per_sensor()
    {
        using var response = await fixture.GetAsync("/api/history/days/2026-11-30?format=csv");

        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldBe("nop-day-2026-11-30.csv");
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n");
        lines.ShouldBe([
            "sensorId,zone,lday,levening,lnight,lden,coverage,exceedanceMinutes,alertEpisodes,"
            + "dayLevel,dayCoverage,daySufficient,dayExceedanceMinutes,"
            + "eveningLevel,eveningCoverage,eveningSufficient,eveningExceedanceMinutes,"
            + "nightLevel,nightCoverage,nightSufficient,nightExceedanceMinutes",
            "dev-001,commercial,60.0,60.0,60.0,66.4,1,12.5,2,60.0,1,true,12.5,60.0,1,true,0.0,60.0,1,true,0.0",
            "dev-002,residential,58.2,52.0,,,0.625,0.0,0,58.2,1,true,0.0,52.0,1,true,0.0,,0.25,false,0.0",
            "",
        ]);
    }

    [Fact]
    public async Task A_day_without_data_is_an_empty_table()
    {
        (await JsonAsync("/api/history/days/2026-11-29")).AsArray().ShouldBeEmpty();
    }

    [Fact]
    public async Task Indicators_per_day_as_json_and_csv()
    {
        const string path = "/api/history/sensors/dev-001/indicators?from=2026-11-01&to=2026-11-30";
        var points = (await JsonAsync(path)).AsArray();
        using var csv = await fixture.GetAsync(path + "&format=csv");

        var point = points.ShouldHaveSingleItem()!.AsObject();
        point["from"]!.GetValue<string>().ShouldBe("2026-11-30");
        point["lden"]!.GetValue<double>().ShouldBe(66.4);
        point["validDays"]!.GetValue<int>().ShouldBe(1);
        fixture.Broker.History.Queries.OfType<GetIndicators>().ShouldContain(q => q.SensorId == "dev-001"
            && q.From == new DateOnly(2026, 11, 1) && q.To == HistoryStandIn.Date && q.Span == IndicatorSpan.Day);
        csv.Content.Headers.ContentDisposition!.FileName!.Trim('"')
            .ShouldBe("nop-indicators-dev-001-2026-11-01-2026-11-30.csv");
        (await csv.Content.ReadAsStringAsync()).ShouldBe(
            "from,to,lden,lnight,lday,levening,days,validDays,exceedanceMinutes,alertEpisodes\r\n"
            + "2026-11-30,2026-11-30,66.4,60.0,60.0,60.0,1,1,12.5,2\r\n");
    }

    [Theory]
    [InlineData("/api/history/sensors/dev-001/levels?resolution=second", "resolution")]
    [InlineData("/api/history/sensors/dev-001/levels?resolution=Hour", "resolution")]
    [InlineData("/api/history/sensors/dev-001/levels?format=xml", "format")]
    [InlineData("/api/history/sensors/dev-001/levels?from=yesterday", "from")]
    [InlineData("/api/history/sensors/dev-001/levels?from=2026-11-30T10:00:00", "from")]
    [InlineData("/api/history/sensors/dev-001/levels?to=2026-11-30", "to")]
    [InlineData("/api/history/sensors/dev-001/levels?from=2026-11-30T12:00:00Z&to=2026-11-30T10:00:00Z", "from")]
    [InlineData("/api/history/sensors/dev-001/levels?from=2026-11-30T10:00:00Z&to=2026-11-30T10:00:00Z", "from")]
    [InlineData("/api/history/sensors/dev-001/levels?from=2026-11-28T00:00:00Z&to=2026-11-30T00:00:01Z"
        + "&resolution=minute", "to")]
    [InlineData("/api/history/sensors/dev-001/levels?from=2026-08-29T00:00:00Z&to=2026-11-30T00:00:01Z"
        + "&resolution=hour", "to")]
    [InlineData("/api/history/sensors/dev-001/levels?from=2023-11-29T00:00:00Z&to=2026-11-30T00:00:00Z"
        + "&resolution=day", "to")]
    [InlineData("/api/history/days/2026-13-01", "date")]
    [InlineData("/api/history/days/30.11.2026", "date")]
    [InlineData("/api/history/days/2026-11-30?format=fiware", "format")]
    [InlineData("/api/history/sensors/dev-001/indicators?span=week", "span")]
    [InlineData("/api/history/sensors/dev-001/indicators?from=2026-12-01&to=2026-11-30", "from")]
    [InlineData("/api/history/sensors/dev-001/indicators?from=2016-11-30&to=2026-11-30", "to")]
    [InlineData("/api/history/sensors/dev-001/indicators?from=2026-11-31", "from")]
    [InlineData("/api/history/sensors/dev-001/indicators?format=fiware", "format")]
    [InlineData("/api/alerts/sensors/dev-001?page=0", "page")]
    [InlineData("/api/alerts/sensors/dev-001?page=x", "page")]
    [InlineData("/api/alerts/sensors/dev-001?pageSize=201", "pageSize")]
    public async Task Bad_input_is_a_400_naming_the_parameter(string path, string parameter)
    {
        using var response = await fixture.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["errors"]!.AsObject().Select(e => e.Key).ShouldBe([parameter]);
    }

    [Theory]
    [InlineData("/api/history/sensors/no-such-sensor/levels")]
    [InlineData("/api/history/sensors/no-such-sensor/indicators")]
    [InlineData("/api/history/sensors/Not%20A%20Sensor/levels")]
    [InlineData("/api/alerts/sensors/no-such-sensor")]
    public async Task An_unknown_sensor_is_a_404(string path)
    {
        using var response = await fixture.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        fixture.Broker.History.Queries.OfType<GetLevels>().ShouldNotContain(q => q.SensorId == "Not A Sensor",
            "an id no sensor can have is not asked about");
    }

    [Fact]
    public async Task A_sensor_outside_the_catalogue_is_known_by_its_data()
    {
        var points = await JsonAsync($"/api/history/sensors/{HistoryStandIn.Uncatalogued}/levels?{TwoHours}");
        var entities = await JsonAsync(
            $"/api/history/sensors/{HistoryStandIn.Uncatalogued}/levels?{TwoHours}&format=fiware");
        using var unknown = await fixture.GetAsync($"/api/history/sensors/dev-999/levels?{TwoHours}");

        points.AsArray().Count.ShouldBe(2);
        entities[0]!.AsObject().ContainsKey("location").ShouldBeFalse("the Dashboard does not know where it is");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound, "neither in the catalogue nor in History");
    }

    private async Task<JsonNode> JsonAsync(string path)
    {
        using var response = await fixture.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        return JsonNode.Parse(body)!;
    }
}
