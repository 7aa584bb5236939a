using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.EndToEnd.Tests;

/// <summary>
/// History through the whole chain: readings posted to Ingest, windows closed by Processing, kept by History and read
/// back through the Dashboard's HTTP API. The fixture's windows are 5 s long, so a "minute" point is a 5 s window.
/// </summary>
[Collection(NopSystemCollection.Name)]
public sealed class HistoryTests(NopSystemFixture system)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeZoneInfo Vienna = TimeZoneInfo.FindSystemTimeZoneById(NopSystemFixture.TimeZone);

    [Fact]
    public async Task Minute_points_are_the_published_windows_and_the_hour_is_their_energy_average()
    {
        const string sensor = "dev-001";
        using var http = Client();
        await using var listener = await WindowListener.StartAsync(system.BrokerUri, sensor);
        // Three windows (15 s) are points enough to compare; the hour below averages every point it holds.
        await Eventually.TrueAsync(() => listener.Windows.Count >= 3, Timeout, "three windows of dev-001 on nop.noise");
        var seen = listener.Windows;
        var from = seen[0].WindowStart;
        var to = seen[^1].WindowEnd;

        List<LevelPoint> minutes = [];
        await Eventually.TrueAsync(async () =>
        {
            minutes = await LevelsAsync(http, sensor, from, to, "minute");
            return seen.All(w => minutes.Any(p => p.Start == w.WindowStart));
        }, Timeout, () => $"History's minute points of dev-001 ({minutes.Count}) hold the {seen.Count} windows");
        foreach (var window in seen)
        {
            var point = minutes.Single(p => p.Start == window.WindowStart);
            point.End.ShouldBe(window.WindowEnd);
            point.Laeq.ShouldBe(window.Laeq);
            point.Lamax.ShouldBe(window.Lamax);
            point.L10.ShouldBe(window.L10);
            point.L50.ShouldBe(window.L50);
            point.L90.ShouldBe(window.L90);
            point.Coverage.ShouldBe(window.Coverage!.Value);
        }

        // The hour of the first window, read when no window arrived between reading its minutes and the hour itself.
        var hourStart = new DateTimeOffset(from.UtcDateTime.Date.AddHours(from.UtcDateTime.Hour), TimeSpan.Zero);
        var hourEnd = hourStart.AddHours(1);
        List<LevelPoint> inHour = [];
        LevelPoint? hour = null;
        await Eventually.TrueAsync(async () =>
        {
            var before = await LevelsAsync(http, sensor, hourStart, hourEnd, "minute");
            var hours = await LevelsAsync(http, sensor, hourStart, hourEnd, "hour");
            inHour = await LevelsAsync(http, sensor, hourStart, hourEnd, "minute");
            hour = hours.SingleOrDefault();
            return hour is not null && before.Count == inHour.Count;
        }, Timeout, "a steady hour of dev-001");
        // 10·lg(Σ tᵢ·10^(Lᵢ/10) / Σ tᵢ) over the covered seconds tᵢ = coverageᵢ × window length.
        var covered = inHour.Sum(p => p.Coverage * (p.End - p.Start).TotalSeconds);
        var energy = inHour.Sum(p => p.Coverage * (p.End - p.Start).TotalSeconds * Math.Pow(10, p.Laeq!.Value / 10));
        hour!.Start.ShouldBe(hourStart);
        hour.End.ShouldBe(hourEnd);
        hour.Laeq!.Value.ShouldBe(10 * Math.Log10(energy / covered), 1e-6);
        hour.Lamax.ShouldBe(inHour.Max(p => p.Lamax));
        hour.Coverage.ShouldBe(covered / 3600, 1e-9);

        // CSV: the header row, then one row per point with the JSON's values.
        using var csv = await http.GetAsync(LevelsUri(sensor, from, to, "minute") + "&format=csv");
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("start,end,laeq,lamax,l10,l50,l90,coverage");
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        rows.Count.ShouldBe(minutes.Count);
        var first = minutes[0];
        rows[0].ShouldBe(new[] { Time(first.Start), Time(first.End), Db(first.Laeq), Db(first.Lamax), Db(first.L10),
            Db(first.L50), Db(first.L90), first.Coverage.ToString("0.###", CultureInfo.InvariantCulture) });

        // FIWARE NoiseLevelObserved: one entity per point, at the sensor's place in the catalogue (lon, lat).
        var entities = (await http.GetFromJsonAsync<JsonArray>(LevelsUri(sensor, from, to, "minute")
            + "&format=fiware"))!;
        entities.Count.ShouldBe(minutes.Count);
        var entity = entities[0]!.AsObject();
        entity["id"]!.GetValue<string>().ShouldBe($"urn:ngsi-ld:NoiseLevelObserved:{sensor}:{Time(first.Start)}");
        entity["type"]!.GetValue<string>().ShouldBe("NoiseLevelObserved");
        entity["dateObservedFrom"]!.GetValue<string>().ShouldBe(Time(first.Start));
        entity["dateObservedTo"]!.GetValue<string>().ShouldBe(Time(first.End));
        entity["location"]!["type"]!.GetValue<string>().ShouldBe("Point");
        entity["location"]!["coordinates"]!.AsArray().Select(c => c!.GetValue<double>())
            .ShouldBe(new[] { 16.37315, 48.20849 });
        entity["LAeq"]!.GetValue<double>().ShouldBe(Math.Round(first.Laeq!.Value, 1));
        entity["LAmax"]!.GetValue<double>().ShouldBe(Math.Round(first.Lamax!.Value, 1));
        entity["refDevice"]!.GetValue<string>().ShouldBe($"urn:ngsi-ld:Device:{sensor}");
    }

    [Fact]
    public async Task The_day_table_lists_the_simulated_sensors_with_every_period_flagged_and_no_lden()
    {
        using var http = Client();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Vienna).DateTime);
        var uri = $"api/history/days/{today:yyyy-MM-dd}";
        JsonArray table = [];
        await Eventually.TrueAsync(async () =>
        {
            table = await GetAsync<JsonArray>(http, uri) ?? [];
            var listed = table.Select(e => e!["sensorId"]!.GetValue<string>()).ToHashSet();
            return NopSystemFixture.SimulatedSensors.All(listed.Contains);
        }, Timeout, () => $"the day table lists the simulated sensors: {table.ToJsonString()}");

        foreach (var entry in table.Where(e => NopSystemFixture.SimulatedSensors
                     .Contains(e!["sensorId"]!.GetValue<string>())))
        {
            // Minutes of data in a day: covered, but no period near the 75 % a level needs.
            entry!["coverage"]!.GetValue<double>().ShouldBeGreaterThan(0);
            entry["coverage"]!.GetValue<double>().ShouldBeLessThan(0.75);
            entry["lden"].ShouldBeNull();
            foreach (var period in new[] { "day", "evening", "night" })
            {
                entry[period]!["sufficient"]!.GetValue<bool>().ShouldBeFalse($"{entry["sensorId"]} {period}");
            }
        }

        using var csv = await http.GetAsync(uri + "?format=csv");
        csv.StatusCode.ShouldBe(HttpStatusCode.OK);
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("sensorId,zone,lday,levening,lnight,lden,coverage,exceedanceMinutes,");
        lines.ShouldContain(l => l.StartsWith("dev-001,commercial,", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Readings_posted_for_a_past_hour_give_hand_computed_windows_minutes_hour_and_day()
    {
        // dev-031 (residential, limit 40 dB in the fixture) is not simulated: these readings are all it has.
        const string sensor = "dev-031";
        using var http = Client();
        var now = DateTimeOffset.UtcNow;
        var hourStart = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero)
            .AddHours(-2);
        var first = hourStart.AddMinutes(10);
        // Five minutes of 1 s readings: in each minute 30 s at 70 dB, then 30 s at 50 dB.
        var readings = new JsonArray();
        for (var m = 0; m < 5; m++)
        {
            for (var s = 0; s < 60; s++)
            {
                readings.Add(new JsonObject
                {
                    ["sensorId"] = sensor,
                    ["readingId"] = $"e2e-history-{m}-{s}",
                    // A reading covers the second before its time stamp.
                    ["measuredAt"] = Time(first.AddSeconds(m * 60 + s + 1)),
                    ["laeq"] = s < 30 ? 70.0 : 50.0,
                    ["durationSeconds"] = 1,
                });
            }
        }
        using var ingest = new HttpClient { BaseAddress = system.Ingest.Address };
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/readings")
        {
            Content = new StringContent(new JsonObject { ["readings"] = readings }.ToJsonString(), Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("X-Api-Key", $"dev-key-{sensor}");
        using var posted = await ingest.SendAsync(request);
        posted.StatusCode.ShouldBe(HttpStatusCode.Accepted, await posted.Content.ReadAsStringAsync());

        // 5 s windows: six at 70 dB, then six at 50 dB, each fully covered; 60 in all.
        List<LevelPoint> windows = [];
        await Eventually.TrueAsync(async () =>
        {
            windows = await LevelsAsync(http, sensor, hourStart, hourStart.AddHours(1), "minute");
            return windows.Count == 60;
        }, Timeout, () => $"60 windows of {sensor} in History (has {windows.Count})");
        foreach (var (window, i) in windows.Select((w, i) => (w, i)))
        {
            window.Start.ShouldBe(first.AddSeconds(5 * i));
            var level = (i % 12) < 6 ? 70.0 : 50.0;
            window.Laeq.ShouldBe(level);
            window.L10.ShouldBe(level);
            window.L90.ShouldBe(level);
            window.Coverage.ShouldBe(1);
        }
        // Each minute: 10·lg(0.5·10^7 + 0.5·10^5) = 67.03 dB.
        foreach (var minute in windows.Chunk(12))
        {
            var laeq = 10 * Math.Log10(minute.Average(w => Math.Pow(10, w.Laeq!.Value / 10)));
            Math.Round(laeq, 1).ShouldBe(67.0);
        }

        var hour = (await LevelsAsync(http, sensor, hourStart, hourStart.AddHours(1), "hour")).ShouldHaveSingleItem();
        hour.Start.ShouldBe(hourStart);
        Math.Round(hour.Laeq!.Value, 1).ShouldBe(67.0);
        hour.Lamax.ShouldBe(70);
        hour.L10.ShouldBe(70);
        // Half of the time at or above 70 dB: 70 is the highest level exceeded 50 % of the time.
        hour.L50.ShouldBe(70);
        hour.L90.ShouldBe(50);
        hour.Coverage.ShouldBe(300.0 / 3600, 1e-9);

        // The day: 300 s covered, all above the 40 dB limit (5 minutes), a level alert; the hour's period
        // has the hour's level, flagged as far too little covered.
        var local = TimeZoneInfo.ConvertTime(first, Vienna);
        var date = DateOnly.FromDateTime(local.DateTime);
        var table = (await http.GetFromJsonAsync<JsonArray>($"api/history/days/{date:yyyy-MM-dd}"))!;
        var entry = table.Single(e => e!["sensorId"]!.GetValue<string>() == sensor)!;
        entry["zone"]!.GetValue<string>().ShouldBe("residential");
        var dayLength = (entry["end"]!.GetValue<DateTimeOffset>() - entry["start"]!.GetValue<DateTimeOffset>())
            .TotalSeconds;
        entry["coverage"]!.GetValue<double>().ShouldBe(300 / dayLength, 1e-9);
        entry["exceedanceMinutes"]!.GetValue<double>().ShouldBe(5, 1e-9);
        entry["alertEpisodes"]!.GetValue<int>().ShouldBe(1, "every 5 s window is above the 40 dB limit: one episode");
        entry["lden"].ShouldBeNull();
        var period = local.Hour is >= 7 and < 19 ? "day" : local.Hour is >= 19 and < 23 ? "evening" : "night";
        Math.Round(entry[period]!["level"]!.GetValue<double>(), 1).ShouldBe(67.0);
        entry[period]!["sufficient"]!.GetValue<bool>().ShouldBeFalse();
        entry[period]!["exceedanceMinutes"]!.GetValue<double>().ShouldBe(5, 1e-9);
    }

    private HttpClient Client() => new() { BaseAddress = system.Dashboard.Address };

    // Empty while the Dashboard answers 503 (History did not answer in time, e.g. its first query after start-up).
    private static async Task<List<LevelPoint>> LevelsAsync(HttpClient http, string sensor, DateTimeOffset from,
        DateTimeOffset to, string resolution) =>
        await GetAsync<List<LevelPoint>>(http, LevelsUri(sensor, from, to, resolution)) ?? [];

    // The JSON of a 200; null for a 503 ("try again in a moment"); any other status fails the test.
    private static async Task<T?> GetAsync<T>(HttpClient http, string uri) where T : class
    {
        using var response = await http.GetAsync(uri);
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            return null;
        }
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<T>(Json);
    }

    private static string LevelsUri(string sensor, DateTimeOffset from, DateTimeOffset to, string resolution) =>
        $"api/history/sensors/{sensor}/levels?from={Time(from)}&to={Time(to)}&resolution={resolution}";

    private static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Db(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "";
}
