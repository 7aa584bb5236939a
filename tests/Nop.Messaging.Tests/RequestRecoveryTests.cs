using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Messaging.Tests;

/// <summary>Issue 13, gap 6: a request while the connection recovers fails the way callers already handle.</summary>
public sealed class RequestRecoveryTests
{
    [Fact]
    public async Task A_request_during_recovery_fails_as_broker_unavailable_and_succeeds_once_the_broker_is_back()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("rpc-recovery");
        // The host reaches the broker through a proxy the test can cut: to the host the broker is down, to nobody else.
        await using var proxy = TcpProxy.Start(TestBroker.Uri.Host, TestBroker.Uri.Port);
        var uri = new UriBuilder(vhost.Uri) { Port = proxy.Port }.Uri;
        await using var host = await MessagingApp.StartAsync(uri, services => services
            .AddConsumer(Topology.AlertingQueries, c => c.Answer<GetOpenAlerts, AlertPage, OpenAlertsHandler>()));
        var client = host.Services.GetRequiredService<RequestClient>();
        var connection = host.Services.GetRequiredService<RabbitMqConnection>();
        var first = await client.RequestAsync<GetOpenAlerts, AlertPage>(RoutingKeys.AlertQuery,
            new GetOpenAlerts(1, 10));
        first.Page.ShouldBe(1);

        proxy.Stop();
        await Eventually.TrueAsync(() => !connection.IsOpen, TimeSpan.FromSeconds(10), "the connection is lost");
        var error = await Should.ThrowAsync<MessagePublishException>(() =>
            client.RequestAsync<GetOpenAlerts, AlertPage>(RoutingKeys.AlertQuery, new GetOpenAlerts(1, 10),
                timeout: TimeSpan.FromSeconds(2)));
        error.Failure.ShouldBe(PublishFailure.BrokerUnavailable);

        proxy.Resume();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                var page = await client.RequestAsync<GetOpenAlerts, AlertPage>(RoutingKeys.AlertQuery,
                    new GetOpenAlerts(2, 10), timeout: TimeSpan.FromSeconds(2));
                return page.Page == 2;
            }
            catch (Exception ex) when (ex is MessagePublishException or RequestTimeoutException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), "requests are answered again after recovery");
    }
}
