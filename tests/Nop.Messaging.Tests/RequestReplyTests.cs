using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Messaging.Tests;

public sealed class RequestReplyTests
{
    [Fact]
    public async Task Request_gets_its_reply_through_the_replies_exchange()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("rpc");
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddConsumer(Topology.AlertingQueries, c => c.Answer<GetOpenAlerts, AlertPage, OpenAlertsHandler>()));
        var client = host.Services.GetRequiredService<RequestClient>();

        var pages = await Task.WhenAll(Enumerable.Range(1, 20).Select(page =>
            client.RequestAsync<GetOpenAlerts, AlertPage>(RoutingKeys.AlertQuery, new GetOpenAlerts(page, 10),
                correlationId: $"corr-rpc-{page}")));

        for (var i = 0; i < pages.Length; i++)
        {
            pages[i].Page.ShouldBe(i + 1, "each reply matched to its own request");
            pages[i].PageSize.ShouldBe(10);
            pages[i].Items.ShouldHaveSingleItem().CorrelationId.ShouldBe($"corr-rpc-{i + 1}");
        }
    }

    [Fact]
    public async Task Request_times_out_when_nobody_answers()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("rpc-timeout");
        await using var host =
            await MessagingApp.StartAsync(vhost.Uri, services => services.AddQueue(Topology.AlertingCommands));
        await host.Services.GetRequiredService<RabbitMqConnection>().GetConnectionAsync();
        var client = host.Services.GetRequiredService<RequestClient>();

        await Should.ThrowAsync<RequestTimeoutException>(() =>
            client.RequestAsync<AcknowledgeAlert, AcknowledgeAlertResult>(
            RoutingKeys.AcknowledgeAlert, new AcknowledgeAlert(Guid.NewGuid(), "operator", null),
                timeout: TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task Request_to_an_unbound_routing_key_fails_at_once()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("rpc-unroutable");
        await using var host = await MessagingApp.StartAsync(vhost.Uri, _ => { });
        var client = host.Services.GetRequiredService<RequestClient>();

        var error =
            await Should.ThrowAsync<MessagePublishException>(() => client.RequestAsync<GetOpenAlerts, AlertPage>(
            RoutingKeys.AlertQuery, new GetOpenAlerts(), timeout: TimeSpan.FromSeconds(5)));

        error.Failure.ShouldBe(PublishFailure.Unroutable);
    }

    [Fact]
    public async Task A_failing_responder_answers_with_its_error_instead_of_retrying()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("rpc-error");
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddConsumer(Topology.AlertingQueries, c => c.Answer<GetAlert, AlertDetails, BrokenQueryHandler>()));
        var client = host.Services.GetRequiredService<RequestClient>();

        var error = await Should.ThrowAsync<RequestFailedException>(() => client.RequestAsync<GetAlert, AlertDetails>(
            RoutingKeys.AlertQuery, new GetAlert(Guid.NewGuid()), timeout: TimeSpan.FromSeconds(5)));

        error.Message.ShouldBe("the database is on fire");
        (await TestBroker.CountReadyAsync(vhost, Queues.RetryOf(Queues.AlertingQueries))).ShouldBe(0u);
    }
}
