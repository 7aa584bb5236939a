using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Nop.ServiceDefaults.Tests.Support;

namespace Nop.ServiceDefaults.Tests;

/// <summary>The guard of <c>/metrics</c>: a bearer <c>Metrics:Token</c> when one is set, else loopback callers only.
/// </summary>
public sealed class MetricsEndpointTests
{
    private const string Token = "test-metrics-token-0123456789abcdef0123456789";

    // Stands in for the caller's address (another container's 10.x) on a loopback socket.
    private const string RemoteHeader = "X-Test-Remote-Address";

    private static readonly Meter TestMeter = new("Nop.MetricsEndpointTests");
    private static readonly Counter<long> Probes = TestMeter.CreateCounter<long>("nop.test.probes", "{probe}");

    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(string? token)
    {
        var builder = TestHosts.CreateBuilder((Telemetry.MetricsTokenKey, token));
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Headers[RemoteHeader].ToString() is { Length: > 0 } address)
                context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            return next(context);
        });
        app.MapDefaultEndpoints();
        return (app, await app.StartAndConnectAsync());
    }

    private static async Task<(HttpStatusCode Status, string Body)> ScrapeAsync(HttpClient client,
        string? authorization = null, string? remote = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (remote is not null)
            request.Headers.Add(RemoteHeader, remote);
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_a_token_only_a_loopback_caller_reads_the_metrics()
    {
        var (app, client) = await StartAsync(token: null);
        await using var _ = app;
        using var __ = client;
        Probes.Add(3);

        (await ScrapeAsync(client, remote: "10.1.2.3")).Status.ShouldBe(HttpStatusCode.Forbidden);
        var (status, body) = await ScrapeAsync(client);
        status.ShouldBe(HttpStatusCode.OK);
        body.ShouldContain("nop_test_probes_total", customMessage: "a Nop.* meter shows as Prometheus text");
    }

    [Fact]
    public async Task With_a_token_the_scraper_must_send_it_from_anywhere()
    {
        var (app, client) = await StartAsync(Token);
        await using var _ = app;
        using var __ = client;

        (await ScrapeAsync(client, remote: "10.1.2.3")).Status.ShouldBe(HttpStatusCode.Unauthorized);
        (await ScrapeAsync(client)).Status.ShouldBe(HttpStatusCode.Unauthorized, "loopback needs it too");
        (await ScrapeAsync(client, "Bearer not-the-token-0123456789abcdef0123456789", "10.1.2.3")).Status
            .ShouldBe(HttpStatusCode.Unauthorized);
        (await ScrapeAsync(client, $"Bearer {Token}", "10.1.2.3")).Status.ShouldBe(HttpStatusCode.OK);
    }
}
