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

    public const string Token = "test-admin-token-0123456789abcdef0123456789";

    public async Task InitializeAsync()
    {
        var builder = TestHosts.CreateBuilder((AdminToken.ConfigurationKey, Token));
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

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string? token = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
            request.Headers.Authorization = new("Bearer", token);
        using var response = await _client.SendAsync(request);
        response.Content.Headers.ContentType?.MediaType.ShouldBe(
            response.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable
                ? "application/json"
                : "application/problem+json");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, body.RootElement.Clone());
    }

    private static Dictionary<string, (string Status, string? Description)> Checks(JsonElement body) =>
        body.GetProperty("checks").EnumerateArray().ToDictionary(
            c => c.GetProperty("name").GetString()!,
            c => (c.GetProperty("status").GetString()!, c.GetProperty("description").GetString()));

    [Fact]
    public async Task Live_answers_healthy_with_status_only()
    {
        _brokerUp = false;

        var (status, body) = await GetAsync("/health/live");

        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("status").GetString().ShouldBe("Healthy");
        body.TryGetProperty("checks", out _).ShouldBeFalse("the public probe says status only");
    }

    [Fact]
    public async Task Ready_answers_200_with_status_only_when_all_pass()
    {
        var (status, body) = await GetAsync("/health/ready");

        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("status").GetString().ShouldBe("Healthy");
        body.TryGetProperty("checks", out _).ShouldBeFalse("check names and descriptions are for the admin");
    }

    [Fact]
    public async Task Ready_answers_503_with_status_only_when_a_ready_check_fails()
    {
        _brokerUp = false;

        var (status, body) = await GetAsync("/health/ready");

        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body.GetProperty("status").GetString().ShouldBe("Unhealthy");
        body.ToString().ShouldNotContain("broker unreachable");
    }

    [Fact]
    public async Task Admin_health_answers_every_check_with_its_description_to_the_admin()
    {
        var (status, body) = await GetAsync("/admin/health", Token);

        status.ShouldBe(HttpStatusCode.OK);
        body.GetProperty("status").GetString().ShouldBe("Healthy");
        var checks = Checks(body);
        checks.Keys.Order().ShouldBe(["broker", "self"]);
        checks["broker"].ShouldBe(("Healthy", "connected"));
    }

    [Fact]
    public async Task Admin_health_answers_503_naming_the_failed_check()
    {
        _brokerUp = false;

        var (status, body) = await GetAsync("/admin/health", Token);

        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body.GetProperty("status").GetString().ShouldBe("Unhealthy");
        var checks = Checks(body);
        checks["broker"].ShouldBe(("Unhealthy", "broker unreachable"));
        checks["self"].Status.ShouldBe("Healthy");
    }

    [Fact]
    public async Task Admin_health_without_the_token_answers_401()
    {
        var (status, body) = await GetAsync("/admin/health");

        status.ShouldBe(HttpStatusCode.Unauthorized);
        body.TryGetProperty("checks", out _).ShouldBeFalse();
    }
}
