using System.Net;
using Nop.History.Tests.Support;

namespace Nop.History.Tests;

// Ready means the broker is connected and the database takes writes: what ./nop up, compose and k8s wait for.
public sealed class HealthTests
{
    [Fact]
    public async Task History_is_ready_once_started()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-health");
        var app = await bed.StartHistoryAsync();
        using var http = app.CreateClient();

        // The database probe once required a leases table, which History's database does not have: never ready.
        using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
