using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nop.Testing;

namespace Nop.EndToEnd.Tests;

/// <summary>
/// The maintenance saga through every service: an operator starts maintenance of a sensor on the Dashboard, the
/// process manager in Alerting has Processing, Alerting and History begin it; a spike inside the period raises no
/// alert, and History leaves the period out of the hour's and the day's coverage; ending it runs the reverse steps.
/// </summary>
[Collection(NopSystemCollection.Name)]
public sealed class MaintenanceTests(NopSystemFixture system)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task A_spike_in_maintenance_raises_no_alert_and_the_period_is_left_out_of_the_coverage()
    {
        // Neither sensor is simulated: what is posted here is all they have. dev-032 is serviced, dev-033 the control.
        const string serviced = "dev-032", control = "dev-033";
        var now = DateTimeOffset.UtcNow;
        var hourStart = new DateTimeOffset(now.UtcDateTime.Date.AddHours(now.UtcDateTime.Hour), TimeSpan.Zero)
            .AddHours(-2);
        var first = hourStart.AddMinutes(10);
        // Maintenance from minute 2 of the readings on, until a few minutes from now.
        var from = first.AddMinutes(2);

        using var operatorClient = await SignedInClientAsync();
        // As the API asks of a client: a 503 (Alerting did not answer within the Dashboard's request timeout, as on a
        // loaded machine) is repeated with the same Idempotency-Key, which names the same maintenance.
        var key = $"e2e-{Guid.NewGuid():N}";
        HttpResponseMessage started;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "api/maintenance")
            {
                Content = JsonContent.Create(new
                {
                    sensorId = serviced,
                    from,
                    to = now.AddMinutes(10),
                    reason = "e2e: microphone replaced",
                }),
            };
            request.Headers.Add("Idempotency-Key", key);
            started = await operatorClient.SendAsync(request);
            if (started.StatusCode != HttpStatusCode.ServiceUnavailable || attempt == 3)
            {
                break;
            }
            started.Dispose();
        }
        using var _ = started;
        started.StatusCode.ShouldBe(HttpStatusCode.Accepted, await started.Content.ReadAsStringAsync());
        var id = (await started.Content.ReadFromJsonAsync<JsonObject>())!["maintenanceId"]!.GetValue<string>();
        started.Headers.Location!.ToString().ShouldEndWith($"/api/maintenance/{id}");

        var maintenance = await StateAsync(operatorClient, id, "active");
        var steps = maintenance["steps"]!.AsArray();
        steps.Select(s => $"{s!["participant"]} {s["action"]} {s["outcome"]}")
            .ShouldBe(["processing begin done", "alerting begin done", "history begin done"]);

        // Five minutes of 34, 35 and 36 dB in turn (below the residential limit, never stuck) for both; at minute 3 a
        // 110 dB spike in each.
        await PostAsync(serviced, first);
        await PostAsync(control, first);

        using var viewer = new HttpClient { BaseAddress = system.Dashboard.Address };
        await Eventually.TrueAsync(async () => (await AlertsAsync(viewer, control))
                .Any(a => a!["rule"]!.GetValue<string>() == "spike"), Timeout,
            $"the control sensor {control}'s spike raised an alert");
        // The control's five minutes are all in History (its last window closes once the sensor has been silent for the
        // idle grace): the serviced sensor's, handled beside them, are too, and its spike raised nothing.
        JsonObject? controlHour = null;
        await Eventually.TrueAsync(async () =>
        {
            controlHour = await HourAsync(viewer, control, hourStart);
            return controlHour?["coverage"]!.GetValue<double>() >= 300.0 / 3600 - 1e-9;
        }, Timeout, () => $"the control's hour covers 300 s: {controlHour?.ToJsonString()}");
        (await AlertsAsync(viewer, serviced)).ShouldBeEmpty();

        // Only the two minutes before the maintenance count: 120 s, 40 each of 34, 35 and 36 dB, whose energy average
        // is 10·lg((10^3.4 + 10^3.5 + 10^3.6) / 3) = 35.076 dB (within 0.005 dB: Processing rounds each window's level
        // to 0.01 dB); the control's 300 s are the same level.
        var expected = 10 * Math.Log10((Math.Pow(10, 3.4) + Math.Pow(10, 3.5) + Math.Pow(10, 3.6)) / 3);
        var hour = (await HourAsync(viewer, serviced, hourStart)).ShouldNotBeNull();
        hour["coverage"]!.GetValue<double>().ShouldBe(120.0 / 3600, 1e-9);
        hour["laeq"]!.GetValue<double>().ShouldBe(expected, 0.005);
        controlHour!["coverage"]!.GetValue<double>().ShouldBe(300.0 / 3600, 1e-9);
        controlHour["laeq"]!.GetValue<double>().ShouldBe(expected, 0.005);
        // The day's coverage likewise: 120 s of the (local) day.
        var vienna = TimeZoneInfo.FindSystemTimeZoneById(NopSystemFixture.TimeZone);
        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(first, vienna).DateTime);
        var day = (await viewer.GetFromJsonAsync<JsonArray>($"api/history/days/{date:yyyy-MM-dd}", Json))!
            .Single(e => e!["sensorId"]!.GetValue<string>() == serviced)!;
        var dayLength = (day["end"]!.GetValue<DateTimeOffset>() - day["start"]!.GetValue<DateTimeOffset>())
            .TotalSeconds;
        day["coverage"]!.GetValue<double>().ShouldBe(120 / dayLength, 1e-9);

        using var ended = await operatorClient.DeleteAsync($"api/maintenance/{id}");
        ended.StatusCode.ShouldBe(HttpStatusCode.Accepted, await ended.Content.ReadAsStringAsync());
        maintenance = await StateAsync(operatorClient, id, "ended");
        maintenance["steps"]!.AsArray().Skip(3).Select(s => $"{s!["participant"]} {s["action"]} {s["outcome"]}")
            .ShouldBe(["history end done", "alerting end done", "processing end done"]);
        maintenance["to"]!.GetValue<DateTimeOffset>().ShouldBeLessThan(now.AddMinutes(10));
    }

    private async Task<HttpClient> SignedInClientAsync()
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() })
        {
            BaseAddress = system.Dashboard.Address,
        };
        using var signIn = await http.PostAsJsonAsync("api/session",
            new { username = "operator", password = "operator" });
        signIn.StatusCode.ShouldBe(HttpStatusCode.OK, await signIn.Content.ReadAsStringAsync());
        return http;
    }

    private static async Task<JsonObject> StateAsync(HttpClient http, string id, string state)
    {
        JsonObject? maintenance = null;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await http.GetAsync($"api/maintenance/{id}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }
            maintenance = await response.Content.ReadFromJsonAsync<JsonObject>(Json);
            return maintenance!["state"]!.GetValue<string>() == state;
        }, Timeout, () => $"maintenance {id} {state}: {maintenance?.ToJsonString()}");
        return maintenance!;
    }

    private async Task PostAsync(string sensor, DateTimeOffset first)
    {
        var readings = new JsonArray();
        for (var s = 0; s < 300; s++)
        {
            readings.Add(new JsonObject
            {
                ["sensorId"] = sensor,
                ["readingId"] = $"e2e-maintenance-{s}",
                ["measuredAt"] = Time(first.AddSeconds(s + 1)),
                ["laeq"] = 34.0 + s % 3,
                ["lamax"] = s == 180 ? 110.0 : 37.0,
                ["durationSeconds"] = 1,
            });
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
    }

    private static async Task<JsonArray> AlertsAsync(HttpClient http, string sensor)
    {
        using var response = await http.GetAsync($"api/alerts/sensors/{sensor}");
        if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
        {
            return [];
        }
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonNode>(Json);
        return (body as JsonArray ?? body!["items"]!.AsArray());
    }

    private static async Task<JsonObject?> HourAsync(HttpClient http, string sensor, DateTimeOffset hourStart)
    {
        using var response = await http.GetAsync($"api/history/sensors/{sensor}/levels?from={Time(hourStart)}"
            + $"&to={Time(hourStart.AddHours(1))}&resolution=hour");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }
        return (await response.Content.ReadFromJsonAsync<JsonArray>(Json))!.SingleOrDefault()?.AsObject();
    }

    private static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
