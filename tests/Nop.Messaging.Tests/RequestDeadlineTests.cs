using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Messaging.Tests;

public sealed class RequestDeadlineTests
{
    [Fact]
    public async Task A_request_whose_requester_timed_out_is_not_handled_when_the_responder_gets_to_it()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("rpc-deadline");
        var busy = new BusyResponder();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(busy)
            .AddConsumer(Topology.AlertingCommands, c =>
                c.Answer<AcknowledgeAlert, AcknowledgeAlertResult, BusyAckHandler>()));
        var client = host.Services.GetRequiredService<RequestClient>();
        Task<AcknowledgeAlertResult> Acknowledge(Guid id, TimeSpan timeout) =>
            client.RequestAsync<AcknowledgeAlert, AcknowledgeAlertResult>(
            RoutingKeys.AcknowledgeAlert, new AcknowledgeAlert(id, "operator", null), timeout: timeout);
        Guid[] ids = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];

        // The responder is busy with the first; the second waits behind it (prefetched) until its requester gives up.
        var first = Acknowledge(ids[0], TimeSpan.FromSeconds(30));
        await busy.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Should.ThrowAsync<RequestTimeoutException>(() => Acknowledge(ids[1], TimeSpan.FromMilliseconds(500)));
        busy.Release.TrySetResult();
        (await first).Outcome.ShouldBe(AcknowledgeOutcome.Acknowledged);

        // One at a time, in order: once the third is answered, the responder has been past the second.
        (await Acknowledge(ids[2], TimeSpan.FromSeconds(30))).Outcome.ShouldBe(AcknowledgeOutcome.Acknowledged);
        busy.Handled.ShouldBe([ids[0], ids[2]]);
    }
}

internal sealed class BusyResponder
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public System.Collections.Concurrent.ConcurrentQueue<Guid> Handled { get; } = new();
}

/// <summary>Acknowledges anything; the first request keeps it busy until the test releases it.</summary>
internal sealed class BusyAckHandler(BusyResponder busy) : IRequestHandler<AcknowledgeAlert, AcknowledgeAlertResult>
{
    public async Task<AcknowledgeAlertResult> HandleAsync(AcknowledgeAlert request, MessageContext context,
        CancellationToken cancellationToken)
    {
        busy.Handled.Enqueue(request.AlertId);
        if (busy.Started.TrySetResult())
        {
            await busy.Release.Task.WaitAsync(cancellationToken);
        }
        return new AcknowledgeAlertResult(AcknowledgeOutcome.Acknowledged, null);
    }
}
