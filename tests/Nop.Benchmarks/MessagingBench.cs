using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Benchmarks;

/// <summary>
/// Nop.Messaging with its defaults against a bare RabbitMQ.Client 7 program, same run, same workload (issue 13): a
/// durable fanout exchange to two quorum queues (with NOP's queue arguments on both sides), persistent messages,
/// publisher confirms with 256 publishes in flight, manual acks, prefetch 200. Flat out: messages per second until
/// both queues delivered everything; then paced at 2,000 msgs/s: publish-to-handler p99. The bare program acks every
/// 50th delivery with <c>multiple</c>, as a careful hand-written consumer does. Both sides do the same application
/// work: serialise each message as they publish it and deserialise each delivery (the time it was sent travels in
/// it), and both run flat out unmeasured before either is measured, so neither pays for JIT or start-up in its
/// figures. Both send the same messages: the bare program builds NOP's envelope (docs/architecture.md §4) by hand, as
/// any client of NOP's exchanges must, so the comparison is of the broker layer, not of the message format; a bare
/// program sending plain messages is measured beside them for what the envelope itself costs.
/// </summary>
public static class MessagingBench
{
    private const string Exchange = "bench.fanout";
    private const int InFlight = 256;
    private const ushort Prefetch = 200;
    private const double PacedRate = 2_000;
    private static readonly string[] QueueNames = ["bench.a", "bench.b"];

    /// <summary>A queue of the comparison, bound to its fanout exchange.</summary>
    private static QueueDefinition Definition(string queue) => new(queue, [new QueueBinding(Exchange, string.Empty)]);

    public static async Task RunAsync(BenchSettings settings, BenchResults results)
    {
        await using var rawRun = await Run.StartAsync("bench-msg-raw", (v, c) => RawSide.StartAsync(v, c, true));
        await using var nopRun = await Run.StartAsync("bench-msg-nop", NopSide.StartAsync);
        await using var plainRun = await Run.StartAsync("bench-msg-plain", (v, c) => RawSide.StartAsync(v, c, false));
        // All warmed up before any is measured: the JIT work for code they share (the client's, the serialiser's)
        // would otherwise fall on whichever side runs first.
        await rawRun.WarmUpAsync(settings);
        await nopRun.WarmUpAsync(settings);
        await plainRun.WarmUpAsync(settings);
        await JitQuietAsync();
        // Flat out, four times each, in the order bare, Nop, Nop, bare, twice over, and averaged: this machine's speed
        // drifts by tens of per cent within minutes, and a side always measured first would carry that drift into
        // the ratio; a broker stall (below) in one 5 s phase moves that phase by a tenth.
        var raws = new List<(double MsgsPerS, double PacedP99Ms)>();
        var nops = new List<(double MsgsPerS, double PacedP99Ms)>();
        // The plain messages once before the eight phases and once after them, so drift falls on them as on the others.
        var plains = new List<(double MsgsPerS, double PacedP99Ms)> { await plainRun.MeasureAsync(settings) };
        for (var round = 0; round < 2; round++)
        {
            raws.Add(await rawRun.MeasureAsync(settings));
            nops.Add(await nopRun.MeasureAsync(settings));
            nops.Add(await nopRun.MeasureAsync(settings));
            raws.Add(await rawRun.MeasureAsync(settings));
        }
        plains.Add(await plainRun.MeasureAsync(settings));
        var raw = (MsgsPerS: raws.Average(r => r.MsgsPerS), PacedP99Ms: raws.Average(r => r.PacedP99Ms));
        var nop = (MsgsPerS: nops.Average(r => r.MsgsPerS), PacedP99Ms: nops.Average(r => r.PacedP99Ms));
        // Paced, both sides at once: a stall of the broker (its write-ahead log rolled over and written out, about
        // once a minute under load, 0.3-3 s each) then falls on both, where phases one after another gave it to
        // whichever side ran then, and a single stall decided the comparison.
        var together = await PacedTogetherAsync(rawRun, nopRun, settings.RawLatencyDuration * 2);
        // The broker's statistics refresh every 5 s (its default).
        await Task.Delay(TimeSpan.FromSeconds(7));
        await rawRun.PrintBrokerWorkAsync();
        await nopRun.PrintBrokerWorkAsync();
        await plainRun.PrintBrokerWorkAsync();
        results.MessagingRawMsgsPerS = Stats.Round(raw.MsgsPerS);
        results.MessagingMsgsPerS = Stats.Round(nop.MsgsPerS);
        results.MessagingRatio = Stats.Round(nop.MsgsPerS / raw.MsgsPerS, 3);
        results.MessagingRawPacedP99Ms = Stats.Round(together.RawP99Ms, 2);
        results.MessagingPacedP99Ms = Stats.Round(together.NopP99Ms, 2);
        results.MessagingRawPacedAloneP99Ms = Stats.Round(raw.PacedP99Ms, 2);
        results.MessagingRawPlainMsgsPerS = Stats.Round(plains.Average(p => p.MsgsPerS));
        results.MessagingPacedAloneP99Ms = Stats.Round(nop.PacedP99Ms, 2);
        static string List(IEnumerable<double> values, string format) =>
            string.Join(", ", values.Select(v => v.ToString(format, CultureInfo.InvariantCulture)));
        Console.WriteLine($"      bare client {List(raws.Select(r => r.MsgsPerS), "N0")} msgs/s (paced alone p99 " +
            $"{List(raws.Select(r => r.PacedP99Ms), "0.0")} ms); Nop.Messaging " +
            $"{List(nops.Select(r => r.MsgsPerS), "N0")} msgs/s (paced alone p99 " +
            $"{List(nops.Select(r => r.PacedP99Ms), "0.0")} ms): " +
            $"{results.MessagingRatio} × on the means; paced together p99 bare {together.RawP99Ms:0.0} ms, " +
            $"Nop.Messaging {together.NopP99Ms:0.0} ms; the bare client with plain messages " +
            $"{List(plains.Select(p => p.MsgsPerS), "N0")} msgs/s");
    }

    /// <summary>Both sides paced at <see cref="PacedRate"/> each for the same <paramref name="duration"/>, at the same
    /// time, on their own connections and virtual hosts: each side's publish-to-handler p99.</summary>
    private static async Task<(double RawP99Ms, double NopP99Ms)> PacedTogetherAsync(Run raw, Run nop,
        TimeSpan duration)
    {
        await Task.WhenAll(raw.PacedAsync(duration), nop.PacedAsync(duration));
        return (raw.PacedP99Ms(), nop.PacedP99Ms());
    }

    /// <summary>
    /// Waits (at most 10 s) until no method has been compiled for half a second: the tier-1 recompilation of what the
    /// warm-ups ran goes on in the background for a while, and its CPU would count against the side measured first.
    /// </summary>
    private static async Task JitQuietAsync()
    {
        var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        var compiled = JitInfo.GetCompiledMethodCount();
        while (Stopwatch.GetTimestamp() < deadline)
        {
            await Task.Delay(500);
            var now = JitInfo.GetCompiledMethodCount();
            if (now == compiled)
            {
                return;
            }
            compiled = now;
        }
    }

    /// <summary>One side on its own virtual host, with its counter.</summary>
    private sealed class Run(string hint, VirtualHost vhost, Counter counter, ISide side) : IAsyncDisposable
    {
        private long _published;

        public static async Task<Run> StartAsync(string hint, Func<VirtualHost, Counter, Task<ISide>> start)
        {
            var vhost = await TestBroker.CreateVirtualHostAsync(hint);
            try
            {
                await DeclareExchangeAsync(vhost);
                var counter = new Counter();
                return new Run(hint, vhost, counter, await start(vhost, counter));
            }
            catch
            {
                await Phases.DeleteQuietlyAsync(vhost);
                throw;
            }
        }

        /// <summary>Flat out for half the measured time, unmeasured, until everything is delivered.</summary>
        public async Task WarmUpAsync(BenchSettings settings)
        {
            _published += (await PublishAsync(side, settings.RawDuration / 2, rate: null)).Published;
            await counter.WaitForAsync(_published, TimeSpan.FromSeconds(60));
        }

        public async Task<(double MsgsPerS, double PacedP99Ms)> MeasureAsync(BenchSettings settings)
        {
            var before = _published;
            var cpu = ProcessCpu.ThisProcessSeconds();
            var brokerCpu = ProcessCpu.BrokerSeconds();
            var allocated = GC.GetTotalAllocatedBytes();
            var flatOut = await PublishAsync(side, settings.RawDuration, rate: null);
            _published += flatOut.Published;
            // Still to deliver when the last publish was confirmed: a backlog says the consumers set the pace.
            var backlog = _published - counter.Consumed;
            var publishSeconds = Stopwatch.GetElapsedTime(flatOut.Started).TotalSeconds;
            await counter.WaitForAsync(_published, TimeSpan.FromSeconds(60));
            var msgsPerS = (counter.Consumed - before) / Stopwatch.GetElapsedTime(flatOut.Started).TotalSeconds;
            var flatOutCpu = ProcessCpu.ThisProcessSeconds() - cpu;
            brokerCpu = ProcessCpu.BrokerSeconds() - brokerCpu;
            allocated = GC.GetTotalAllocatedBytes() - allocated;

            cpu = ProcessCpu.ThisProcessSeconds();
            var pacedPublished = await PacedAsync(settings.RawLatencyDuration);
            var pacedCpu = ProcessCpu.ThisProcessSeconds() - cpu;
            // The machine may be shared: CPU time per message (publish, two deliveries) of this process, which runs
            // the publishing loop and the consumers, is steadier than the rate. The broker's (its headers, user_id
            // check, queue arguments) counts whatever else uses a shared broker meanwhile.
            Console.WriteLine($"      {hint}: {flatOutCpu * 1e6 / Math.Max(1, flatOut.Published):0} µs CPU per " +
                $"message flat out, {pacedCpu * 1e6 / Math.Max(1, pacedPublished):0} paced; " +
                $"{allocated / Math.Max(1, flatOut.Published):N0} bytes allocated per message flat out; the broker " +
                $"{brokerCpu * 1e6 / Math.Max(1, flatOut.Published):0} µs CPU per message flat out; published at " +
                $"{flatOut.Published / publishSeconds:N0} msgs/s, {backlog:N0} not yet delivered when the " +
                "publishing ended");
            return (msgsPerS, PacedP99Ms());
        }

        /// <summary>Publishes at <see cref="PacedRate"/> for <paramref name="duration"/> and waits until all is
        /// delivered, sampling publish-to-handler latency (see <see cref="PacedP99Ms"/>); returns how many were sent.
        /// </summary>
        public async Task<long> PacedAsync(TimeSpan duration)
        {
            counter.StartSampling();
            var paced = await PublishAsync(side, duration, PacedRate);
            _published += paced.Published;
            await counter.WaitForAsync(_published, TimeSpan.FromSeconds(30));
            counter.StopSampling();
            return paced.Published;
        }

        /// <summary>The p99 of the last paced phase.</summary>
        public double PacedP99Ms() => counter.P99();

        /// <summary>
        /// The broker's work per message published so far (warm-up included) on this side's virtual host, from the
        /// management API: reductions (Erlang's unit of work) of its channel and queue processes, and bytes on its
        /// connections. Unlike the broker's CPU time, other users of a shared broker do not move these.
        /// </summary>
        public async Task PrintBrokerWorkAsync()
        {
            var name = Uri.EscapeDataString(vhost.Name);
            var channels = await TestBroker.Local.GetJsonAsync($"api/vhosts/{name}/channels?columns=reductions");
            var queues = await TestBroker.Local.GetJsonAsync($"api/queues/{name}?columns=reductions");
            var connections = await TestBroker.Local.GetJsonAsync(
                $"api/vhosts/{name}/connections?columns=recv_oct,send_oct");
            double PerMessage(JsonNode? items, string field) =>
                (items?.AsArray().Sum(item => item?[field]?.GetValue<double>() ?? 0) ?? 0) / Math.Max(1, _published);
            Console.WriteLine($"      {hint}: the broker's work per message: channels " +
                $"{PerMessage(channels, "reductions"):0} and queues {PerMessage(queues, "reductions"):0} reductions, " +
                $"{PerMessage(connections, "recv_oct"):0} B received, {PerMessage(connections, "send_oct"):0} B sent");
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await side.DisposeAsync();
            }
            finally
            {
                await Phases.DeleteQuietlyAsync(vhost);
            }
        }
    }

    private static async Task DeclareExchangeAsync(VirtualHost vhost)
    {
        var factory = new ConnectionFactory { Uri = vhost.Uri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true);
    }

    /// <summary>Flat out (<paramref name="rate"/> null: <see cref="InFlight"/> back to back) or paced.</summary>
    private static async Task<(long Published, long Started)> PublishAsync(ISide side, TimeSpan duration, double? rate)
    {
        long published = 0;
        var started = Stopwatch.GetTimestamp();
        var deadline = started + (long)(Stopwatch.Frequency * duration.TotalSeconds);
        using var slots = new SemaphoreSlim(InFlight);
        var pending = new List<Task>();
        for (long n = 0; Stopwatch.GetTimestamp() < deadline; n++)
        {
            if (rate is { } perSecond)
            {
                await Pacing.UntilDueAsync(started, n, perSecond);
            }
            await slots.WaitAsync();
            published++;
            pending.Add(PublishAndReleaseAsync(side, slots));
            if (pending.Count > 4096)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }
        await Task.WhenAll(pending);
        return (published, started);
    }

    private static async Task PublishAndReleaseAsync(ISide side, SemaphoreSlim slots)
    {
        try
        {
            // Its send time travels in the message: ReceivedAt.
            await side.PublishAsync(Reading with { ReceivedAt = DateTimeOffset.UtcNow });
        }
        finally
        {
            slots.Release();
        }
    }

    private static readonly ReadingReceived Reading = new("sim-42-bench-123-000123", "bench-123", Zone.Residential,
        new GeoLocation(48.14382, 16.37588), DateTimeOffset.UtcNow, 63.2, 71.4, 1, DateTimeOffset.UtcNow);

    /// <summary>One side of the comparison: publishes to the fanout, consumes both queues into the counter.</summary>
    private interface ISide : IAsyncDisposable
    {
        Task PublishAsync(ReadingReceived message);
    }

    /// <summary>Deliveries of the slower queue, and publish-to-handler latency while sampling.</summary>
    internal sealed class Counter
    {
        private readonly List<double> _latencies = [];
        private long _a;
        private long _b;
        private bool _sampling;

        public long Consumed => Math.Min(Interlocked.Read(ref _a), Interlocked.Read(ref _b));

        /// <summary>Latencies from now on, the earlier ones forgotten, until <see cref="StopSampling"/>.</summary>
        public void StartSampling()
        {
            lock (_latencies)
            {
                _latencies.Clear();
            }
            Volatile.Write(ref _sampling, true);
        }

        public void StopSampling() => Volatile.Write(ref _sampling, false);

        public void Delivered(string queue, ReadingReceived message)
        {
            var latencyMs = (DateTimeOffset.UtcNow - message.ReceivedAt).TotalMilliseconds;
            _ = queue == QueueNames[0] ? Interlocked.Increment(ref _a) : Interlocked.Increment(ref _b);
            if (Volatile.Read(ref _sampling))
            {
                lock (_latencies)
                {
                    _latencies.Add(latencyMs);
                }
            }
        }

        public async Task WaitForAsync(long total, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Consumed < total && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5);
            }
        }

        public double P99()
        {
            lock (_latencies)
            {
                return Stats.Percentile(_latencies, 99);
            }
        }
    }

    /// <summary>
    /// The bare client: a connection publishing, one consuming, acks every 50th delivery (multiple). With
    /// <c>envelope</c> its messages carry what Nop.Messaging's do (correlation id, timestamp, user id, a
    /// <c>traceparent</c> header); without, only a message id, the type, the content type and persistence.
    /// </summary>
    private sealed class RawSide(IConnection publishing, IConnection consuming, IChannel publisher, string? userId)
        : ISide
    {
        private const int AckEvery = 50;
        private static readonly JsonTypeInfo<ReadingReceived> Json = MessageTypes.JsonInfo<ReadingReceived>();

        public static async Task<ISide> StartAsync(VirtualHost vhost, Counter counter, bool envelope)
        {
            var factory = new ConnectionFactory { Uri = vhost.Uri, ClientProvidedName = "nop-bench-messaging-raw" };
            var publishing = await factory.CreateConnectionAsync();
            var consuming = await factory.CreateConnectionAsync();
            await using (var setup = await publishing.CreateChannelAsync())
            {
                // The queues Nop.Messaging's side consumes, with the same arguments (delivery limit, dead-lettering,
                // length limit with reject-publish): each costs the broker work per message, which the comparison
                // of the two clients must not count against one of them. Declared here by the same code.
                var options = new RabbitMqOptions();
                foreach (var queue in QueueNames)
                {
                    await Topology.DeclareQueueAsync(setup, Definition(queue), options.DeliveryLimit,
                        options.MaxQueueLength);
                }
            }
            foreach (var queue in QueueNames)
            {
                var channel = await consuming.CreateChannelAsync();
                await channel.BasicQosAsync(0, Prefetch, false);
                var consumer = new AsyncEventingBasicConsumer(channel);
                var sinceAck = 0;
                consumer.ReceivedAsync += async (_, delivery) =>
                {
                    counter.Delivered(queue, JsonSerializer.Deserialize(delivery.Body.Span, Json)!);
                    if (++sinceAck >= AckEvery)
                    {
                        sinceAck = 0;
                        await channel.BasicAckAsync(delivery.DeliveryTag, multiple: true);
                    }
                };
                await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
            }
            var publisher = await publishing.CreateChannelAsync(new CreateChannelOptions(
                publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true,
                outstandingPublisherConfirmationsRateLimiter: new ThrottlingRateLimiter(2 * InFlight)));
            return new RawSide(publishing, consuming, publisher, envelope ? factory.UserName : null);
        }

        public async Task PublishAsync(ReadingReceived message)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(message, Json);
            var messageId = Guid.CreateVersion7().ToString();
            var properties = new BasicProperties
            {
                MessageId = messageId,
                Type = ReadingReceived.MessageType,
                ContentType = "application/json",
                DeliveryMode = DeliveryModes.Persistent,
            };
            if (userId is not null)
            {
                properties.CorrelationId = messageId;
                properties.Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
                properties.UserId = userId;
                properties.Headers = new Dictionary<string, object?>
                {
                    [EnvelopeHeaders.TraceParent] = EnvelopeHeaders.NewTraceParent(),
                };
            }
            await publisher.BasicPublishAsync(Exchange, string.Empty, mandatory: true, properties, body);
        }

        public async ValueTask DisposeAsync()
        {
            await publisher.DisposeAsync();
            await publishing.DisposeAsync();
            await consuming.DisposeAsync();
        }
    }

    /// <summary>Nop.Messaging as a service uses it, every setting at its default.</summary>
    private sealed class NopSide(IHost host, MessagePublisher publisher) : ISide
    {
        public static async Task<ISide> StartAsync(VirtualHost vhost, Counter counter)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Configuration["RabbitMq:Uri"] = vhost.Uri.ToString();
            builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
            builder.AddNopMessaging();
            builder.Services.AddSingleton(counter);
            foreach (var queue in QueueNames)
            {
                builder.Services.AddConsumer(Definition(queue), c => c.Handle<ReadingReceived, CountingHandler>());
            }
            var host = builder.Build();
            await host.StartAsync();
            foreach (var consumer in host.Services.GetServices<IHostedService>().OfType<ConsumerHost>())
            {
                await consumer.Started.WaitAsync(TimeSpan.FromSeconds(30));
            }
            return new NopSide(host, host.Services.GetRequiredService<MessagePublisher>());
        }

        public Task PublishAsync(ReadingReceived message) => publisher.PublishAsync(Exchange, string.Empty, message);

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync(TimeSpan.FromSeconds(10));
            host.Dispose();
        }
    }

    /// <summary>Counts a delivery, with its latency from the send time in the message.</summary>
    private sealed class CountingHandler(Counter counter) : IMessageHandler<ReadingReceived>
    {
        public Task HandleAsync(ReadingReceived message, MessageContext context, CancellationToken cancellationToken)
        {
            counter.Delivered(context.Queue, message);
            return Task.CompletedTask;
        }
    }
}
