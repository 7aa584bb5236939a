using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Messaging.Tests;

public sealed class MessagingMetricsTests
{
    [Fact]
    public async Task Handler_outcomes_are_counted_per_queue_as_ok_retried_and_dead_and_confirms_per_exchange()
    {
        // Its own queue name: the meter is process-wide and other tests consume at the same time.
        var queue = new QueueDefinition($"metrics.{Guid.NewGuid():N}",
            [new QueueBinding(Exchanges.Readings, RoutingKeys.AllReadings)]);
        var processed = new ConcurrentQueue<(string Queue, string Outcome)>();
        var confirmed = new ConcurrentQueue<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == MessagingTelemetry.Name)
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
        {
            var values = new Dictionary<string, object?>();
            foreach (var tag in tags)
                values[tag.Key] = tag.Value;
            if (instrument.Name == "messaging.process.duration" &&
                values["messaging.destination.subscription.name"] as string == queue.Name)
            {
                processed.Enqueue((queue.Name, (string)values["nop.outcome"]!));
            }
            if (instrument.Name == "messaging.client.operation.duration" && instrument.Unit == "s" &&
                values["messaging.operation.name"] as string == "publish")
            {
                confirmed.Enqueue((string)values["messaging.destination.name"]!);
            }
        });
        listener.Start();

        await using var vhost = await TestBroker.CreateVirtualHostAsync("metrics");
        var received = new Received<ReadingReceived>();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(received)
            .AddSingleton(new FailureSwitch())
            .AddConsumer(queue, c => c.Handle<ReadingReceived, FlakyHandler>()), retryDelaysMs: "100,200");

        await host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("bad"), Make.Reading("bad"));
        for (var i = 0; i < 3; i++)
            await host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("good"), Make.Reading("good"));

        await Eventually.TrueAsync(() => processed.Count == 6, TimeSpan.FromSeconds(15),
            "three readings handled, one failed three times");
        processed.Count(p => p.Outcome == "ok").ShouldBe(3);
        processed.Count(p => p.Outcome == "retried").ShouldBe(2, "two retries");
        processed.Count(p => p.Outcome == "dead").ShouldBe(1, "then the dead queue");
        // Publish-confirm latency, by exchange: the queue's own retry and dead exchanges are this test's alone.
        confirmed.Count(e => e == Exchanges.RetryOf(queue.Name)).ShouldBe(2);
        confirmed.Count(e => e == Exchanges.DeadOf(queue.Name)).ShouldBe(1);
        confirmed.ShouldContain(Exchanges.Readings);
    }
}
