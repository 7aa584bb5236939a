using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using Nop.Contracts;
using Nop.Testing;
using static Microsoft.Playwright.Assertions;

namespace Nop.Dashboard.Tests;

/// <summary>
/// The selected sensor's maintenance part in real Chromium, on a real Dashboard and the real broker, with the scripted
/// process manager answering: the maintenances with their state and steps in words, the form of a signed-in operator
/// (whose times reach Alerting as the instants typed in the page's zone), ending an active one, and axe-core. The
/// page's clock is fixed at <see cref="PageFixture.Now"/>; the Dashboard checks the times against the real clock, so
/// the form is filled with times a day from now.
/// </summary>
public sealed class MaintenancePageTests(MaintenancePageTests.Fixture fixture)
    : IClassFixture<MaintenancePageTests.Fixture>
{
    private static readonly DateTimeOffset Now = PageFixture.Now;
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task An_operator_sees_the_sensors_maintenances_starts_one_and_ends_the_active_one()
    {
        var active = Details("dev-003", MaintenanceState.Active, Now.AddHours(-1), DateTimeOffset.UtcNow.AddHours(3),
        [
            Step(MaintenanceParticipants.Processing, StepOutcome.Done),
            Step(MaintenanceParticipants.Alerting, StepOutcome.Done),
            Step(MaintenanceParticipants.History, StepOutcome.Done),
        ]);
        var undone = Details("dev-003", MaintenanceState.Compensated, Now.AddDays(-2), Now.AddDays(-2).AddHours(2),
        [
            Step(MaintenanceParticipants.Processing, StepOutcome.Done),
            Step(MaintenanceParticipants.Alerting, StepOutcome.Refused, "sensor dev-003 is retired"),
            Step(MaintenanceParticipants.Processing, StepOutcome.Done, action: MaintenanceAction.Compensate),
        ]) with
        { Detail = "Alerting refused: sensor dev-003 is retired" };
        fixture.Broker.Maintenance.Set(active);
        fixture.Broker.Maintenance.Set(undone);
        var page = await fixture.OpenAsync("/#sensor=dev-003");
        var panel = page.GetByTestId("maintenance-panel");

        var current = panel.GetByTestId("maintenance-current").GetByTestId("maintenance-item");
        await Expect(current).ToHaveAttributeAsync("data-maintenance-id", active.MaintenanceId.ToString());
        await Expect(current.GetByTestId("maintenance-state")).ToHaveTextAsync("Active");
        await Expect(current.GetByTestId("maintenance-reason")).ToHaveTextAsync("Mast repair");
        var recent = panel.GetByTestId("maintenance-recent").GetByTestId("maintenance-item");
        await Expect(recent.GetByTestId("maintenance-state")).ToHaveTextAsync("Not started (undone)");
        await Expect(recent.GetByTestId("maintenance-steps").Locator("li")).ToHaveTextAsync(
            ["✓ Processing: begin, done", "✕ Alerting: begin, refused: sensor dev-003 is retired",
                "✓ Processing: undo, done"]);
        await Expect(panel.GetByTestId("maintenance-end")).ToHaveCountAsync(0);

        // A viewer is offered the sign-in; signed in, the form and the End button appear.
        await panel.GetByTestId("maintenance-sign-in").ClickAsync();
        await page.GetByTestId("sign-in-username").FillAsync("operator");
        await page.GetByTestId("sign-in-password").FillAsync("operator");
        await page.GetByTestId("sign-in-submit").ClickAsync();
        await panel.GetByTestId("maintenance-start").Locator("summary").ClickAsync();
        var vienna = TimeZoneInfo.FindSystemTimeZoneById("Europe/Vienna");
        var from = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddDays(1), vienna);
        from = new DateTimeOffset(from.Year, from.Month, from.Day, from.Hour, from.Minute, 0, from.Offset);
        var to = TimeZoneInfo.ConvertTime(from.AddHours(2), vienna);
        await panel.GetByTestId("maintenance-from").FillAsync(Local(from));
        await panel.GetByTestId("maintenance-to").FillAsync(Local(to));
        await panel.GetByTestId("maintenance-reason-input").FillAsync("Replacing the microphone");
        var violations = await Axe(page);
        await panel.GetByTestId("maintenance-submit").ClickAsync();

        var started = panel.Locator("[data-testid=maintenance-item][data-state=starting]");
        await Expect(started.GetByTestId("maintenance-reason")).ToHaveTextAsync("Replacing the microphone",
            new() { Timeout = 20_000 });
        await Expect(started.GetByTestId("maintenance-steps")).ToHaveTextAsync("… Processing: begin, waiting");
        var start = fixture.Broker.Maintenance.Requests.Select(r => r.Request).OfType<StartMaintenance>()
            .Single(s => s.Reason == "Replacing the microphone");
        start.SensorId.ShouldBe("dev-003");
        start.From.ShouldBe(from, "the time typed in Vienna, as an instant");
        start.To.ShouldBe(to);
        start.RequestedBy.ShouldBe("operator");

        await current.GetByTestId("maintenance-end").ClickAsync();
        await Expect(panel.Locator($"[data-maintenance-id='{active.MaintenanceId}']"))
            .ToHaveAttributeAsync("data-state", "ending");
        fixture.Broker.Maintenance.Find(active.MaintenanceId)!.State.ShouldBe(MaintenanceState.Ending);
        var screenshots = Path.Combine(Repository.Root, "artifacts", "screenshots");
        Directory.CreateDirectory(screenshots);
        await page.GetByTestId("maintenance-panel").ScreenshotAsync(
            new() { Path = Path.Combine(screenshots, "maintenance-panel.png") });
        violations.AddRange(await Axe(page));
        violations.Where(v => v.Impact is "serious" or "critical").ShouldBeEmpty(
            string.Join("\n", violations.Select(v => $"{v.Impact} {v.Id}: {string.Join(" | ", v.Nodes)}")));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_refused_start_shows_the_problems_words_in_the_form()
    {
        var page = await fixture.OpenAsync("/#sensor=" + MaintenanceStandIn.RefusedSensor);
        var panel = page.GetByTestId("maintenance-panel");
        await Expect(panel.GetByTestId("maintenance-empty")).ToBeVisibleAsync();
        await panel.GetByTestId("maintenance-sign-in").ClickAsync();
        await page.GetByTestId("sign-in-username").FillAsync("operator");
        await page.GetByTestId("sign-in-password").FillAsync("operator");
        await page.GetByTestId("sign-in-submit").ClickAsync();
        await panel.GetByTestId("maintenance-start").Locator("summary").ClickAsync();
        var from = DateTimeOffset.Now.AddDays(1);
        await panel.GetByTestId("maintenance-from").FillAsync(Local(from));
        await panel.GetByTestId("maintenance-to").FillAsync(Local(from.AddHours(1)));
        await panel.GetByTestId("maintenance-reason-input").FillAsync("Check");

        await panel.GetByTestId("maintenance-submit").ClickAsync();

        await Expect(panel.GetByTestId("maintenance-form-error")).ToContainTextAsync(MaintenanceStandIn.RefusedDetail);
        await page.Context.CloseAsync();
    }

    private static string Local(DateTimeOffset time) => time.ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);

    private static MaintenanceStep Step(string participant, StepOutcome outcome, string? detail = null,
        MaintenanceAction action = MaintenanceAction.Begin) =>
        new(participant, action, outcome, 1, Now.AddHours(-1), Now.AddHours(-1).AddSeconds(1), detail);

    private static MaintenanceDetails Details(string sensorId, MaintenanceState state, DateTimeOffset from,
        DateTimeOffset to, IReadOnlyList<MaintenanceStep> steps) =>
        new(Guid.CreateVersion7(), sensorId, from, to, "Mast repair", "operator", state, null, steps, from, from,
            "corr-" + sensorId);

    private static async Task<List<Violation>> Axe(IPage page)
    {
        // Evaluated, not added as a <script>: the page's Content-Security-Policy refuses inline scripts.
        await page.EvaluateAsync(await File.ReadAllTextAsync(
            Path.Combine(Repository.Root, "frontend", "node_modules", "axe-core", "axe.min.js")));
        var json = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ["violations"] })).violations.map(v => ({
              id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")) }))
            """);
        return json.Deserialize<List<Violation>>(WebJson)!;
    }

    private sealed record Violation(string Id, string? Impact, string[] Nodes);

    /// <summary>The page fixture.</summary>
    public sealed class Fixture() : PageFixture("dash-maintenance-page")
    {
        public Task<IPage> OpenAsync(string path) => OpenLiveAsync(path);
    }
}
