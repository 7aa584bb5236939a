using System.Net;
using System.Net.Http.Json;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

/// <summary>
/// Two Dashboard replicas as separate processes, each with its own home directory (as two containers or machines
/// have) and one shared key directory: an operator's cookie issued by one is accepted by the other, and still after
/// both restarted.
/// </summary>
public sealed class SessionReplicaTests
{
    [Fact]
    public async Task A_cookie_issued_by_one_replica_is_accepted_by_the_other_and_after_a_restart()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dp");
        var folder = Directory.CreateTempSubdirectory("nop-dashboard-keys-");
        try
        {
            var keys = Path.Combine(folder.FullName, "keys");
            IDictionary<string, string> Replica(string name) => new Dictionary<string, string>
            {
                ["HOME"] = Directory.CreateDirectory(Path.Combine(folder.FullName, name)).FullName,
                ["RabbitMq:Uri"] = vhost.Uri.ToString(),
                ["Dashboard:KeysDirectory"] = keys,
                ["Logging:Console:Format"] = "none",
            };
            await using var first =
                await ServiceProcess.StartServiceAsync("Nop.Dashboard", Replica("first"), "dashboard-replica-1");
            await using var second =
                await ServiceProcess.StartServiceAsync("Nop.Dashboard", Replica("second"), "dashboard-replica-2");

            var cookie = await SignInAsync(first.Address!);
            (await SessionUserAsync(first.Address!, cookie)).ShouldBe("operator");
            (await SessionUserAsync(second.Address!, cookie))
                .ShouldBe("operator", "the other replica accepts the cookie");

            await first.StopAsync();
            await second.StopAsync();
            await second.StartAsync();
            (await SessionUserAsync(second.Address!, cookie)).ShouldBe("operator", "the cookie survives a restart");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Signs in as the development operator and returns the Cookie header to send.</summary>
    private static async Task<string> SignInAsync(Uri dashboard)
    {
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var http = new HttpClient(handler) { BaseAddress = dashboard };
        using var response = await http.PostAsJsonAsync(new Uri("/api/session", UriKind.Relative),
            new { username = "operator", password = "operator" });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var header = cookies.GetCookieHeader(dashboard);
        header.ShouldNotBeNullOrEmpty();
        return header;
    }

    /// <summary>Who the replica says is signed in with <paramref name="cookie"/> (null: nobody).</summary>
    private static async Task<string?> SessionUserAsync(Uri dashboard, string cookie)
    {
        using var http = new HttpClient { BaseAddress = dashboard };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/session", UriKind.Relative));
        request.Headers.Add("Cookie", cookie);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<SessionView>())!.User;
    }

    private sealed record SessionView(string? User);
}
