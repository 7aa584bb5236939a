using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Nop.Contracts;
using Nop.Dashboard.Hub;
using Nop.Messaging;
using Nop.Testing;
using static Microsoft.Playwright.Assertions;

namespace Nop.Dashboard.Tests;

/// <summary>
/// The page's history parts in real Chromium, on a real Dashboard and the real broker, with History and Alerting
/// answered by the stand-ins: the range picker, the day table and its CSV, the map, the alert history, and axe-core.
/// The page's clock is fixed at 12:30 UTC on the stand-in's day (13:30 in Vienna, the page's time zone).
/// </summary>
public sealed partial class HistoryPageTests(HistoryPageTests.Fixture fixture)
    : IClassFixture<HistoryPageTests.Fixture>
{
    private static readonly DateTimeOffset Now = PageFixture.Now;
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task The_range_picker_asks_for_the_chosen_range_at_its_resolution_and_redraws()
    {
        var page = await fixture.OpenAsync();
        var chart = page.GetByTestId("history-chart");
        // A day is asked per minute; the stand-in has only hours, so the day is empty.
        await Expect(chart).ToHaveAttributeAsync("data-state", "ready");
        await Expect(chart).ToHaveAttributeAsync("data-resolution", "minute");

        await page.GetByTestId("range-week").ClickAsync();
        await Expect(chart).ToHaveAttributeAsync("data-resolution", "hour");
        await Expect(chart).ToHaveAttributeAsync("data-points", "2");
        await Expect(chart.Locator("svg polyline.laeq")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("range-week")).ToHaveAttributeAsync("aria-pressed", "true");
        Asked(LevelResolution.Hour, Now.AddDays(-7), Now).ShouldBeTrue("a week back from now, per hour");
        (await page.GetByTestId("history-csv").GetAttributeAsync("href")).ShouldBe(
            "/api/history/sensors/dev-001/levels?from=2026-11-23T12%3A30%3A00.000Z&to=2026-11-30T12%3A30%3A00.000Z"
            + "&resolution=hour&format=csv");

        // The table alternative holds the same two hours.
        await page.GetByTestId("history-as-table").ClickAsync();
        var rows = page.GetByTestId("history-table").Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First.Locator("td").Nth(2)).ToHaveTextAsync("67.0");
        await Expect(rows.Nth(1).Locator("td").Nth(5)).ToHaveTextAsync("–", new() { UseInnerText = true });
        await page.GetByTestId("history-as-table").ClickAsync();

        // Zoom in by keyboard: the + button halves the week around its middle (3.5 days: still per hour).
        await page.GetByTestId("zoom-in").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(chart).ToHaveAttributeAsync("data-from", "2026-11-25T06:30:00.000Z");
        // data-from changes as the request starts; ready once it was answered.
        await Expect(chart).ToHaveAttributeAsync("data-state", "ready");
        Asked(LevelResolution.Hour, Now.AddDays(-5.25), Now.AddDays(-1.75)).ShouldBeTrue("the middle 3.5 days");

        await page.GetByTestId("range-hour").ClickAsync();
        await Expect(chart).ToHaveAttributeAsync("data-resolution", "minute");
        await Expect(chart).ToHaveAttributeAsync("data-points", "0");
        await Expect(chart).ToHaveAttributeAsync("data-state", "ready");
        await Expect(page.GetByTestId("history-status")).ToHaveTextAsync("No data in this range.");
        Asked(LevelResolution.Minute, Now.AddHours(-1), Now).ShouldBeTrue("the last hour, per minute");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_day_table_sorts_by_keyboard_flags_short_periods_and_downloads_its_csv()
    {
        var page = await fixture.OpenAsync();
        var rows = page.GetByTestId("day-row");
        await Expect(rows).ToHaveCountAsync(2);
        var lday = page.GetByTestId("sort-lday");
        await lday.ClickAsync();
        // Loudest first (dev-001 60.0 before dev-002 58.2), then Enter on the same header flips it.
        await Expect(rows.First).ToHaveAttributeAsync("data-sensor-id", "dev-001");
        await Expect(page.Locator("th:has([data-sort=lday])")).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(lday).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(rows.First).ToHaveAttributeAsync("data-sensor-id", "dev-002");
        await Expect(page.Locator("th:has([data-sort=lday])")).ToHaveAttributeAsync("aria-sort", "ascending");

        // dev-002's night was a quarter covered: flagged in words, and its Lden is not reported.
        var short_ = page.Locator("[data-testid=day-row][data-sensor-id=dev-002]");
        await Expect(short_.Locator("[data-period=night]")).ToContainTextAsync("⚑ 25 % covered");
        await Expect(short_.Locator("td").Nth(4)).ToContainTextAsync("not reported");
        // dev-001 spent 12.5 minutes of its day period above the limit.
        var over = page.Locator("[data-testid=day-row][data-sensor-id=dev-001] [data-period=day]");
        await Expect(over).ToContainTextAsync("▲ 13 min over");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("day-csv").ClickAsync());
        download.SuggestedFilename.ShouldBe("nop-day-2026-11-30.csv");
        var lines = await File.ReadAllLinesAsync((await download.PathAsync())!);
        lines[0].ShouldStartWith("sensorId,zone,lday,levening,lnight,lden,coverage,exceedanceMinutes");
        lines.Length.ShouldBe(3, "a header and one row per sensor");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_map_shows_every_sensor_with_a_scale_bar_and_colours_by_lden_on_request()
    {
        var page = await fixture.OpenAsync();
        var snapshot = await fixture.SnapshotAsync();
        var located = snapshot.Sensors.Count;
        located.ShouldBeGreaterThan(2, "the catalogue's sensors, each with a location");
        await Expect(page.GetByTestId("map-sensor")).ToHaveCountAsync(located);
        var scale = page.GetByTestId("map-scale");
        await Expect(scale).ToBeVisibleAsync();
        await Expect(scale).ToHaveTextAsync(ScaleText());
        await Expect(page.GetByTestId("map-zone").First).ToBeVisibleAsync();

        await page.GetByTestId("map-mode-lden").ClickAsync();
        // Lden 66.4 is in the 65–69 class; dev-002 has no Lden that day.
        await Expect(page.Locator("[data-testid=map-sensor][data-sensor-id=dev-001]"))
            .ToHaveAttributeAsync("data-class", "65");
        await Expect(page.Locator("[data-testid=map-sensor][data-sensor-id=dev-002]"))
            .ToHaveAttributeAsync("data-class", "none");
        await Expect(page.GetByTestId("map-legend")).ToContainTextAsync("Lden 65–69");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_new_alert_is_announced_once_shows_in_the_sensors_history_and_is_acknowledged_with_a_comment()
    {
        var page = await fixture.OpenAsync("dev-002");
        var name = (await fixture.SnapshotAsync()).Sensors.Single(s => s.Id == "dev-003").Name;
        var alert = Make.Alert("dev-003", 71.2);
        await fixture.Broker.RaiseAlertAsync(alert);

        var announcer = page.GetByTestId("announcer");
        await Expect(announcer).ToHaveTextAsync($"New warning alert: Level over limit at {name}, 71.2 dB(A).");
        // The feed's card is operable by keyboard: Enter opens its sensor, with the sensor's alert history.
        var card = page.Locator($"[data-testid=alert-card][data-alert-id='{alert.AlertId}']");
        await card.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByTestId("selected-sensor-name")).ToHaveTextAsync(name);
        var item = page.Locator($"[data-testid=alert-history-item][data-alert-id='{alert.AlertId}']");
        await Expect(item).ToHaveAttributeAsync("data-state", "open");

        await item.GetByTestId("ack-with-comment").ClickAsync();
        await page.GetByTestId("ack-comment").FillAsync("Road works until Friday");
        await page.GetByTestId("ack-comment-submit").ClickAsync();
        await page.GetByTestId("sign-in-username").FillAsync("operator");
        await page.GetByTestId("sign-in-password").FillAsync("operator");
        await page.GetByTestId("sign-in-submit").ClickAsync();

        await Expect(item).ToHaveAttributeAsync("data-state", "acknowledged", new() { Timeout = 20_000 });
        await Expect(item.GetByTestId("alert-comment")).ToHaveTextAsync("“Road works until Friday”");
        fixture.Broker.Alerting.Acknowledgements.ShouldContain(a =>
            a.AlertId == alert.AlertId && a.Comment == "Road works until Friday");
        (await announcer.Locator("p").CountAsync()).ShouldBe(1, "an acknowledgement is not announced");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_alerts_notifications_are_listed_in_words_and_follow_its_acknowledgement()
    {
        var alert = Make.Alert("dev-004");
        var correlationId = "corr-" + alert.AlertId.ToString("N");
        fixture.Broker.Alerting.Open(alert, correlationId);
        var notifier = fixture.Broker.Notifier;
        var raised = new[]
        {
            NotifierStandIn.Mailed("raised", Now.AddMinutes(-20)),
            NotifierStandIn.HookFailed("raised", Now.AddMinutes(-20)),
        };
        notifier.Set(alert.AlertId, raised);
        var page = await fixture.OpenAsync("dev-004");
        var item = page.Locator($"[data-testid=alert-history-item][data-alert-id='{alert.AlertId}']");

        var toggle = item.GetByTestId("notifications-toggle");
        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        var rows = item.GetByTestId("notification");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First.GetByTestId("notification-stage")).ToHaveTextAsync("Raised");
        await Expect(rows.First.GetByTestId("notification-channel")).ToHaveTextAsync("E-mail");
        // Not signed in: the address is shortened, and the page says why.
        await Expect(rows.First.GetByTestId("notification-recipient")).ToHaveTextAsync("o•••@nop.local");
        await Expect(item.GetByTestId("notifications-masked")).ToBeVisibleAsync();
        await Expect(rows.First.GetByTestId("notification-status")).ToHaveTextAsync("✓ delivered");
        await Expect(rows.Nth(1).GetByTestId("notification-recipient")).ToHaveTextAsync("127.0.0.1:5098");
        await Expect(rows.Nth(1).GetByTestId("notification-status")).ToHaveTextAsync("✕ failed: HTTP 410 Gone");
        var screenshots = Path.Combine(Repository.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(screenshots);
        await item.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "alert-notifications.png") });
        var violations = await Axe(page);
        violations.Where(v => v.Impact is "serious" or "critical").ShouldBeEmpty(
            string.Join("\n", violations.Select(v => $"{v.Impact} {v.Id}: {string.Join(" | ", v.Nodes)}")));

        // Acknowledged elsewhere: the change pushed over SignalR makes the list ask again, and while the new stage
        // is being sent it keeps asking until it is delivered.
        var acknowledged = NotifierStandIn.Mailed("acknowledged", Now) with
        {
            Status = NotificationStatus.Sending,
            DeliveredAt = null,
        };
        notifier.Set(alert.AlertId, [.. raised, acknowledged]);
        await fixture.Broker.Publisher.PublishAsync(Exchanges.Alerts, RoutingKeys.AlertAcknowledged,
            new AlertAcknowledged(alert.AlertId, alert.SensorId, alert.Rule, "operator", null, Now),
            new PublishOptions { CorrelationId = correlationId });
        await Expect(rows).ToHaveCountAsync(3, new() { Timeout = 10_000 });
        await Expect(rows.Nth(2).GetByTestId("notification-stage")).ToHaveTextAsync("Acknowledged");
        await Expect(rows.Nth(2).GetByTestId("notification-status")).ToHaveTextAsync("… sending");
        notifier.Set(alert.AlertId, [.. raised, acknowledged with
        {
            Status = NotificationStatus.Delivered,
            DeliveredAt = Now.AddSeconds(1),
        }]);
        await Expect(rows.Nth(2).GetByTestId("notification-status"))
            .ToHaveTextAsync("✓ delivered", new() { Timeout = 20_000 });

        await toggle.ClickAsync();
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(item.GetByTestId("notifications-panel")).ToBeHiddenAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Axe_finds_no_serious_or_critical_violation_with_history_day_table_and_map_open()
    {
        var page = await fixture.OpenAsync();
        await page.GetByTestId("range-week").ClickAsync();
        await Expect(page.GetByTestId("history-chart")).ToHaveAttributeAsync("data-points", "2");
        await Expect(page.GetByTestId("day-row")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("map-sensor").First).ToBeVisibleAsync();
        await fixture.Broker.RaiseAlertAsync(Make.Alert("dev-001"));
        await Expect(page.GetByTestId("alert-card").First).ToBeVisibleAsync();

        var screenshots = Path.Combine(Repository.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "history-page.png"), FullPage = true });
        var violations = await Axe(page);
        await page.GetByTestId("history-as-table").ClickAsync();
        await Expect(page.GetByTestId("history-table")).ToBeVisibleAsync();
        violations.AddRange(await Axe(page));

        violations.Where(v => v.Impact is "serious" or "critical").ShouldBeEmpty(
            string.Join("\n", violations.Select(v => $"{v.Impact} {v.Id}: {string.Join(" | ", v.Nodes)}")));
        await page.Context.CloseAsync();
    }

    private static async Task<List<Violation>> Axe(IPage page)
    {
        // Evaluated, not added as a <script>: the page's Content-Security-Policy refuses inline scripts, and an
        // evaluation from the test is not the page's own script.
        await page.EvaluateAsync(await File.ReadAllTextAsync(
            Path.Combine(Repository.Root, "frontend", "node_modules", "axe-core", "axe.min.js")));
        var json = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ["violations"] })).violations.map(v => ({
              id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")) }))
            """);
        return json.Deserialize<List<Violation>>(WebJson)!;
    }

    private bool Asked(LevelResolution resolution, DateTimeOffset from, DateTimeOffset to) =>
        fixture.Broker.History.Queries.OfType<GetLevels>().Any(q =>
            q.SensorId == "dev-001" && q.Resolution == resolution && q.From == from && q.To == to);

    [GeneratedRegex(@"^\d+ k?m$")]
    private static partial Regex ScaleText();

    private sealed record Violation(string Id, string? Impact, string[] Nodes);

    /// <summary>The page fixture; a page opens on a sensor with its history shown.</summary>
    public sealed class Fixture() : PageFixture("dash-page")
    {
        /// <summary>A live page showing a sensor with its history open.</summary>
        public async Task<IPage> OpenAsync(string sensorId = "dev-001")
        {
            var page = await OpenLiveAsync($"/#sensor={sensorId}");
            var toggle = page.GetByTestId("history-toggle");
            await toggle.ClickAsync();
            await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
            return page;
        }

        public async Task<Snapshot> SnapshotAsync()
        {
            var client = await Dashboard.OpenPageAsync();
            return await client.GetSnapshotAsync();
        }
    }
}
