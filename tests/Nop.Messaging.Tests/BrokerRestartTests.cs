using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Messaging.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrokerRestartCollection
{
    public const string Name = "broker restarts";
}

// Restarts the shared broker: ./nop test runs it (Broker=Restart) after every other test, alone.
[Collection(BrokerRestartCollection.Name)]
[Trait("Broker", "Restart")]
public sealed class BrokerRestartTests
{
    [Fact]
    public async Task Consumer_resumes_by_itself_after_a_broker_restart_and_every_confirmed_message_is_consumed_once()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("restart");
        var received = new Received<ReadingReceived>();
        var inbox = new InboxStore();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(received)
            .AddSingleton(inbox)
            .AddScoped<IInbox, MemoryInbox>()
            .AddConsumer(Topology.ProcessingClassifier, c => c.UseInbox().Handle<ReadingReceived, RecordingHandler>()));

        const int total = 3_000;
        var confirmed = new ConcurrentDictionary<string, byte>();
        var publishFailures = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        // Publish in waves of 50 in flight; a message whose publish failed is sent again with the same id until
        // confirmed.
        var publishing = Task.Run(async () =>
        {
            for (var wave = 0; wave < total / 50; wave++)
            {
                await Task.WhenAll(Enumerable.Range(wave * 50, 50).Select(async i =>
                {
                    var id = $"msg-{i:00000}";
                    while (true)
                    {
                        try
                        {
                            await host.Publisher.PublishAsync(Exchanges.Readings,
                                RoutingKeys.Reading($"dev-{i % 20:000}"),
                                Make.Reading($"dev-{i % 20:000}", readingId: id), new PublishOptions { MessageId = id },
                                    stop.Token);
                            confirmed[id] = 0;
                            return;
                        }
                        catch (MessagePublishException)
                        {
                            Interlocked.Increment(ref publishFailures);
                            await Task.Delay(200, stop.Token);
                        }
                    }
                }));
                await Task.Delay(250, stop.Token); // ~15 s of publishing, so the restart lands in the middle
            }
        });

        await Eventually.TrueAsync(() => confirmed.Count >= total / 4, TimeSpan.FromSeconds(30),
            "a quarter is published");
        await TestBroker.RestartAsync(TimeSpan.FromSeconds(2));
        await publishing.WaitAsync(stop.Token);

        await Eventually.TrueAsync(() => inbox.Seen.Count >= total, TimeSpan.FromSeconds(60),
            "every confirmed message is consumed");
        confirmed.Count.ShouldBe(total);
        publishFailures.ShouldBeGreaterThan(0, "publishes failed while the broker was down");
        var handled = received.Items.Select(r => r.Envelope.MessageId).ToList();
        handled.Count.ShouldBe(total,
            $"each message handled once ({inbox.Duplicates} redelivered duplicates were recognised and skipped)");
        handled.Order().ShouldBe(confirmed.Keys.Order());
        host.Logs.Events.ShouldContain(e => e.MessageTemplate.Text == "RabbitMQ connection recovered");
    }
}
