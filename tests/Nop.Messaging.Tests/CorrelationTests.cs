using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Messaging.Tests;

public sealed class CorrelationTests
{
    [Fact]
    public async Task Correlation_and_causation_ids_flow_across_two_hops_and_appear_on_log_events()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("correlation");
        var readings = new Received<ReadingReceived>();
        var spikes = new Received<NoiseSpikeDetected>();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(readings)
            .AddSingleton(spikes)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, HopOneHandler>())
            .AddConsumer(Topology.AlertingNoise, c => c.Handle<NoiseSpikeDetected, HopTwoHandler>()));

        var firstId = await host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("dev-007"),
            Make.Reading("dev-007", 104),
            new PublishOptions { CorrelationId = "corr-two-hops" });

        await Eventually.TrueAsync(() => spikes.Count == 1, TimeSpan.FromSeconds(10),
            "the spike reaches the second hop");
        var hopOne = readings.Items.ShouldHaveSingleItem().Envelope;
        var hopTwo = spikes.Items.ShouldHaveSingleItem().Envelope;

        hopOne.MessageId.ShouldBe(firstId);
        hopOne.CorrelationId.ShouldBe("corr-two-hops");
        hopOne.CausationId.ShouldBeNull();
        hopTwo.CorrelationId.ShouldBe("corr-two-hops");
        hopTwo.CausationId.ShouldBe(firstId);
        hopTwo.MessageId.ShouldNotBe(firstId);
        hopTwo.MessageType.ShouldBe("nop.noise-spike-detected.v1");
        hopTwo.TraceParent![3..35].ShouldBe(hopOne.TraceParent![3..35], "one trace across both hops");

        var one = host.Logs.Events.Single(e => e.MessageTemplate.Text == "hop one");
        LogCapture.Property(one, "CorrelationId").ShouldBe("corr-two-hops");
        LogCapture.Property(one, "MessageId").ShouldBe(firstId);
        LogCapture.Property(one, "MessageType").ShouldBe("nop.reading-received.v1");
        LogCapture.Property(one, "SensorId").ShouldBe("dev-007");
        var two = host.Logs.Events.Single(e => e.MessageTemplate.Text == "hop two");
        LogCapture.Property(two, "CorrelationId").ShouldBe("corr-two-hops");
        LogCapture.Property(two, "MessageId").ShouldBe(hopTwo.MessageId);
        LogCapture.Property(two, "MessageType").ShouldBe("nop.noise-spike-detected.v1");
    }
}
