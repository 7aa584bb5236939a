using Nop.Testing;

namespace Nop.Dashboard.Tests;

/// <summary>One Dashboard with History and Alerting stand-ins answering, shared by the read-only API tests.</summary>
public sealed class HistoryApiFixture : IAsyncLifetime
{
    private VirtualHost _vhost = null!;

    public BrokerSide Broker { get; private set; } = null!;

    public DashboardApp Dashboard { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _vhost = await TestBroker.CreateVirtualHostAsync("dash-history");
        Broker = await BrokerSide.StartAsync(_vhost, answerHistoryQueries: true);
        Dashboard = await DashboardApp.StartAsync(_vhost);
    }

    public async Task DisposeAsync()
    {
        await Dashboard.DisposeAsync();
        await Broker.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    /// <summary>GETs the path; a 503 (a stand-in that did not answer within the Dashboard's request time-out, which
    /// happened to the fixture's first request while a dozen suites loaded the machine) is tried again, at most
    /// twice, at once (the answer says "try again in a moment"). No test here expects a 503.</summary>
    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await Dashboard.Client.GetAsync(new Uri(path, UriKind.Relative));
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 3)
                return response;
            response.Dispose();
        }
    }
}
