using System.Net;
using System.Net.Http.Json;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

/// <summary>Behind a TLS proxy (outside Development): forwarded headers only from the configured proxies, the
/// sign-in limiter per forwarded address and per user name, a Secure cookie, HSTS.</summary>
public sealed class ProxyTests
{
    private static readonly Dictionary<string, string?> BehindProxy = new()
    {
        ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        ["Dashboard:Operators:1:Name"] = "second",
        ["Dashboard:Operators:1:PasswordHash"] = DashboardApp.OperatorHash,
    };

    [Fact]
    public async Task Behind_a_known_proxy_the_sign_in_limit_is_per_forwarded_address_and_per_user_name()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-proxy-limit");
        await using var dashboard = await DashboardApp.StartAsync(vhost, BehindProxy, environment: "Production");

        // Ten guesses from one client behind the proxy (each a new user name) use up that address's minute ...
        for (var i = 0; i < 10; i++)
        {
            (await SignInAsync(dashboard, "203.0.113.1", $"user-{i}", "guess")).ShouldBe(HttpStatusCode.Unauthorized);
        }
        (await SignInAsync(dashboard, "203.0.113.1", "operator", "operator")).ShouldBe(HttpStatusCode.TooManyRequests);
        // ... not every other client's.
        (await SignInAsync(dashboard, "203.0.113.2", "operator", "operator")).ShouldBe(HttpStatusCode.OK);

        // Five guesses at one user name from five addresses use up that name's minute, not the other operators'.
        for (var i = 0; i < 5; i++)
        {
            (await SignInAsync(dashboard, $"198.51.100.{i}", "second", "guess")).ShouldBe(HttpStatusCode.Unauthorized);
        }
        (await SignInAsync(dashboard, "198.51.100.9", "second", "operator")).ShouldBe(HttpStatusCode.TooManyRequests);
        (await SignInAsync(dashboard, "198.51.100.9", "operator", "operator")).ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_a_configured_proxy_forwarded_addresses_are_not_trusted()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-proxy-none");
        await using var dashboard = await DashboardApp.StartAsync(vhost, environment: "Production");

        for (var i = 0; i < 10; i++)
        {
            (await SignInAsync(dashboard, $"203.0.113.{i}", $"user-{i}", "guess"))
                .ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await SignInAsync(dashboard, "203.0.113.99", "operator", "operator"))
            .ShouldBe(HttpStatusCode.TooManyRequests, "a claimed X-Forwarded-For does not dodge the limit");
    }

    [Fact]
    public async Task Outside_development_the_cookie_is_secure_and_https_answers_carry_hsts()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-proxy-tls");
        await using var dashboard = await DashboardApp.StartAsync(vhost, BehindProxy, environment: "Production");

        // Even a sign-in that reached the service over plain HTTP gets a cookie the browser sends over HTTPS only.
        using var signIn = await SendAsync(dashboard, HttpMethod.Post, "203.0.113.1",
            JsonContent.Create(new { username = "operator", password = "operator" }), https: false);
        using var https = await SendAsync(dashboard, HttpMethod.Get, "203.0.113.1");

        signIn.StatusCode.ShouldBe(HttpStatusCode.OK);
        signIn.Headers.GetValues("Set-Cookie").ShouldContain(c => c.Contains("; secure", StringComparison.Ordinal));
        https.Headers.Contains("Strict-Transport-Security").ShouldBeTrue();
    }

    private static async Task<HttpStatusCode> SignInAsync(
        DashboardApp dashboard, string clientAddress, string username, string password)
    {
        using var response = await SendAsync(dashboard, HttpMethod.Post, clientAddress,
            JsonContent.Create(new { username, password }));
        return response.StatusCode;
    }

    // A request as the TLS proxy forwards it: the client's address, HTTPS, a public host name.
    private static Task<HttpResponseMessage> SendAsync(
        DashboardApp dashboard, HttpMethod method, string clientAddress, HttpContent? content = null,
        bool https = true)
    {
        var request = new HttpRequestMessage(method, new Uri("/api/session", UriKind.Relative)) { Content = content };
        request.Headers.Add("X-Forwarded-For", clientAddress);
        request.Headers.Add("X-Forwarded-Proto", https ? "https" : "http");
        request.Headers.Host = "noise.example.org";
        return dashboard.Client.SendAsync(request);
    }
}
