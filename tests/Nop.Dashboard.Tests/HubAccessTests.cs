using System.Net;
using Microsoft.AspNetCore.SignalR;
using Nop.Dashboard.Hub;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

/// <summary>Who may use the hub and the page's data: an Origin allow-list, the optional sign-in to view, a per-page
/// snapshot budget, no server exception text to viewers.</summary>
public sealed class HubAccessTests
{
    [Fact]
    public async Task A_page_of_another_site_cannot_open_the_hub()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-origin");
        await using var dashboard = await DashboardApp.StartAsync(vhost, new Dictionary<string, string?>
        {
            ["Dashboard:AllowedOrigins:0"] = "https://noise.example.org",
        });
        var self = $"http://{dashboard.BaseAddress.Authority}";

        (await NegotiateAsync(dashboard, "https://evil.example")).ShouldBe(HttpStatusCode.Forbidden);
        (await NegotiateAsync(dashboard, "null")).ShouldBe(HttpStatusCode.Forbidden);
        (await NegotiateAsync(dashboard, self)).ShouldBe(HttpStatusCode.OK);
        (await NegotiateAsync(dashboard, "https://noise.example.org")).ShouldBe(HttpStatusCode.OK);
        (await NegotiateAsync(dashboard, origin: null)).ShouldBe(HttpStatusCode.OK, "not a browser page");
    }

    [Fact]
    public async Task With_sign_in_to_view_the_hub_and_the_data_apis_answer_401_until_signed_in()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-signin-view");
        await using var dashboard = await DashboardApp.StartAsync(vhost,
            new Dictionary<string, string?> { ["Dashboard:RequireSignInToView"] = "true" });

        (await NegotiateAsync(dashboard, origin: null)).ShouldBe(HttpStatusCode.Unauthorized);
        (await StatusAsync(dashboard.Client, "/hubs/dashboard")).ShouldBe(HttpStatusCode.Unauthorized,
            "what the page asks when its WebSocket fails");
        (await StatusAsync(dashboard.Client, "/api/history/days/2026-01-01")).ShouldBe(HttpStatusCode.Unauthorized);
        (await StatusAsync(dashboard.Client, "/api/alerts/sensors/dev-001")).ShouldBe(HttpStatusCode.Unauthorized);
        (await StatusAsync(dashboard.Client, "/api/session")).ShouldBe(HttpStatusCode.OK, "the sign-in stays open");
        await Should.ThrowAsync<HttpRequestException>(() => dashboard.OpenPageAsync());

        var page = await dashboard.OpenPageAsync(await dashboard.SignInAsync());
        (await page.GetSnapshotAsync()).User.ShouldBe("operator");
    }

    [Fact]
    public async Task A_page_asking_for_snapshots_too_often_is_refused_with_a_plain_message()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-snapshot-budget");
        await using var broker = await BrokerSide.StartAsync(vhost);
        await using var dashboard = await DashboardApp.StartAsync(vhost,
            new Dictionary<string, string?> { ["Dashboard:SnapshotsPerMinute"] = "3" });
        var page = await dashboard.OpenPageAsync();
        var other = await dashboard.OpenPageAsync();
        for (var i = 0; i < 3; i++)
        {
            await page.GetSnapshotAsync();
        }

        var refused = await Should.ThrowAsync<HubException>(() => page.GetSnapshotAsync());

        refused.Message.ShouldContain("Too many snapshot requests from this page");
        (await other.GetSnapshotAsync()).Sensors.ShouldNotBeEmpty("the budget is per connection");
    }

    [Fact]
    public async Task Outside_development_viewers_get_no_server_exception_text()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-hub-errors");
        await using var broker = await BrokerSide.StartAsync(vhost, answerAlertQueries: false);
        await using var dashboard = await DashboardApp.StartAsync(vhost, new Dictionary<string, string?>
        {
            ["Dashboard:RequestTimeout"] = "00:00:01",
        }, environment: "Production");
        var page = await dashboard.OpenPageAsync();

        // A null list makes the hub method throw a NullReferenceException.
        var error = await Should.ThrowAsync<HubException>(() =>
            page.Connection.InvokeCoreAsync(nameof(DashboardHub.Watch), typeof(object), [null]));
        var snapshot = await page.GetSnapshotAsync();

        error.Message.ShouldNotContain("NullReference");
        error.Message.ShouldNotContain("Object reference");
        snapshot.AlertsError.ShouldBe("Alerting did not answer; the open alerts are unavailable for now.");
    }

    [Fact]
    public async Task Outside_development_there_is_no_default_catalogue_and_a_missing_key_directory_is_reported()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-production");
        await using var dashboard = await DashboardApp.StartAsync(vhost, environment: "Production");
        var page = await dashboard.OpenPageAsync();

        (await page.GetSnapshotAsync()).Sensors.ShouldBeEmpty("the development catalogue is not loaded");
        dashboard.Logs.Events.ShouldContain(e =>
            e.MessageTemplate.Text.Contains("No Dashboard:KeysDirectory", StringComparison.Ordinal));
    }

    private static async Task<HttpStatusCode> NegotiateAsync(DashboardApp dashboard, string? origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post,
            new Uri($"{DashboardHub.Path}/negotiate?negotiateVersion=1", UriKind.Relative));
        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }
        using var response = await dashboard.Client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        return response.StatusCode;
    }
}
