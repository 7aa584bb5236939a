using System.Text;
using System.Text.Json;
using Nop.Contracts;
using Nop.History.Levels;
using Nop.History.Tests.Support;
using Nop.Messaging;
using Nop.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.History.Tests;

// History reads its levels from the nop.levels.stream stream: replays after losing its database, resumes at its
// stored offset, rebuilds a period, and leaves the live queues alone while doing so.
public sealed class LevelsStreamTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private static readonly string[] Sensors = ["s-1", "s-2"];

    [Fact]
    public async Task History_started_on_an_empty_database_replays_the_stream_to_identical_indicators()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-replay");
        var first = await bed.StartHistoryAsync();
        var published = await PublishHoursAsync(bed);
        await StoredAsync(first, published);
        var before = await IndicatorsAsync(bed);
        first.Get<LevelWriter>().Totals.ShouldBe((360, 0));
        await bed.StopAsync(first);

        bed.DeleteDatabase();
        var second = await bed.StartHistoryAsync();
        await StoredAsync(second, published);

        second.Reader.StartedAt.ShouldBe(StreamOffset.First);
        // Every window counted once, none recognised as already there: the database really was empty.
        second.Get<LevelWriter>().Totals.ShouldBe((360, 0));
        (await IndicatorsAsync(bed)).ShouldBe(before);

        // And a third start resumes after the last offset, reading nothing again.
        await bed.StopAsync(second);
        var third = await bed.StartHistoryAsync();
        third.Reader.StartedAt.ShouldBe(StreamOffset.At(published));
        await bed.PublishAsync(LevelEvents.Minute("s-1", LevelEvents.DayStart.AddHours(20), 60));
        await StoredAsync(third, published + 1);
        third.Get<LevelWriter>().Totals.ShouldBe((1, 0));
    }

    [Fact]
    public async Task A_rebuild_from_a_time_replaces_that_period_only_and_gives_the_same_indicators()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-rebuild-from");
        var app = await bed.StartHistoryAsync();
        var published = await PublishHoursAsync(bed);
        await StoredAsync(app, published);
        var before = await IndicatorsAsync(bed);
        var writer = app.Get<LevelWriter>();

        // 09:40 local is rebuilt from 09:00: the 09:00 and 10:00 hours (2 sensors × 120 windows) are deleted and
        // counted anew; the 08:00 hour's windows are read again and recognised as already there.
        var (status, body) = await app.RebuildAsync(LevelEvents.DayStart.AddHours(9).AddMinutes(40));
        status.ShouldBe(202, body);
        var plan = JsonSerializer.Deserialize<JsonElement>(body);
        plan.GetProperty("from").GetDateTimeOffset().ShouldBe(LevelEvents.DayStart.AddHours(9));
        // The windows counted, and the batch of the alert events after them (the last offset) written too.
        await Eventually.TrueAsync(() => writer.Totals == (360 + 240, 120) && writer.StoredOffset == published, Wait,
            "the period is replayed");
        await app.Get<LevelWriter>().FlushAsync(CancellationToken.None);
        app.Reader.StartedAt!.Value.Timestamp.ShouldBe(LevelEvents.DayStart.AddHours(9) - LevelReader.ReplayMargin);

        (await IndicatorsAsync(bed)).ShouldBe(before);
        // Asked again, it does the same again.
        (await app.RebuildAsync(LevelEvents.DayStart.AddHours(9))).Status.ShouldBe(202);
        await Eventually.TrueAsync(() => writer.Totals == (360 + 480, 240) && writer.StoredOffset == published, Wait,
            "the period is replayed again");
        (await IndicatorsAsync(bed)).ShouldBe(before);
    }

    [Fact]
    public async Task A_rebuild_publishes_nothing_and_leaves_the_live_queues_and_other_readers_alone()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-rebuild-live");
        var app = await bed.StartHistoryAsync();
        // A live consumer's queue of every noise event, and one of the threshold events only (as Alerting has).
        await using (var channel = await bed.Connection.CreateChannelAsync())
        {
            await channel.QueueDeclareAsync("probe.all", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync("probe.all", Exchanges.Noise, "#");
            await channel.QueueDeclareAsync("probe.thresholds", durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync("probe.thresholds", Exchanges.Noise, RoutingKeys.AllThresholds);
        }
        var published = await PublishHoursAsync(bed);
        await StoredAsync(app, published);
        var streamBefore = await ReadStreamAsync(bed, StreamOffset.First, published);
        var writer = app.Get<LevelWriter>();

        (await app.RebuildAsync()).Status.ShouldBe(202);
        await Eventually.TrueAsync(() => writer.Totals == (720, 0), Wait, "everything is replayed");

        (await bed.CountMessagesAsync("probe.all")).ShouldBe((uint)published);
        (await bed.CountMessagesAsync("probe.thresholds")).ShouldBe(4u);
        // Nothing was appended to the stream either: the next message published lands right after the others, and
        // another reader still reads what it read before.
        var marker = await bed.Publisher.PublishAsync(Exchanges.Noise, RoutingKeys.Level("marker"),
            LevelEvents.Minute("marker", LevelEvents.DayStart, 40));
        var streamAfter = await ReadStreamAsync(bed, StreamOffset.First, published + 1);
        streamAfter.Take(published).ShouldBe(streamBefore);
        streamAfter[^1].ShouldBe((published, marker));
    }

    [Fact]
    public async Task A_second_instance_waits_for_the_reader_lease_and_takes_over_where_the_first_stopped()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-lease");
        var first = await bed.StartHistoryAsync();
        var standby = await bed.StartHistoryAsync(reading: false);
        var hour = LevelEvents.DayStart.AddHours(12);
        for (var i = 0; i < 20; i++)
        {
            await bed.PublishAsync(LevelEvents.Minute("s-1", hour.AddMinutes(i), 60));
        }
        await StoredAsync(first, 20);
        standby.Reader.Waiting.ShouldBeTrue();
        standby.Get<LevelWriter>().Totals.ShouldBe((0, 0));

        await bed.StopAsync(first);
        for (var i = 20; i < 30; i++)
        {
            await bed.PublishAsync(LevelEvents.Minute("s-1", hour.AddMinutes(i), 60));
        }
        await standby.Reader.Started.WaitAsync(Wait);
        await StoredAsync(standby, 30);
        standby.Reader.StartedAt.ShouldBe(StreamOffset.At(20));
        standby.Get<LevelWriter>().Totals.ShouldBe((10, 0));
    }

    [Fact]
    public async Task The_stream_is_declared_with_the_configured_retention_and_another_retention_is_refused()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-stream-args");
        await bed.StartHistoryAsync(new Dictionary<string, string?>
        {
            ["History:Stream:MaxAge"] = "2.00:00:00",
            ["History:Stream:MaxLengthBytes"] = "5000000",
            ["History:Stream:MaxSegmentSizeBytes"] = "1000000",
        });

        var stream = await TestBroker.GetQueueAsync(bed.VirtualHost.Name, Queues.LevelsStream);
        stream.ShouldNotBeNull();
        stream["type"]!.GetValue<string>().ShouldBe("stream");
        var arguments = stream["arguments"]!;
        arguments["x-max-age"]!.GetValue<string>().ShouldBe("2D");
        arguments["x-max-length-bytes"]!.GetValue<long>().ShouldBe(5_000_000);
        arguments["x-stream-max-segment-size-bytes"]!.GetValue<long>().ShouldBe(1_000_000);

        await using var channel = await bed.Connection.CreateChannelAsync();
        var other = Topology.LevelsStream(new StreamRetention { MaxAge = TimeSpan.FromDays(35) });
        var error = await Should.ThrowAsync<TopologyMismatchException>(() => Topology.DeclareStreamAsync(channel,
            other));
        error.Queue.ShouldBe(Queues.LevelsStream);
    }

    [Fact]
    public async Task A_stream_past_its_size_limit_discards_its_oldest_messages()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-stream-size");
        var tiny = new StreamDefinition("tiny.levels", [new(Exchanges.Noise, RoutingKeys.AllLevels)],
            new StreamRetention { MaxLengthBytes = 20_000, MaxSegmentSizeBytes = 4_000 });
        await using (var channel = await bed.Connection.CreateChannelAsync())
        {
            await Topology.DeclareExchangesAsync(channel);
            await Topology.DeclareStreamAsync(channel, tiny);
        }
        // About 500 bytes each: 150 of them are 75 kB, several times the limit.
        for (var i = 0; i < 150; i++)
        {
            await bed.PublishAsync(LevelEvents.Minute("s-1", LevelEvents.DayStart.AddMinutes(i), 60));
        }

        var first = (await ReadStreamAsync(bed, StreamOffset.First, 1, tiny.Name)).Single();
        first.Offset.ShouldBeGreaterThan(0);
        // What is left still ends with the last message.
        (await ReadStreamAsync(bed, StreamOffset.At(149), 1, tiny.Name)).Single().Offset.ShouldBe(149);
    }

    // Two sensors, 08:00 to 11:00 local on the test day, levels that vary minute by minute, and two level-alert
    // episodes; the number of messages published.
    private static async Task<int> PublishHoursAsync(HistoryTestBed bed)
    {
        var start = LevelEvents.DayStart.AddHours(8);
        for (var i = 0; i < 180; i++)
        {
            foreach (var (sensor, n) in Sensors.Select((s, n) => (s, n)))
            {
                await bed.PublishAsync(LevelEvents.Minute(sensor, start.AddMinutes(i), 45 + ((i * (n + 3)) % 31)));
            }
        }
        await bed.PublishAsync(LevelEvents.Alert("s-1", start.AddHours(1)));
        await bed.PublishAsync(LevelEvents.Alert("s-1", start.AddHours(1).AddMinutes(1)));
        await bed.PublishAsync(LevelEvents.Cleared("s-1", start.AddHours(1).AddMinutes(10)));
        await bed.PublishAsync(LevelEvents.Alert("s-2", start.AddHours(2).AddMinutes(30)));
        return 364;
    }

    private static async Task StoredAsync(HistoryApp app, int messages)
    {
        var writer = app.Get<LevelWriter>();
        await Eventually.TrueAsync(() => writer.StoredOffset == messages, Wait,
            $"History has stored its offset after {messages} message(s)");
    }

    // What the Dashboard would show for the test day: the day table, each sensor's day indicators and hours.
    private static async Task<string> IndicatorsAsync(HistoryTestBed bed)
    {
        var text = new StringBuilder();
        text.AppendLine(JsonSerializer.Serialize(await bed.GetDayAsync(LevelEvents.Day)));
        foreach (var sensor in Sensors)
        {
            text.AppendLine(JsonSerializer.Serialize(
                await bed.GetIndicatorsAsync(sensor, LevelEvents.Day, LevelEvents.Day, IndicatorSpan.Day)));
            text.AppendLine(JsonSerializer.Serialize(await bed.GetLevelsAsync(sensor, LevelEvents.DayStart,
                LevelEvents.DayStart.AddDays(1), LevelResolution.Hour)));
        }
        return text.ToString();
    }

    // Reads `count` messages of a stream from `start` as another reader would: (offset, message id) each.
    private static async Task<List<(long Offset, string MessageId)>> ReadStreamAsync(HistoryTestBed bed,
        StreamOffset start, int count, string stream = Queues.LevelsStream)
    {
        var read = new List<(long, string)>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var channel = await bed.Connection.CreateChannelAsync();
        await channel.BasicQosAsync(0, 100, false);
        var consumer = new AsyncEventingBasicConsumer(channel);
        // One delivery at a time (the channel's dispatch): once done, nothing more is acked, so no ack can race the
        // channel's close (which the broker would answer by closing the connection).
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            if (done.Task.IsCompleted)
            {
                return;
            }
            var offset = (long)delivery.BasicProperties.Headers!["x-stream-offset"]!;
            // A numeric start is served from the beginning of its chunk.
            if (offset >= (start.Offset ?? 0))
            {
                read.Add((offset, delivery.BasicProperties.MessageId!));
            }
            await channel.BasicAckAsync(delivery.DeliveryTag, false);
            if (read.Count == count)
            {
                done.TrySetResult();
            }
        };
        await channel.BasicConsumeAsync(stream, false, "", false, false,
            new Dictionary<string, object?> { ["x-stream-offset"] = start.Argument }, consumer);
        await done.Task.WaitAsync(Wait);
        await channel.CloseAsync();
        return read;
    }
}
