using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

public sealed class HubTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Snapshot_has_the_catalogue_sensors_what_the_instance_has_seen_and_the_open_alerts_from_alerting()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-snapshot");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync();
        var older = Make.Alert("dev-003") with { RaisedAt = DateTimeOffset.UtcNow.AddMinutes(-3) };
        var newer = Make.Alert("dev-004");
        var olderCorrelation = await broker.RaiseAlertAsync(older);
        await broker.RaiseAlertAsync(newer);
        await broker.PublishBatchAsync(Make.Batch("dev-001", 66.6));
        await broker.PublishLevelAsync(Make.Level("dev-001", 63.3, threshold: 60));
        await broker.PublishBatchAsync(Make.Batch("pop-up-9", 45) with { Zone = Zone.Quiet });
        await Eventually.TrueAsync(() => page.Readings.Any(r => r.Tick.SensorId == "pop-up-9")
            && page.Levels.Count == 1, Wait, "the events are seen");

        var snapshot = await page.GetSnapshotAsync();

        snapshot.Sensors.Count.ShouldBe(51, "the 50 sensors of the catalogue and one first seen in a batch");
        var sensor = snapshot.Sensors.Single(s => s.Id == "dev-001");
        sensor.Name.ShouldBe("Stephansplatz");
        sensor.Reading!.Laeq.ShouldBe(66.6);
        sensor.Level!.Laeq.ShouldBe(63.3);
        sensor.Level.L50!.Value.ShouldBe(59.3, 1e-9);
        sensor.Level.Coverage.ShouldBe(1);
        sensor.Threshold.ShouldBe(60, "the threshold Processing applied to the latest window");
        snapshot.Sensors.Single(s => s.Id == "dev-002")
            .Threshold.ShouldBe(65, "the configured zone threshold until a window arrives");
        snapshot.Sensors.Single(s => s.Id == "pop-up-9").Zone.ShouldBe(Zone.Quiet);
        snapshot.Alerts!.Select(a => a.AlertId).ShouldBe([newer.AlertId, older.AlertId]);
        snapshot.Alerts!.Single(a => a.AlertId == older.AlertId).CorrelationId.ShouldBe(olderCorrelation);
        snapshot.AlertsError.ShouldBeNull();
        (await page.AlertsAvailableAsync()).ShouldBeTrue();
        snapshot.KibanaUrl.ShouldBe("http://kibana.test:5601");
        snapshot.User.ShouldBeNull();
        snapshot.PushIntervalMs.ShouldBe(200);
    }

    [Fact]
    public async Task Snapshot_still_has_the_sensors_and_says_why_when_alerting_does_not_answer()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-noalerting");
        await using var broker = await BrokerSide.StartAsync(vhost, answerAlertQueries: false);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync();

        var snapshot = await page.GetSnapshotAsync();

        snapshot.Sensors.Count.ShouldBe(50);
        snapshot.Alerts.ShouldBeNull();
        snapshot.AlertsError.ShouldNotBeNullOrWhiteSpace();
        // What the page asks, instead of the whole snapshot, until Alerting answers.
        (await page.AlertsAvailableAsync()).ShouldBeFalse();
    }

    [Fact]
    public async Task Acknowledging_needs_a_signed_in_operator()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-anon");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var anonymous = await dashboard.OpenPageAsync();
        var alert = Make.Alert("dev-001");
        await broker.RaiseAlertAsync(alert);

        var refused = await Should.ThrowAsync<HubException>(() => anonymous.AcknowledgeAsync(alert.AlertId));

        refused.Message.ShouldContain("unauthorized", Case.Insensitive);
        broker.Alerting.Acknowledgements.ShouldBeEmpty("nothing was sent to Alerting");
    }

    [Fact]
    public async Task An_operators_acknowledgement_goes_to_alerting_and_every_open_page_sees_it()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-ack");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var operatorPage = await dashboard.OpenPageAsync(await dashboard.SignInAsync());
        var watcherPage = await dashboard.OpenPageAsync();
        var alert = Make.Alert("dev-007");
        await broker.RaiseAlertAsync(alert);
        await Eventually.TrueAsync(() => watcherPage.Alerts.Count == 1, Wait, "the alert is on the page");

        (await operatorPage.GetSnapshotAsync()).User.ShouldBe("operator");
        var result = await operatorPage.AcknowledgeAsync(alert.AlertId, "crew on site");

        result.Outcome.ShouldBe(AcknowledgeOutcome.Acknowledged);
        result.Alert!.AcknowledgedBy.ShouldBe("operator");
        broker.Alerting.Acknowledgements.Single()
            .ShouldBe(new AcknowledgeAlert(alert.AlertId, "operator", "crew on site"));
        foreach (var page in new[] { operatorPage, watcherPage })
        {
            await Eventually.TrueAsync(() => page.Alerts.Any(a => a.Kind == "acknowledged"), Wait,
                "every page gets the acknowledgement");
            page.Alerts.Single(a => a.Kind == "acknowledged").ShouldSatisfyAllConditions(
                a => a.AlertId.ShouldBe(alert.AlertId),
                a => a.AcknowledgedBy.ShouldBe("operator"));
        }
        (await operatorPage.AcknowledgeAsync(alert.AlertId)).Outcome.ShouldBe(AcknowledgeOutcome.AlreadyAcknowledged);
        (await operatorPage.AcknowledgeAsync(Guid.NewGuid())).Outcome.ShouldBe(AcknowledgeOutcome.NotFound);
    }

    [Fact]
    public async Task Acknowledging_while_alerting_does_not_answer_fails_with_a_readable_error()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-ack-down");
        await using var broker = await BrokerSide.StartAsync(vhost, answerAlertQueries: false);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var page = await dashboard.OpenPageAsync(await dashboard.SignInAsync());

        var error = await Should.ThrowAsync<HubException>(() => page.AcknowledgeAsync(Guid.NewGuid()));

        error.Message.ShouldContain("Alerting did not answer");
    }

    [Fact]
    public async Task Sign_in_checks_the_password_hash_and_the_session_names_the_operator()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-signin");
        await using var dashboard = await DashboardApp.StartAsync(vhost);

        using var wrong = await dashboard.Client.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative),
            new { username = "operator", password = "guess" });
        using var unknown = await dashboard.Client.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative),
            new { username = "root", password = "operator" });
        using var empty = await dashboard.Client.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative),
            new { username = "", password = "" });

        wrong.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        wrong.Headers.Contains("Set-Cookie").ShouldBeFalse();
        (await wrong.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>()
            .ShouldBe("Wrong user name or password.");
        unknown.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var cookies = await dashboard.SignInAsync();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var http = new HttpClient(handler) { BaseAddress = dashboard.BaseAddress };
        (await http.GetFromJsonAsync<JsonObject>(new Uri("/api/session", UriKind.Relative)))![
            "user"]!.GetValue<string>().ShouldBe("operator");
        using var signOut = await http.DeleteAsync(new Uri("/api/session", UriKind.Relative));
        signOut.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await http.GetFromJsonAsync<JsonObject>(new Uri("/api/session", UriKind.Relative)))!["user"].ShouldBeNull();
    }

    [Fact]
    public async Task Sign_in_attempts_are_limited_per_client_address()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-guessing");
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            // Different user names: each has its own limit of five (ProxyTests).
            using var guess = await dashboard.Client.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative),
                new { username = $"user-{i}", password = $"guess-{i}" });
            statuses.Add(guess.StatusCode);
        }

        using var right = await dashboard.Client.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative),
            new { username = "operator", password = "operator" });

        statuses.ShouldAllBe(s => s == HttpStatusCode.Unauthorized);
        right.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests,
            "the eleventh attempt within a minute is refused, right password or not");
    }

    [Fact]
    public async Task The_page_is_served_with_index_never_cached_and_bundles_cached_for_good()
    {
        var root = Directory.CreateTempSubdirectory("nop-page-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "assets"));
            await File.WriteAllTextAsync(Path.Combine(root.FullName, "index.html"),
                "<!doctype html><title>NOP</title>");
            await File.WriteAllTextAsync(Path.Combine(root.FullName, "assets", "index-abc123.js"),
                "console.log('nop');");
            await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-page");
            await using var dashboard = await DashboardApp.StartAsync(vhost,
                new Dictionary<string, string?> { ["Dashboard:WebRoot"] = root.FullName });

            using var index = await dashboard.Client.GetAsync(new Uri("/", UriKind.Relative));
            using var bundle = await dashboard.Client.GetAsync(new Uri("/assets/index-abc123.js", UriKind.Relative));

            index.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await index.Content.ReadAsStringAsync()).ShouldContain("<title>NOP</title>");
            index.Headers.CacheControl!.NoCache.ShouldBeTrue();
            bundle.StatusCode.ShouldBe(HttpStatusCode.OK);
            bundle.Headers.CacheControl!.MaxAge.ShouldBe(TimeSpan.FromDays(365));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
