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

    public async Task<HttpResponseMessage> GetAsync(string path) =>
        await Dashboard.Client.GetAsync(new Uri(path, UriKind.Relative));
}
