using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Nop.Contracts;
using Nop.Testing;
using static Microsoft.Playwright.Assertions;

namespace Nop.EndToEnd.Tests;

[Collection(NopSystemCollection.Name)]
public sealed partial class DashboardPageTests(NopSystemFixture system)
{
    private const float AlertTimeout = 120_000;

    [Fact]
    public async Task Levels_update_an_alert_appears_an_operator_acknowledges_it_and_a_second_page_sees_it()
    {
        var operatorPage = await system.OpenDashboardAsync();
        var watcherPage = await system.OpenDashboardAsync();

        // Levels: tiles get numbers from the live readings, and the numbers move.
        var levels = operatorPage.GetByTestId("sensor-level");
        await Expect(levels.First).ToHaveTextAsync(DecibelText(), new() { Timeout = 30_000 });
        // [data-band]: a drawn tile (tiles out of view are empty placeholders).
        var reporting = operatorPage.Locator("[data-testid=sensor-tile][data-band]:not([data-band=none])");
        await Expect(reporting.First).ToBeVisibleAsync();
        var firstTile = reporting.First;
        var sensorId = await firstTile.GetAttributeAsync("data-sensor-id");
        var before = await firstTile.GetByTestId("sensor-level").InnerTextAsync();
        await Expect(operatorPage.Locator($"[data-sensor-id='{sensorId}'] [data-testid=sensor-level]"))
            .Not.ToHaveTextAsync(before, new() { Timeout = 30_000 });

        // An alert from the whole pipeline: simulator → Ingest → Processing → Alerting → Dashboard. Of a simulated
        // sensor: other tests post past readings for sensors that then have alerts but no live windows.
        var simulated = string.Join(',', NopSystemFixture.SimulatedSensors.Select(id => $"[data-sensor-id='{id}']"));
        var openAlert = operatorPage.Locator($"[data-testid=alert-card][data-state=open]:is({simulated})").First;
        await Expect(openAlert).ToBeVisibleAsync(new() { Timeout = AlertTimeout });
        var alertId = await openAlert.GetAttributeAsync("data-alert-id");
        var card = $"[data-testid=alert-card][data-alert-id='{alertId}']";
        await Expect(watcherPage.Locator(card)).ToHaveAttributeAsync("data-state", "open", new() { Timeout = 30_000 });
        var logs = await operatorPage.Locator(card).GetByTestId("logs-link").GetAttributeAsync("href");
        logs.ShouldStartWith("http://kibana.local:5601/app/discover#/view/nop-logs?");
        Uri.UnescapeDataString(logs!).ShouldContain("CorrelationId:\"");

        // The window level of the selected sensor shows up next to its chart.
        await operatorPage.Locator(card).ClickAsync();
        await Expect(operatorPage.GetByTestId("window-level"))
            .ToHaveTextAsync(DecibelText(), new() { Timeout = 30_000 });
        // With it the levels read from the window's distribution and how much of the window was measured.
        await Expect(operatorPage.GetByTestId("window-percentiles"))
            .ToHaveTextAsync(PercentilesText(), new() { Timeout = 30_000 });
        await Expect(operatorPage.GetByTestId("window-coverage"))
            .ToHaveTextAsync(CoverageText(), new() { Timeout = 30_000 });
        await NopSystemFixture.ScreenshotAsync(operatorPage, "dashboard.png");
        var phone = await system.OpenDashboardAsync(390, 844, isMobile: true);
        await Expect(phone.Locator("[data-testid=alert-card]").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await NopSystemFixture.ScreenshotAsync(phone, "dashboard-phone.png");
        await phone.Context.CloseAsync();

        // Acknowledge: not signed in yet, so the page asks for the operator's password first.
        await operatorPage.Locator(card).GetByTestId("ack-button").ClickAsync();
        var dialog = operatorPage.GetByTestId("sign-in-dialog");
        await Expect(dialog).ToBeVisibleAsync();
        await operatorPage.GetByTestId("sign-in-username").FillAsync("operator");
        await operatorPage.GetByTestId("sign-in-password").FillAsync("wrong");
        await operatorPage.GetByTestId("sign-in-submit").ClickAsync();
        await Expect(dialog.GetByRole(AriaRole.Alert))
            .ToHaveTextAsync("Wrong user name or password.", new() { Timeout = 30_000 });
        await operatorPage.GetByTestId("sign-in-password").FillAsync("operator");
        await operatorPage.GetByTestId("sign-in-submit").ClickAsync();

        await Expect(operatorPage.GetByTestId("signed-in-user"))
            .ToHaveTextAsync(new Regex("operator"), new() { Timeout = 30_000 });
        await Expect(operatorPage.Locator(card))
            .ToHaveAttributeAsync("data-state", "acknowledged", new() { Timeout = 30_000 });
        await Expect(operatorPage.Locator(card).GetByTestId("alert-state")).ToHaveTextAsync("Acknowledged by operator");
        // The other page never reloaded: the AlertAcknowledged event reached it through the Dashboard's live queue.
        await Expect(watcherPage.Locator(card))
            .ToHaveAttributeAsync("data-state", "acknowledged", new() { Timeout = 30_000 });
        await Expect(watcherPage.Locator(card).GetByTestId("alert-state")).ToHaveTextAsync("Acknowledged by operator");
        await Expect(watcherPage.GetByTestId("sign-in-button")).ToBeVisibleAsync();

        // Notifier mailed the operator the raise and the acknowledgement (Alerting → nop.alerts → Notifier → SMTP),
        // and the Dashboard shows it, asked over request/reply: unmasked to the signed-in operator.
        await Eventually.TrueAsync(() => system.Mail.To(NopSystemFixture.OperatorEmail)
                .Count(m => m.Text.Contains(alertId!, StringComparison.Ordinal)) == 2,
            TimeSpan.FromSeconds(60), "the raise and the acknowledgement are mailed");
        system.Mail.To(NopSystemFixture.OperatorEmail).Where(m => m.Text.Contains(alertId!, StringComparison.Ordinal))
            .Select(m => m.Subject).ShouldContain(s => s.StartsWith("[NOP] Acknowledged by operator: "));
        JsonElement notifications = default;
        await Eventually.TrueAsync(async () =>
        {
            var response = await operatorPage.APIRequest.GetAsync(
                new Uri(system.Dashboard.Address!, $"api/alerts/{alertId}/notifications").ToString());
            notifications = (await response.JsonAsync())!.Value;
            return response.Ok && notifications.GetProperty("items").EnumerateArray()
                .Count(i => i.GetProperty("status").GetString() == "delivered") == 2;
        }, TimeSpan.FromSeconds(30), "the page's API shows both notifications delivered");
        notifications.GetProperty("recipientsMasked").GetBoolean().ShouldBeFalse();
        notifications.GetProperty("items").EnumerateArray()
            .Select(i => (i.GetProperty("stage").GetString(), i.GetProperty("recipient").GetString()))
            .ShouldBe([("raised", NopSystemFixture.OperatorEmail), ("acknowledged", NopSystemFixture.OperatorEmail)]);

        await operatorPage.Context.CloseAsync();
        await watcherPage.Context.CloseAsync();
    }

    [Fact]
    public async Task The_page_survives_a_dashboard_restart_and_resyncs_what_changed_meanwhile()
    {
        var page = await system.OpenDashboardAsync();
        var openAlert = page.Locator("[data-testid=alert-card][data-state=open]").First;
        await Expect(openAlert).ToBeVisibleAsync(new() { Timeout = AlertTimeout });
        var alertId = Guid.Parse((await openAlert.GetAttributeAsync("data-alert-id"))!);
        var card = page.Locator($"[data-testid=alert-card][data-alert-id='{alertId}']");
        var connection = page.GetByTestId("connection-state");

        await system.Dashboard.StopAsync();
        await Expect(connection).ToHaveAttributeAsync("data-state", "reconnecting", new() { Timeout = 15_000 });
        await Expect(connection).ToHaveTextAsync("Reconnecting…");

        // While no Dashboard runs, the alert is acknowledged directly at Alerting: only a re-sync can tell the page.
        var result =
            await system.Requests.RequestAsync<AcknowledgeAlert, AcknowledgeAlertResult>(RoutingKeys.AcknowledgeAlert,
            new AcknowledgeAlert(alertId, "night-shift", "acknowledged while the dashboard was down"),
                timeout: TimeSpan.FromSeconds(10));
        result.Outcome.ShouldBe(AcknowledgeOutcome.Acknowledged);
        (await card.GetAttributeAsync("data-state")).ShouldBe("open", "the page cannot know yet");

        await system.Dashboard.StartAsync();
        await Expect(connection).ToHaveAttributeAsync("data-state", "live", new() { Timeout = 60_000 });
        await Expect(card).ToHaveAttributeAsync("data-state", "acknowledged", new() { Timeout = 30_000 });
        await Expect(card.GetByTestId("alert-state")).ToHaveTextAsync("Acknowledged by night-shift");
        await Expect(page.GetByTestId("sensor-level").First).ToHaveTextAsync(DecibelText(), new() { Timeout = 30_000 });

        await page.Context.CloseAsync();
    }

    [GeneratedRegex(@"^\d{1,3}\.\d dB")]
    private static partial Regex DecibelText();

    /// <summary>L10 / L50 / L90, each a level: a Processing without the distribution leaves L50 a dash.</summary>
    [GeneratedRegex(@"^\d{1,3}\.\d / \d{1,3}\.\d / \d{1,3}\.\d dB")]
    private static partial Regex PercentilesText();

    [GeneratedRegex(@"^\d{1,3} %$")]
    private static partial Regex CoverageText();
}
