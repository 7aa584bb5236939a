using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Messaging.Tests;

// StreamReaderHost on a real broker: offsets handed to the handler, a numeric start, and poison messages parked in the
// reader's dead queue (a stream cannot requeue or dead-letter) and appended to the stream again by a replay.
public sealed class StreamReaderTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    private static readonly StreamReaderDefinition Reader = new("processing.stream-test",
        new StreamDefinition("test.readings.stream", [new(Exchanges.Readings, RoutingKeys.AllReadings)],
            new StreamRetention { MaxAge = TimeSpan.FromHours(1), MaxLengthBytes = 10_000_000 }));

    [Fact]
    public async Task A_reader_gets_each_message_with_its_offset_from_where_it_starts()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("stream-offsets");
        using var host = await StartAsync(vhost, StreamOffset.At(3));
        var publisher = host.Services.GetRequiredService<MessagePublisher>();
        for (var i = 0; i < 6; i++)
        {
            await publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("s"), Make.Reading("s",
                readingId: $"r-{i}"));
        }

        var seen = host.Services.GetRequiredService<Seen>();
        await Eventually.TrueAsync(() => seen.Items.Count == 3, Wait, "the messages from offset 3 are read");
        seen.Items.ShouldBe([("r-3", 3L), ("r-4", 4L), ("r-5", 5L)]);
    }

    [Fact]
    public async Task A_failing_message_is_tried_again_then_parked_and_the_reader_reads_on()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("stream-poison");
        using var host = await StartAsync(vhost, StreamOffset.First);
        var publisher = host.Services.GetRequiredService<MessagePublisher>();
        await publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("bad"), Make.Reading("bad",
            readingId: "poison"));
        await publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("s"), Make.Reading("s",
            readingId: "after"));

        var seen = host.Services.GetRequiredService<Seen>();
        await Eventually.TrueAsync(() => seen.Items.Contains(("after", 1L)), Wait, "the next message is read");
        seen.Failures.ShouldBe(3);
        var reader = host.Services.GetServices<IHostedService>().OfType<StreamReaderHost>().Single();
        reader.Parked.ShouldBe(1);
        var connection = host.Services.GetRequiredService<RabbitMqConnection>();
        await using (var channel = await connection.CreateChannelAsync())
        {
            var parked = await channel.BasicGetAsync(Queues.DeadOf(Reader.Name), autoAck: false);
            parked.ShouldNotBeNull();
            var headers = parked.BasicProperties.Headers!;
            Encoding.UTF8.GetString((byte[])headers[EnvelopeHeaders.DeadLetterReason]!).ShouldBe("handler-failed");
            Encoding.UTF8.GetString((byte[])headers[EnvelopeHeaders.OriginalQueue]!).ShouldBe(Reader.Name);
            headers["x-nop-stream-offset"].ShouldBe(0L);
            await channel.BasicNackAsync(parked.DeliveryTag, false, requeue: true);
        }
        // The broker takes the nack in its own time: a replay counting the parked messages before it would find none.
        await Eventually.TrueAsync(async () => await TestBroker.CountReadyAsync(vhost, Queues.DeadOf(Reader.Name)) == 1,
            Wait, "the parked message is back in its dead queue");

        // Fixed, then replayed: appended to the stream again, where the reader meets it at a new offset.
        host.Services.GetRequiredService<Seen>().Failing = false;
        (await host.Services.GetRequiredService<DeadLetterReplayer>().ReplayAsync(Reader.Name)).ShouldBe(1);
        await Eventually.TrueAsync(() => seen.Items.Contains(("poison", 2L)), Wait, "the replayed message is read");
    }

    private static async Task<IHost> StartAsync(VirtualHost vhost, StreamOffset start)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["RabbitMq:Uri"] = vhost.Uri.ToString();
        builder.AddNopMessaging();
        builder.Services.AddSingleton<Seen>().AddStreamReader(Reader, c =>
        {
            c.Handle<ReadingReceived, SeenHandler>();
            c.RetryDelay = TimeSpan.FromMilliseconds(10);
            c.StartAt = (_, _) => Task.FromResult(start);
        });
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetServices<IHostedService>().OfType<StreamReaderHost>().Single().Started
            .WaitAsync(Wait);
        return host;
    }

    private sealed class Seen
    {
        private int _failures;
        public volatile bool Failing = true;
        public ConcurrentQueue<(string ReadingId, long Offset)> Items { get; } = new();
        public int Failures => _failures;
        public void Failed() => Interlocked.Increment(ref _failures);
    }

    private sealed class SeenHandler(Seen seen) : IMessageHandler<ReadingReceived>
    {
        public Task HandleAsync(ReadingReceived message, MessageContext context, CancellationToken cancellationToken)
        {
            if (message.SensorId == "bad" && seen.Failing)
            {
                seen.Failed();
                throw new InvalidOperationException("boom");
            }
            seen.Items.Enqueue((message.ReadingId, context.StreamOffset!.Value));
            return Task.CompletedTask;
        }
    }
}
