using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nop.ServiceDefaults.Tests.Support;

namespace Nop.ServiceDefaults.Tests;

public sealed class HealthEndpointTests : IAsyncLifetime
{
    private volatile bool _brokerUp = true;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = TestHosts.CreateBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddHealthChecks().AddCheck(
            "broker",
            () =>
                _brokerUp ? HealthCheckResult.Healthy("connected") : HealthCheckResult.Unhealthy("broker unreachable"),
            tags: [ServiceDefaultsExtensions.ReadyTag]);
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _client = await _app.StartAndConnectAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await _client.GetAsync(path);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.Clone());
    }

    private static Dictionary<string, (string Status, string? Description)> Checks(JsonElement body) =>
        body.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => (c.GetProperty("status").GetString()!, c.GetProperty("description").GetString()));

    [Fact]
    public async Task Live_answers_healthy_with_only_the_live_checks()
    {
        _brokerUp = false;

        var (status, body) = await GetAsync("/health/live");

        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("status").GetString().ShouldBe("Healthy");
        Checks(body).Keys.ShouldBe(["self"]);
    }

    [Fact]
    public async Task Ready_answers_200_with_every_check_when_all_pass()
    {
        var (status, body) = await GetAsync("/health/ready");

        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("status").GetString().ShouldBe("Healthy");
        var checks = Checks(body);
        checks.Keys.Order().ShouldBe(["broker", "self"]);
        checks["broker"].ShouldBe(("Healthy", "connected"));
    }

    [Fact]
    public async Task Ready_answers_503_when_a_ready_check_fails()
    {
        _brokerUp = false;

        var (status, body) = await GetAsync("/health/ready");

        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body.GetProperty("status").GetString().ShouldBe("Unhealthy");
        var checks = Checks(body);
        checks["broker"].ShouldBe(("Unhealthy", "broker unreachable"));
        checks["self"].Status.ShouldBe("Healthy");
    }
}
