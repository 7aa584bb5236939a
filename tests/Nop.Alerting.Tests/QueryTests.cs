using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Testing;

namespace Nop.Alerting.Tests;

public sealed class QueryTests
{
    [Fact]
    public async Task Open_alerts_and_a_sensors_alerts_are_answered_over_RabbitMQ_newest_first_and_paged()
    {
        await using var bed = await AlertingTestBed.CreateAsync("query");
        await bed.StartAlertingAsync();
        for (var i = 1; i <= 6; i++)
        {
            await bed.PublishAsync(Noise.Exceeded($"s-q-{i}", level: 70));
        }
        await bed.PublishAsync(Noise.Exceeded("s-q-1", level: 9, threshold: 5, rule: AlertRule.SpikeRate));
        await bed.PublishAsync(Noise.Cleared("s-q-3"));
        var stored = await bed.AlertsWhenAsync(a => a.Count == 7 && a.Any(x => x.State == AlertState.Resolved),
            "seven alerts, one resolved");
        var expectedOpen = stored.Where(a => a.State != AlertState.Resolved).OrderByDescending(a => a.RaisedAt)
            .Select(a => a.Id).ToList();

        var pages = new List<AlertPage>();
        for (var page = 1; page <= 3; page++)
        {
            pages.Add(await bed.Requests.RequestAsync<GetOpenAlerts, AlertPage>(RoutingKeys.AlertQuery,
                new GetOpenAlerts(page, PageSize: 4)));
        }
        pages.Select(p => p.Items.Count).ShouldBe([4, 2, 0]);
        pages.ShouldAllBe(p => p.Total == 6 && p.PageSize == 4);
        pages.SelectMany(p => p.Items).Select(a => a.AlertId).ShouldBe(expectedOpen);
        pages.SelectMany(p => p.Items).ShouldAllBe(a => a.State == AlertState.Open);

        var sensor = await bed.Requests.RequestAsync<GetSensorAlerts, AlertPage>(RoutingKeys.AlertQuery,
            new GetSensorAlerts("s-q-1", 1, 1));
        sensor.Total.ShouldBe(2);
        sensor.Items.Single().Rule.ShouldBe(AlertRule.SpikeRate); // the newer one
        var resolved = await bed.Requests.RequestAsync<GetSensorAlerts, AlertPage>(RoutingKeys.AlertQuery,
            new GetSensorAlerts("s-q-3"));
        resolved.Items.Single().State.ShouldBe(AlertState.Resolved);

        var huge = await bed.Requests.RequestAsync<GetOpenAlerts, AlertPage>(RoutingKeys.AlertQuery,
            new GetOpenAlerts(0, 100_000));
        (huge.Page, huge.PageSize, huge.Items.Count).ShouldBe((1, 200, 6));

        var unknown = await bed.Requests.RequestAsync<GetAlert, AlertDetails>(RoutingKeys.AlertQuery,
            new GetAlert(Guid.NewGuid()));
        unknown.Alert.ShouldBeNull();
        unknown.History.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_query_times_out_while_Alerting_is_down_and_is_answered_after_it_restarts()
    {
        await using var bed = await AlertingTestBed.CreateAsync("down");
        var first = await bed.StartAlertingAsync();
        await bed.PublishAsync(Noise.Exceeded("s-down", level: 70));
        await bed.AlertsWhenAsync(a => a.Count == 1, "the alert was raised");
        await first.DisposeAsync();

        // The queue is durable, so the request is routed; nobody answers it.
        await Should.ThrowAsync<RequestTimeoutException>(() =>
            bed.Requests.RequestAsync<GetOpenAlerts, AlertPage>(RoutingKeys.AlertQuery, new GetOpenAlerts(),
                timeout: TimeSpan.FromSeconds(1.5)));

        await bed.StartAlertingAsync();
        var page =
            await bed.Requests.RequestAsync<GetOpenAlerts, AlertPage>(RoutingKeys.AlertQuery, new GetOpenAlerts());
        page.Items.Single().SensorId.ShouldBe("s-down");
    }

    [Fact]
    public async Task Health_is_live_and_ready_with_broker_and_database()
    {
        await using var bed = await AlertingTestBed.CreateAsync("health");
        var app = await bed.StartAlertingAsync(settings: new Dictionary<string, string?>([TestAdmin.Setting]));
        using var http = app.CreateClient();

        (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        ready.StatusCode.ShouldBe(HttpStatusCode.OK);
        // The detail is the admin's: from loopback (the test server has no socket: set it) with the token.
        var detail = await app.Server.SendAsync(context =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Loopback;
            context.Request.Path = "/admin/health";
            context.Request.Headers.Authorization = $"Bearer {TestAdmin.Token}";
        });
        using var reader = new StreamReader(detail.Response.Body);
        var body = await reader.ReadToEndAsync();
        detail.Response.StatusCode.ShouldBe(StatusCodes.Status200OK, body);
        var checks = JsonDocument.Parse(body).RootElement.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        checks["rabbitmq"].ShouldBe("Healthy");
        checks["database"].ShouldBe("Healthy");
    }
}
