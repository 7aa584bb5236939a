using System.Net;
using System.Text.Json.Nodes;
using Nop.Contracts;
using Nop.Dashboard.History;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

// Who was notified about an alert, asked of Notifier (a stand-in on the real broker): the JSON the page reads, the
// recipients masked for a viewer who is not signed in, 400 for a malformed id and 503 when Notifier is silent.
public sealed class AlertNotificationsApiTests(AlertNotificationsApiTests.Fixture fixture)
    : IClassFixture<AlertNotificationsApiTests.Fixture>
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_viewer_sees_every_notification_with_e_mail_recipients_masked_and_webhook_hosts_kept()
    {
        var alertId = Guid.CreateVersion7();
        fixture.Broker.Notifier.Set(alertId, NotifierStandIn.Mailed("raised", At),
            NotifierStandIn.HookFailed("raised", At), Refused("escalation-1"));

        var json = await GetJsonAsync(fixture.Dashboard.Client, $"/api/alerts/{alertId}/notifications");

        json["alertId"]!.GetValue<Guid>().ShouldBe(alertId);
        json["recipientsMasked"]!.GetValue<bool>().ShouldBeTrue();
        var items = json["items"]!.AsArray();
        items.Count.ShouldBe(3);
        var mail = items[0]!;
        mail["subscription"]!.GetValue<string>().ShouldBe("ops-mail");
        mail["channel"]!.GetValue<string>().ShouldBe("email");
        mail["recipient"]!.GetValue<string>().ShouldBe("o•••@nop.local");
        mail["stage"]!.GetValue<string>().ShouldBe("raised");
        mail["status"]!.GetValue<string>().ShouldBe("delivered");
        mail["plannedAt"]!.GetValue<DateTimeOffset>().ShouldBe(At);
        mail["dueAt"]!.GetValue<DateTimeOffset>().ShouldBe(At);
        mail["deliveredAt"]!.GetValue<DateTimeOffset>().ShouldBe(At.AddSeconds(2));
        mail["attempts"]!.GetValue<int>().ShouldBe(1);
        var hook = items[1]!;
        hook["channel"]!.GetValue<string>().ShouldBe("webhook");
        hook["recipient"]!.GetValue<string>().ShouldBe("127.0.0.1:5098");
        hook["status"]!.GetValue<string>().ShouldBe("failed");
        hook["deliveredAt"].ShouldBeNull();
        hook["detail"]!.GetValue<string>().ShouldBe("HTTP 410 Gone");
        // A mail server's refusal quoting the address is masked too.
        items[2]!["detail"]!.GetValue<string>().ShouldBe("550 5.1.1 <o•••@nop.local>: Recipient address rejected");
        fixture.Broker.Notifier.Queries.ShouldContain(q => q.AlertId == alertId);
    }

    [Fact]
    public async Task A_signed_in_operator_sees_the_whole_addresses()
    {
        var alertId = Guid.CreateVersion7();
        fixture.Broker.Notifier.Set(alertId, NotifierStandIn.Mailed("raised", At), Refused("escalation-1"));
        var cookies = await fixture.Dashboard.SignInAsync();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Dashboard.BaseAddress };

        var json = await GetJsonAsync(client, $"/api/alerts/{alertId}/notifications");

        json["recipientsMasked"]!.GetValue<bool>().ShouldBeFalse();
        json["items"]![0]!["recipient"]!.GetValue<string>().ShouldBe("operator@nop.local");
        json["items"]![1]!["detail"]!.GetValue<string>()
            .ShouldBe("550 5.1.1 <operator@nop.local>: Recipient address rejected");
    }

    [Fact]
    public async Task An_alert_nobody_was_notified_about_has_no_items()
    {
        var json = await GetJsonAsync(fixture.Dashboard.Client, $"/api/alerts/{Guid.NewGuid()}/notifications");

        json["items"]!.AsArray().ShouldBeEmpty();
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("12345")]
    public async Task A_malformed_alert_id_is_a_400_naming_it(string alertId)
    {
        var asked = fixture.Broker.Notifier.Queries.Count;

        using var response = await fixture.Dashboard.Client.GetAsync(
            new Uri($"/api/alerts/{alertId}/notifications", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["errors"]!["alertId"].ShouldNotBeNull();
        fixture.Broker.Notifier.Queries.Count.ShouldBe(asked, "nothing is asked for a malformed id");
    }

    [Theory]
    [InlineData("operator@nop.local", "o•••@nop.local")]
    [InlineData("a@b", "a•••@b")]
    [InlineData("@nop.local", "•••")]
    [InlineData("operator@", "•••")]
    [InlineData("no-at-sign", "•••")]
    public void Addresses_keep_their_first_letter_and_domain(string address, string masked) =>
        AlertNotificationsApi.MaskAddress(address).ShouldBe(masked);

    [Fact]
    public async Task Without_Notifier_it_is_a_503_with_retry_after()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-no-notifier");
        await using var broker = await BrokerSide.StartAsync(vhost, answerNotifierQueries: false);
        await using var dashboard = await DashboardApp.StartAsync(vhost);

        using var response = await dashboard.Client.GetAsync(
            new Uri($"/api/alerts/{Guid.NewGuid()}/notifications", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        // Dashboard:RequestTimeout is 3 s in DashboardApp.
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(3));
        (await response.Content.ReadAsStringAsync()).ShouldContain("Notifier did not answer in time.");
    }

    [Fact]
    public async Task Notifier_answering_too_late_is_a_503()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-slow-notifier");
        await using var broker = await BrokerSide.StartAsync(vhost, answerNotifierQueries: true);
        broker.Notifier.Stalled = true;
        await using var dashboard = await DashboardApp.StartAsync(vhost, new Dictionary<string, string?>
        {
            ["Dashboard:RequestTimeout"] = "00:00:01",
        });

        using var response = await dashboard.Client.GetAsync(
            new Uri($"/api/alerts/{Guid.NewGuid()}/notifications", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        broker.Notifier.Queries.ShouldNotBeEmpty("Notifier got the query and did not answer in time");
    }

    private static NotificationEntry Refused(string stage) => new("ops-mail", NotificationChannel.Email,
        "operator@nop.local", stage, NotificationStatus.Failed, At.AddMinutes(10), At.AddMinutes(10), null, 1,
        "550 5.1.1 <operator@nop.local>: Recipient address rejected");

    private static async Task<JsonNode> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!;
    }

    /// <summary>One Dashboard with a Notifier stand-in answering.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private VirtualHost _vhost = null!;

        public BrokerSide Broker { get; private set; } = null!;

        public DashboardApp Dashboard { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _vhost = await TestBroker.CreateVirtualHostAsync("dash-notifications");
            Broker = await BrokerSide.StartAsync(_vhost, answerNotifierQueries: true);
            Dashboard = await DashboardApp.StartAsync(_vhost);
        }

        public async Task DisposeAsync()
        {
            await Dashboard.DisposeAsync();
            await Broker.DisposeAsync();
            await _vhost.DisposeAsync();
        }
    }
}
