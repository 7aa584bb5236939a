using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Nop.Contracts;
using Nop.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Benchmarks;

/// <summary>
/// The ceiling: a minimal RabbitMQ.Client program with the pipeline's message and durability. A serialised
/// <see cref="ReadingReceived"/> with the envelope's properties, persistent, mandatory, publisher confirms tracked
/// with as many in flight as Ingest allows (half of MaxOutstandingConfirms 2048), one publish to a topic exchange
/// bound to two quorum queues (as nop.readings feeds the classifier and a partition), each consumed with prefetch
/// 200 and manual acks with <c>multiple</c>. Latency is publish to consume, from a timestamp header. Then the same
/// flat out with a <see cref="ReadingBatchReceived"/> of a packet's 60 readings per message: readings/s for the
/// broker alone when readings travel in packets.
/// </summary>
public static class RawBroker
{
    private const string Exchange = "bench.readings";
    private const int InFlight = 1024;
    private const ushort Prefetch = 200;
    private const int AckEvery = 50;
    private const string SentHeader = "bench-sent";

    public static async Task RunAsync(BenchSettings settings, BenchResults results)
    {
        var vhost = await TestBroker.CreateVirtualHostAsync("bench-raw");
        try
        {
            await RunAsync(vhost, settings, results);
        }
        finally
        {
            await Phases.DeleteQuietlyAsync(vhost);
        }
    }

    private static async Task RunAsync(VirtualHost vhost, BenchSettings settings, BenchResults results)
    {
        var factory = new ConnectionFactory { Uri = vhost.Uri, ClientProvidedName = "nop-bench-raw" };
        await using var publisherConnection = await factory.CreateConnectionAsync();
        await using var consumerConnection = await factory.CreateConnectionAsync();

        await using (var setup = await publisherConnection.CreateChannelAsync())
        {
            await setup.ExchangeDeclareAsync(Exchange, ExchangeType.Topic, durable: true);
            foreach (var queue in new[] { "bench.a", "bench.b" })
            {
                await setup.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
                    arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
                await setup.QueueBindAsync(queue, Exchange, RoutingKeys.AllReadings);
            }
        }

        var latencies = new List<double>(1 << 20);
        long consumedA = 0, consumedB = 0;
        var measureFrom = 0L;
        var consumers = new List<IChannel>();
        foreach (var queue in new[] { "bench.a", "bench.b" })
        {
            var channel = await consumerConnection.CreateChannelAsync();
            await channel.BasicQosAsync(0, Prefetch, false);
            var consumer = new AsyncEventingBasicConsumer(channel);
            var isA = queue == "bench.a";
            var sinceAck = 0;
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                var now = Stopwatch.GetTimestamp();
                if (delivery.BasicProperties.Headers?.TryGetValue(SentHeader, out var sent) == true
                    && sent is long sentAt && sentAt >= Volatile.Read(ref measureFrom))
                {
                    lock (latencies)
                    {
                        latencies.Add(Stopwatch.GetElapsedTime(sentAt, now).TotalMilliseconds);
                    }
                }
                _ = isA ? Interlocked.Increment(ref consumedA) : Interlocked.Increment(ref consumedB);
                if (++sinceAck >= AckEvery)
                {
                    sinceAck = 0;
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: true);
                }
            };
            await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
            consumers.Add(channel);
        }

        await using var publisher = await publisherConnection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true,
            outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(2048)));
        var body = Body();
        results.RawMessageBytes = body.Length;

        // Flat out: as many publishes in flight as Ingest allows; throughput is everything published divided by the
        // time until both queues had delivered all of it.
        Volatile.Write(ref measureFrom, Stopwatch.GetTimestamp() + Stopwatch.Frequency);
        var flatOut = await PublishAsync(publisher, body, settings.RawDuration, ratePerSecond: null,
            ReadingReceived.MessageType);
        var total = flatOut.Published;
        var drainDeadline = DateTime.UtcNow.AddSeconds(60);
        while ((Interlocked.Read(ref consumedA) < total || Interlocked.Read(ref consumedB) < total)
            && DateTime.UtcNow < drainDeadline)
        {
            await Task.Delay(5);
        }
        var elapsed = Stopwatch.GetElapsedTime(flatOut.Started).TotalSeconds;
        var consumed = Math.Min(Interlocked.Read(ref consumedA), Interlocked.Read(ref consumedB));
        results.RawMessages = consumed;
        results.RawBrokerMsgsPerS = Stats.Round(consumed / elapsed);
        lock (latencies)
        {
            // At saturation, latency is mostly waiting in the queue (Little's law): reported, but not the headline.
            results.RawLatencySaturatedP50Ms = Stats.Round(Stats.Percentile(latencies, 50), 2);
            results.RawLatencySaturatedP99Ms = Stats.Round(Stats.Percentile(latencies, 99), 2);
            latencies.Clear();
        }

        // At half the sustained rate (as the alert latency is measured): publish-to-consume latency.
        Volatile.Write(ref measureFrom, Stopwatch.GetTimestamp() + Stopwatch.Frequency);
        var paced = await PublishAsync(publisher, body, settings.RawLatencyDuration, results.RawBrokerMsgsPerS / 2,
            ReadingReceived.MessageType);
        total += paced.Published;
        drainDeadline = DateTime.UtcNow.AddSeconds(30);
        while ((Interlocked.Read(ref consumedA) < total || Interlocked.Read(ref consumedB) < total)
            && DateTime.UtcNow < drainDeadline)
        {
            await Task.Delay(5);
        }
        lock (latencies)
        {
            results.RawLatencyP50Ms = Stats.Round(Stats.Percentile(latencies, 50), 2);
            results.RawLatencyP99Ms = Stats.Round(Stats.Percentile(latencies, 99), 2);
        }
        Console.WriteLine($"      {consumed:N0} messages of {body.Length} B in {elapsed:0.0} s: " +
            $"{results.RawBrokerMsgsPerS:N0} msgs/s (latency at saturation " +
            $"p50 {results.RawLatencySaturatedP50Ms} ms, p99 {results.RawLatencySaturatedP99Ms} ms); " +
            $"at {results.RawBrokerMsgsPerS / 2:N0} msgs/s: p50 {results.RawLatencyP50Ms} ms, " +
            $"p99 {results.RawLatencyP99Ms} ms");

        // Packets: flat out again, messages of 60 readings, latency no longer sampled.
        Volatile.Write(ref measureFrom, long.MaxValue);
        var batchBody = BatchBody();
        results.RawBatchMessageBytes = batchBody.Length;
        var batched = await PublishAsync(publisher, batchBody, settings.RawDuration, ratePerSecond: null,
            ReadingBatchReceived.MessageType);
        var batchedTotal = total + batched.Published;
        drainDeadline = DateTime.UtcNow.AddSeconds(60);
        while ((Interlocked.Read(ref consumedA) < batchedTotal || Interlocked.Read(ref consumedB) < batchedTotal)
            && DateTime.UtcNow < drainDeadline)
        {
            await Task.Delay(5);
        }
        var batchedElapsed = Stopwatch.GetElapsedTime(batched.Started).TotalSeconds;
        var batchedConsumed = Math.Min(Interlocked.Read(ref consumedA), Interlocked.Read(ref consumedB)) - total;
        results.RawBrokerReadingsPerS = Stats.Round(batchedConsumed * LoadGenerator.PacketReadings / batchedElapsed);
        Console.WriteLine($"      {batchedConsumed:N0} messages of {batchBody.Length} B " +
            $"({LoadGenerator.PacketReadings} readings) in {batchedElapsed:0.0} s: " +
            $"{batchedConsumed / batchedElapsed:N0} msgs/s, {results.RawBrokerReadingsPerS:N0} readings/s");
        foreach (var channel in consumers)
        {
            await channel.DisposeAsync();
        }
    }

    /// <summary>Publishes for <paramref name="duration"/>, flat out (<paramref name="ratePerSecond"/> null: <see
    /// cref="InFlight"/> publishers back to back) or paced (each publish started on its due time, at most <see
    /// cref="InFlight"/> unconfirmed).</summary>
    private static async Task<(long Published, long Started)> PublishAsync(IChannel publisher, byte[] body,
        TimeSpan duration, double? ratePerSecond, string type)
    {
        long published = 0;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(Stopwatch.Frequency * duration.TotalSeconds);
        if (ratePerSecond is not { } rate)
        {
            await Task.WhenAll(Enumerable.Range(0, InFlight).Select(async _ =>
            {
                while (Stopwatch.GetTimestamp() < deadline)
                {
                    await PublishOneAsync(publisher, body, Interlocked.Increment(ref published), type);
                }
            }));
            return (published, started);
        }
        using var slots = new SemaphoreSlim(InFlight);
        var pending = new List<Task>();
        for (long n = 0; Stopwatch.GetTimestamp() < deadline; n++)
        {
            await Pacing.UntilDueAsync(started, n, rate);
            await slots.WaitAsync();
            published++;
            pending.Add(PublishAndReleaseAsync(publisher, body, n, slots, type));
            if (pending.Count > 4096)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }
        await Task.WhenAll(pending);
        return (published, started);
    }

    private static async Task PublishAndReleaseAsync(IChannel publisher, byte[] body, long n, SemaphoreSlim slots,
        string type)
    {
        try
        {
            await PublishOneAsync(publisher, body, n, type);
        }
        finally
        {
            slots.Release();
        }
    }

    private static async Task PublishOneAsync(IChannel publisher, byte[] body, long n, string type)
    {
        var properties = new BasicProperties
        {
            MessageId = Guid.CreateVersion7().ToString(),
            CorrelationId = "bench",
            Type = type,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Headers = new Dictionary<string, object?>
            {
                [EnvelopeHeaders.TraceParent] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                [SentHeader] = Stopwatch.GetTimestamp(),
            },
        };
        await publisher.BasicPublishAsync(Exchange, "reading.bench-" + (n % 500).ToString(CultureInfo.InvariantCulture),
            mandatory: true, properties, body);
    }

    /// <summary>A reading as Ingest publishes it.</summary>
    private static byte[] Body()
    {
        var reading = new ReadingReceived("sim-42-bench-123-000123", "bench-123", Zone.Residential,
            new GeoLocation(48.14382, 16.37588),
            DateTimeOffset.UtcNow, 63.2, 71.4, 1, DateTimeOffset.UtcNow);
        return JsonSerializer.SerializeToUtf8Bytes(reading, MessageTypes.JsonInfo<ReadingReceived>());
    }

    /// <summary>A packet as Ingest publishes it: one sensor's 60 one-second readings with client ids.</summary>
    private static byte[] BatchBody()
    {
        var at = DateTimeOffset.UtcNow;
        var readings = Enumerable.Range(0, LoadGenerator.PacketReadings)
            .Select(i => new SensorReading($"b1764474000-123-4567-{i}", at.AddSeconds(i - 59), 63.2, 71.4, 1))
            .ToArray();
        var location = new GeoLocation(48.14382, 16.37588);
        var batch = new ReadingBatchReceived("bench-123", Zone.Residential, location, null, at, readings);
        return JsonSerializer.SerializeToUtf8Bytes(batch, MessageTypes.JsonInfo<ReadingBatchReceived>());
    }
}
