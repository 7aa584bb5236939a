using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Nop.Contracts;
using Nop.Dashboard.Maintenance;
using Nop.ServiceDefaults;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

// The operator's maintenance API against a scripted Alerting process manager on the real broker: what the Dashboard
// checks at the edge and sends (the operator, the request's correlation id), how each answer of Alerting maps to
// HTTP, who may start and end, and 503 (never 500) when Alerting is silent.
public sealed class MaintenanceApiTests(MaintenanceApiTests.Fixture fixture)
    : IClassFixture<MaintenanceApiTests.Fixture>
{
    private static DateTimeOffset Now => DateTimeOffset.UtcNow;

    [Fact]
    public async Task A_signed_in_operator_starts_maintenance_and_alerting_gets_it_with_the_operator_and_correlation()
    {
        var client = await fixture.OperatorAsync();
        var from = Now.AddMinutes(5);
        var to = from.AddHours(4);
        using var request = Post(new StartBody("dev-002", Iso(from), Iso(to), "  Recalibration "));
        request.Headers.Add(CorrelationId.HeaderName, "maint-corr-1");

        using var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, body);
        var json = JsonNode.Parse(body)!;
        var id = json["maintenanceId"]!.GetValue<Guid>();
        response.Headers.Location!.ToString().ShouldBe($"/api/maintenance/{id}");
        json["maintenance"]!["state"]!.GetValue<string>().ShouldBe("starting");
        var (sent, envelope) = fixture.Broker.Maintenance.Requests
            .Single(r => r.Request is StartMaintenance s && s.MaintenanceId == id);
        var start = (StartMaintenance)sent;
        start.SensorId.ShouldBe("dev-002");
        start.From.ShouldBe(Truncated(from));
        start.To.ShouldBe(Truncated(to));
        start.Reason.ShouldBe("Recalibration", "the reason is trimmed");
        start.RequestedBy.ShouldBe("operator", "the maintenance names the person");
        envelope.CorrelationId.ShouldBe("maint-corr-1", "the HTTP request's correlation id goes with it");
        envelope.RoutingKey.ShouldBe(RoutingKeys.MaintenanceRequest);
    }

    [Fact]
    public async Task Without_a_session_starting_and_ending_are_401_and_nothing_is_sent()
    {
        var asked = fixture.Broker.Maintenance.Requests.Count;

        using var start = await fixture.Dashboard.Client.SendAsync(Post(Valid()));
        using var end = await fixture.Dashboard.Client.DeleteAsync(
            new Uri($"/api/maintenance/{Guid.NewGuid()}", UriKind.Relative));

        start.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        end.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        fixture.Broker.Maintenance.Requests.Count.ShouldBe(asked);
    }

    [Fact]
    public async Task A_page_of_another_origin_is_refused_with_403_and_the_own_origin_is_not()
    {
        var client = await fixture.OperatorAsync();
        var asked = fixture.Broker.Maintenance.Requests.Count;
        using var foreign = Post(Valid());
        foreign.Headers.Add("Origin", "https://evil.example");
        using var own = Post(Valid());
        own.Headers.Add("Origin", $"http://{fixture.Dashboard.BaseAddress.Authority}");

        using var refused = await client.SendAsync(foreign);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        fixture.Broker.Maintenance.Requests.Count.ShouldBe(asked, "nothing is sent for another site's page");
        using var accepted = await client.SendAsync(own);
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
    }

    [Theory]
    [InlineData("unknown-sensor", "sensorId")]
    [InlineData("missing-sensor", "sensorId")]
    [InlineData("from-after-to", "from")]
    [InlineData("from-equals-to", "from")]
    [InlineData("ended", "to")]
    [InlineData("too-long", "to")]
    [InlineData("no-offset", "from")]
    [InlineData("missing-to", "to")]
    [InlineData("empty-reason", "reason")]
    [InlineData("long-reason", "reason")]
    [InlineData("bad-key", "Idempotency-Key")]
    public async Task A_bad_request_is_a_400_naming_the_field_and_nothing_is_sent(string @case, string field)
    {
        var client = await fixture.OperatorAsync();
        var from = Now.AddHours(1);
        var body = @case switch
        {
            "unknown-sensor" => Valid() with { SensorId = "nope-404" },
            "missing-sensor" => Valid() with { SensorId = null },
            "from-after-to" => Valid() with { From = Iso(from.AddHours(2)), To = Iso(from) },
            "from-equals-to" => Valid() with { From = Iso(from), To = Iso(from) },
            "ended" => Valid() with { From = Iso(Now.AddHours(-3)), To = Iso(Now.AddHours(-1)) },
            "too-long" => Valid() with { From = Iso(from), To = Iso(from.AddDays(30).AddMinutes(1)) },
            "no-offset" => Valid() with
            {
                From = from.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss",
                CultureInfo.InvariantCulture)
            },
            "missing-to" => Valid() with { To = null },
            "empty-reason" => Valid() with { Reason = "   " },
            "long-reason" => Valid() with { Reason = new string('r', 501) },
            _ => Valid(),
        };
        using var request = Post(body);
        if (@case == "bad-key")
        {
            request.Headers.TryAddWithoutValidation(MaintenanceApi.IdempotencyHeader, new string('k', 129));
        }
        var asked = fixture.Broker.Maintenance.Requests.Count;

        using var response = await client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        problem["errors"]![field].ShouldNotBeNull(await response.Content.ReadAsStringAsync());
        fixture.Broker.Maintenance.Requests.Count.ShouldBe(asked, "nothing is asked for a bad request");
    }

    [Fact]
    public async Task Exactly_the_maximum_duration_and_a_500_character_reason_are_accepted()
    {
        var client = await fixture.OperatorAsync();
        var from = Now.AddHours(1);

        using var response = await client.SendAsync(Post(Valid() with
        {
            From = Iso(from),
            To = Iso(from.AddDays(30)),
            Reason = new string('r', 500),
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_refused_without_a_500()
    {
        var client = await fixture.OperatorAsync();

        using var form = await client.PostAsync(new Uri("/api/maintenance", UriKind.Relative),
            new StringContent("sensorId=dev-001", Encoding.UTF8, "application/x-www-form-urlencoded"));
        using var broken = await client.PostAsync(new Uri("/api/maintenance", UriKind.Relative),
            new StringContent("{\"sensorId\": ", Encoding.UTF8, "application/json"));

        form.StatusCode.ShouldBe(HttpStatusCode.UnsupportedMediaType, "no HTML form can start maintenance");
        broken.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        broken.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
    }

    [Fact]
    public async Task Alerting_refusing_is_a_400_with_its_reason_and_a_conflict_is_a_409()
    {
        var client = await fixture.OperatorAsync();

        using var refused =
            await client.SendAsync(Post(Valid() with { SensorId = MaintenanceStandIn.RefusedSensor }));
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain(MaintenanceStandIn.RefusedDetail);

        // The same key names the same maintenance: for another period, Alerting says it conflicts.
        var key = Guid.NewGuid().ToString();
        using var first = Post(Valid());
        first.Headers.Add(MaintenanceApi.IdempotencyHeader, key);
        using var other = Post(Valid() with { To = Iso(Now.AddHours(9)) });
        other.Headers.Add(MaintenanceApi.IdempotencyHeader, key);
        (await client.SendAsync(first)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        using var conflict = await client.SendAsync(other);
        conflict.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        conflict.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await conflict.Content.ReadAsStringAsync()).ShouldContain("another maintenance");
    }

    [Fact]
    public async Task The_same_idempotency_key_from_the_same_operator_names_the_same_maintenance()
    {
        var client = await fixture.OperatorAsync();
        var key = Guid.NewGuid().ToString();
        var body = Valid();
        var ids = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            using var request = Post(body);
            request.Headers.Add(MaintenanceApi.IdempotencyHeader, key);
            using var response = await client.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            ids.Add((await response.Content.ReadFromJsonAsync<JsonObject>())!["maintenanceId"]!.GetValue<Guid>());
        }

        ids.Distinct().ShouldHaveSingleItem().ShouldBe(MaintenanceApi.KeyedId("operator", key));
        MaintenanceApi.KeyedId("another", key).ShouldNotBe(ids[0], "keys are per operator");
        using var plain = await client.SendAsync(Post(body));
        (await plain.Content.ReadFromJsonAsync<JsonObject>())!["maintenanceId"]!.GetValue<Guid>()
            .ShouldNotBe(ids[0], "without a key every request is a new maintenance");
    }

    [Fact]
    public async Task Get_answers_the_maintenance_with_its_steps_as_json_and_404_or_400_otherwise()
    {
        var details = Details(MaintenanceState.Active, "dev-003");
        fixture.Broker.Maintenance.Set(details);

        using var response = await fixture.Dashboard.Client.GetAsync(
            new Uri($"/api/maintenance/{details.MaintenanceId}", UriKind.Relative));

        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var json = JsonNode.Parse(body)!;
        json["maintenanceId"]!.GetValue<Guid>().ShouldBe(details.MaintenanceId);
        json["sensorId"]!.GetValue<string>().ShouldBe("dev-003");
        json["from"]!.GetValue<DateTimeOffset>().ShouldBe(details.From);
        json["to"]!.GetValue<DateTimeOffset>().ShouldBe(details.To);
        json["reason"]!.GetValue<string>().ShouldBe("Mast repair");
        json["requestedBy"]!.GetValue<string>().ShouldBe("operator");
        json["state"]!.GetValue<string>().ShouldBe("active");
        json["createdAt"].ShouldNotBeNull();
        json["updatedAt"].ShouldNotBeNull();
        var steps = json["steps"]!.AsArray();
        steps.Count.ShouldBe(3);
        steps[0]!["participant"]!.GetValue<string>().ShouldBe("processing");
        steps[0]!["action"]!.GetValue<string>().ShouldBe("begin");
        steps[0]!["outcome"]!.GetValue<string>().ShouldBe("done");
        steps[0]!["attempts"]!.GetValue<int>().ShouldBe(1);
        steps[0]!["finishedAt"].ShouldNotBeNull();
        steps[2]!["outcome"]!.GetValue<string>().ShouldBe("timed-out");
        steps[2]!["attempts"]!.GetValue<int>().ShouldBe(3);
        steps[2]!["detail"]!.GetValue<string>().ShouldBe("no answer in 30 s");

        using var missing = await fixture.Dashboard.Client.GetAsync(
            new Uri($"/api/maintenance/{Guid.NewGuid()}", UriKind.Relative));
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        missing.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        using var malformed = await fixture.Dashboard.Client.GetAsync(
            new Uri("/api/maintenance/not-a-guid", UriKind.Relative));
        malformed.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Delete_ends_an_active_maintenance_and_maps_unknown_and_ended_ones()
    {
        var client = await fixture.OperatorAsync();
        var active = Details(MaintenanceState.Active, "dev-003");
        var ended = Details(MaintenanceState.Ended, "dev-003");
        fixture.Broker.Maintenance.Set(active);
        fixture.Broker.Maintenance.Set(ended);

        using var response = await client.DeleteAsync(new Uri($"/api/maintenance/{active.MaintenanceId}",
            UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, body);
        JsonNode.Parse(body)!["state"]!.GetValue<string>().ShouldBe("ending");
        var end = fixture.Broker.Maintenance.Requests.Select(r => r.Request).OfType<EndMaintenance>()
            .Single(e => e.MaintenanceId == active.MaintenanceId);
        end.RequestedBy.ShouldBe("operator");

        using var again = await client.DeleteAsync(new Uri($"/api/maintenance/{ended.MaintenanceId}",
            UriKind.Relative));
        again.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        using var unknown = await client.DeleteAsync(new Uri($"/api/maintenance/{Guid.NewGuid()}",
            UriKind.Relative));
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_sensor_lists_its_maintenances_and_an_unknown_sensor_is_a_404()
    {
        var first = Details(MaintenanceState.Ended, "dev-004");
        var second = Details(MaintenanceState.Starting, "dev-004");
        fixture.Broker.Maintenance.Set(first);
        fixture.Broker.Maintenance.Set(second);

        using var response = await fixture.Dashboard.Client.GetAsync(
            new Uri("/api/sensors/dev-004/maintenance?limit=5", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        var items = JsonNode.Parse(body)!["items"]!.AsArray();
        items.Select(i => i!["maintenanceId"]!.GetValue<Guid>())
            .ShouldBe([first.MaintenanceId, second.MaintenanceId], ignoreOrder: true);
        var query = fixture.Broker.Maintenance.Requests.Select(r => r.Request).OfType<GetSensorMaintenance>()
            .Last(q => q.SensorId == "dev-004");
        query.Limit.ShouldBe(5);

        using var empty = await fixture.Dashboard.Client.GetAsync(
            new Uri("/api/sensors/dev-001/maintenance", UriKind.Relative));
        empty.StatusCode.ShouldBe(HttpStatusCode.OK, "a catalogued sensor without maintenance has an empty list");
        using var unknown = await fixture.Dashboard.Client.GetAsync(
            new Uri("/api/sensors/zz-unknown/maintenance", UriKind.Relative));
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var badLimit = await fixture.Dashboard.Client.GetAsync(
            new Uri("/api/sensors/dev-004/maintenance?limit=0", UriKind.Relative));
        badLimit.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Without_alerting_every_maintenance_call_is_a_503_with_retry_after_never_a_500()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-no-maintenance");
        await using var broker = await BrokerSide.StartAsync(vhost, answerMaintenanceRequests: false);
        await using var dashboard = await DashboardApp.StartAsync(vhost);
        using var client = Client(dashboard, await dashboard.SignInAsync());

        using var start = await client.SendAsync(Post(Valid()));
        using var get = await client.GetAsync(new Uri($"/api/maintenance/{Guid.NewGuid()}", UriKind.Relative));
        using var end = await client.DeleteAsync(new Uri($"/api/maintenance/{Guid.NewGuid()}", UriKind.Relative));
        using var list = await client.GetAsync(new Uri("/api/sensors/dev-001/maintenance", UriKind.Relative));

        foreach (var response in new[] { start, get, end, list })
        {
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable, response.RequestMessage!.ToString());
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(3));
        }
        (await start.Content.ReadAsStringAsync()).ShouldContain("Idempotency-Key");
    }

    [Fact]
    public async Task Alerting_answering_too_late_is_a_503()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-slow-maintenance");
        await using var broker = await BrokerSide.StartAsync(vhost, answerMaintenanceRequests: true);
        broker.Maintenance.Stalled = true;
        await using var dashboard = await DashboardApp.StartAsync(vhost, new Dictionary<string, string?>
        {
            ["Dashboard:RequestTimeout"] = "00:00:01",
        });
        using var client = Client(dashboard, await dashboard.SignInAsync());

        using var response = await client.SendAsync(Post(Valid()));

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        broker.Maintenance.Requests.ShouldNotBeEmpty("Alerting got the request and did not answer in time");
    }

    [Fact]
    public async Task With_sign_in_to_view_reading_maintenance_needs_a_session()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-maintenance-view");
        await using var broker = await BrokerSide.StartAsync(vhost, answerMaintenanceRequests: true);
        await using var dashboard = await DashboardApp.StartAsync(vhost,
            new Dictionary<string, string?> { ["Dashboard:RequireSignInToView"] = "true" });
        using var client = Client(dashboard, await dashboard.SignInAsync());

        using var viewer = await dashboard.Client.GetAsync(
            new Uri("/api/sensors/dev-001/maintenance", UriKind.Relative));
        using var one = await dashboard.Client.GetAsync(new Uri($"/api/maintenance/{Guid.NewGuid()}",
            UriKind.Relative));
        using var signedIn = await client.GetAsync(new Uri("/api/sensors/dev-001/maintenance", UriKind.Relative));

        viewer.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        one.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        signedIn.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private static StartBody Valid() =>
        new("dev-001", Iso(Now.AddMinutes(1)), Iso(Now.AddHours(2)), "Replacing the microphone");

    private static HttpRequestMessage Post(object body) =>
        new(HttpMethod.Post, new Uri("/api/maintenance", UriKind.Relative)) { Content = JsonContent.Create(body) };

    private static string Iso(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static DateTimeOffset Truncated(DateTimeOffset time) =>
        new(time.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static HttpClient Client(DashboardApp dashboard, CookieContainer cookies) =>
        new(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = dashboard.BaseAddress };

    private static MaintenanceDetails Details(MaintenanceState state, string sensorId)
    {
        var at = Now.AddMinutes(-10);
        return new MaintenanceDetails(Guid.CreateVersion7(), sensorId, at, at.AddHours(3), "Mast repair",
            "operator", state, null,
            [
                new(MaintenanceParticipants.Processing, MaintenanceAction.Begin, StepOutcome.Done, 1, at,
                    at.AddSeconds(1), null),
                new(MaintenanceParticipants.Alerting, MaintenanceAction.Begin, StepOutcome.Done, 1, at.AddSeconds(1),
                    at.AddSeconds(2), null),
                new(MaintenanceParticipants.History, MaintenanceAction.Begin, StepOutcome.TimedOut, 3,
                    at.AddSeconds(2), at.AddSeconds(92), "no answer in 30 s"),
            ],
            at, at.AddSeconds(92), "corr-" + sensorId);
    }

    private sealed record StartBody(string? SensorId, string? From, string? To, string? Reason);

    /// <summary>One Dashboard with the scripted process manager answering; the operator's client signs in once.
    /// </summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private VirtualHost _vhost = null!;
        private HttpClient? _operator;

        public BrokerSide Broker { get; private set; } = null!;

        public DashboardApp Dashboard { get; private set; } = null!;

        public async Task<HttpClient> OperatorAsync() =>
            _operator ??= Client(Dashboard, await Dashboard.SignInAsync());

        public async Task InitializeAsync()
        {
            _vhost = await TestBroker.CreateVirtualHostAsync("dash-maintenance");
            Broker = await BrokerSide.StartAsync(_vhost, answerMaintenanceRequests: true);
            Dashboard = await DashboardApp.StartAsync(_vhost);
        }

        public async Task DisposeAsync()
        {
            _operator?.Dispose();
            await Dashboard.DisposeAsync();
            await Broker.DisposeAsync();
            await _vhost.DisposeAsync();
        }
    }
}
