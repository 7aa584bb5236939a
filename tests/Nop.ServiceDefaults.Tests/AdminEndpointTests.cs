using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Nop.ServiceDefaults.Tests.Support;

namespace Nop.ServiceDefaults.Tests;

/// <summary>The guard of every <c>/admin</c> endpoint: loopback and <c>Authorization: Bearer &lt;Admin:Token&gt;</c>.
/// </summary>
public sealed class AdminEndpointTests
{
    private const string Token = "test-admin-token-0123456789abcdef0123456789";

    // Stands in for the caller's address (a sidecar's 127.0.0.6, another container's 10.x) on a loopback socket.
    private const string RemoteHeader = "X-Test-Remote-Address";

    private static async Task<(WebApplication App, HttpClient Client)> StartAsync(string? token)
    {
        var builder = TestHosts.CreateBuilder((AdminToken.ConfigurationKey, token));
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Headers[RemoteHeader].ToString() is { Length: > 0 } address)
                context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            return next(context);
        });
        app.MapAdminGroup("/admin/test").MapPost("/act", () => "done");
        return (app, await app.StartAndConnectAsync());
    }

    private static HttpRequestMessage Act(string? authorization = null, string? remote = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/admin/test/act");
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (remote is not null)
            request.Headers.Add(RemoteHeader, remote);
        return request;
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using (request)
        using (var response = await client.SendAsync(request))
        {
            return response.StatusCode;
        }
    }

    [Fact]
    public async Task The_token_from_loopback_is_let_through()
    {
        var (app, client) = await StartAsync(Token);
        await using var _ = app;
        using var __ = client;

        (await SendAsync(client, Act($"Bearer {Token}"))).ShouldBe(HttpStatusCode.OK);
        (await SendAsync(client, Act($"bearer {Token}"))).ShouldBe(HttpStatusCode.OK, "schemes are case-insensitive");
    }

    [Fact]
    public async Task A_loopback_caller_without_the_right_token_gets_401_with_a_bearer_challenge()
    {
        var (app, client) = await StartAsync(Token);
        await using var _ = app;
        using var __ = client;

        using (var response = await client.SendAsync(Act()))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.Single().Scheme.ShouldBe("Bearer");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        }
        (await SendAsync(client, Act($"Bearer {Token}x"))).ShouldBe(HttpStatusCode.Unauthorized);
        (await SendAsync(client, Act($"Bearer {Token[..^1]}"))).ShouldBe(HttpStatusCode.Unauthorized);
        (await SendAsync(client, Act($"Basic {Token}"))).ShouldBe(HttpStatusCode.Unauthorized);
        (await SendAsync(client, Act(Token))).ShouldBe(HttpStatusCode.Unauthorized);
        // A sidecar (Envoy, Istio) forwards outside traffic from 127.0.0.6: loopback, yet not trusted.
        (await SendAsync(client, Act(remote: "127.0.0.6"))).ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_browser_form_post_from_another_site_is_refused_even_with_cookies()
    {
        var (app, client) = await StartAsync(Token);
        await using var _ = app;
        using var __ = client;

        // What a cross-site <form method=post> or a no-cors fetch can send: no Authorization header.
        foreach (var type in new[] { "application/x-www-form-urlencoded", "text/plain", "multipart/form-data" })
        {
            using var request = Act();
            request.Content = new StringContent("", Encoding.UTF8);
            request.Content.Headers.ContentType = new(type);
            request.Headers.Add("Origin", "https://evil.example");
            request.Headers.Add("Sec-Fetch-Site", "cross-site");
            request.Headers.Add("Cookie", ".Nop.Operator=anything");
            (await SendAsync(client, request)).ShouldBe(HttpStatusCode.Unauthorized, type);
        }
    }

    [Fact]
    public async Task A_caller_off_this_machine_gets_403_even_with_the_token()
    {
        var (app, client) = await StartAsync(Token);
        await using var _ = app;
        using var __ = client;

        (await SendAsync(client, Act($"Bearer {Token}", remote: "10.1.2.3"))).ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Without_a_configured_token_administration_answers_404()
    {
        var (app, client) = await StartAsync(null);
        await using var _ = app;
        using var __ = client;

        (await SendAsync(client, Act())).ShouldBe(HttpStatusCode.NotFound);
        (await SendAsync(client, Act("Bearer "))).ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void A_token_shorter_than_32_characters_stops_the_start()
    {
        var builder = TestHosts.CreateBuilder((AdminToken.ConfigurationKey, new string('a', 31)));
        builder.AddServiceDefaults();
        using var app = builder.Build();

        Should.Throw<InvalidOperationException>(() => app.MapAdminGroup("/admin/test"))
            .Message.ShouldContain("at least 32 characters");
    }
}
