using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Nop.Dashboard.Hub;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

/// <summary>Operator sessions end when the operator is removed, their password changes, the absolute lifetime
/// passes; a hub connection of an expired session is closed. Operators come from a file too.</summary>
public sealed class SessionTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    // "second-operator-pw" and "changed-password" at 210,000 iterations.
    private static readonly string SecondHash = Operators.OperatorDirectory.Hash("second-operator-pw");
    private static readonly string ChangedHash = Operators.OperatorDirectory.Hash("changed-password");

    [Fact]
    public async Task Operators_from_the_file_sign_in_and_removing_one_or_changing_the_password_ends_the_session()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-operators-file");
        await using var broker = await BrokerSide.StartAsync(vhost);
        var file = Path.Combine(Directory.CreateTempSubdirectory("nop-operators-").FullName, "operators.json");
        await WriteOperatorsAsync(file, ("second", SecondHash), ("third", SecondHash));
        await using var dashboard = await DashboardApp.StartAsync(vhost,
            new Dictionary<string, string?> { ["Dashboard:OperatorsPath"] = file });
        var second = await dashboard.SignInAsync("second", "second-operator-pw");
        var third = await dashboard.SignInAsync("third", "second-operator-pw");
        var operatorPage = await dashboard.OpenPageAsync(second);
        var alert = Make.Alert("dev-007");
        await broker.RaiseAlertAsync(alert);
        await Eventually.TrueAsync(() => operatorPage.Alerts.Count == 1, Wait, "the alert is on the page");
        await operatorPage.AcknowledgeAsync(alert.AlertId);
        broker.Alerting.Acknowledgements.Single().AcknowledgedBy
            .ShouldBe("second", "the acknowledgement names the person");
        (await SessionUserAsync(dashboard, second)).ShouldBe("second");
        (await SessionUserAsync(dashboard, third)).ShouldBe("third");

        await WriteOperatorsAsync(file, ("third", SecondHash));
        (await SessionUserAsync(dashboard, second)).ShouldBeNull("a removed operator's session ends");
        (await SessionUserAsync(dashboard, third)).ShouldBe("third");

        await WriteOperatorsAsync(file, ("third", ChangedHash));
        (await SessionUserAsync(dashboard, third)).ShouldBeNull("a changed password ends the session");
        (await dashboard.SignInAsync("third", "changed-password")).ShouldNotBeNull();
    }

    [Fact]
    public async Task A_session_ends_at_its_absolute_lifetime_however_active_it_is()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-session-lifetime");
        await using var dashboard = await DashboardApp.StartAsync(vhost, new Dictionary<string, string?>
        {
            ["Dashboard:SessionIdleTimeout"] = "00:00:02",
            ["Dashboard:SessionLifetime"] = "00:00:04",
        });
        var cookies = await dashboard.SignInAsync();
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var http = new HttpClient(handler) { BaseAddress = dashboard.BaseAddress };
        (await SessionUserAsync(http)).ShouldBe("operator");

        // Asked every 200 ms: the sliding expiration alone would renew it for ever.
        await Eventually.TrueAsync(async () => await SessionUserAsync(http) is null, Wait,
            "the session ends at its absolute lifetime");
    }

    [Fact]
    public async Task A_hub_connection_is_closed_when_its_session_expires()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dash-session-hub");
        await using var dashboard = await DashboardApp.StartAsync(vhost, new Dictionary<string, string?>
        {
            ["Dashboard:SessionIdleTimeout"] = "00:00:03",
        });
        var cookies = await dashboard.SignInAsync();
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(dashboard.BaseAddress, DashboardHub.Path), o => o.Cookies = cookies)
            .Build();
        var closed = new TaskCompletionSource();
        connection.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await connection.StartAsync();

        await closed.Task.WaitAsync(Wait);
    }

    internal static async Task<string?> SessionUserAsync(DashboardApp dashboard, CookieContainer cookies)
    {
        using var handler = new HttpClientHandler { CookieContainer = cookies };
        using var http = new HttpClient(handler) { BaseAddress = dashboard.BaseAddress };
        return await SessionUserAsync(http);
    }

    private static async Task<string?> SessionUserAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<SessionView>(new Uri("/api/session", UriKind.Relative)))!.User;

    // Written whole to a new file then moved over: as a secret update replaces it. A later time stamp than the
    // last, so the change shows even within the file system's time resolution.
    private static async Task WriteOperatorsAsync(string path, params (string Name, string Hash)[] operators)
    {
        var temporary = path + ".new";
        await File.WriteAllTextAsync(temporary,
            JsonSerializer.Serialize(operators.Select(o => new { name = o.Name, passwordHash = o.Hash })));
        var stamp = File.Exists(path) ? File.GetLastWriteTimeUtc(path).AddSeconds(1) : DateTime.UtcNow;
        File.SetLastWriteTimeUtc(temporary, stamp);
        File.Move(temporary, path, overwrite: true);
    }

    private sealed record SessionView(string? User);
}
