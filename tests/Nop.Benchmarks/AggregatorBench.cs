using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Diagnostics.Tracing;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Persistence;
using Nop.Persistence.Outbox;
using Nop.Processing;
using Nop.Processing.Aggregation;
using Nop.Processing.Data;
using Nop.Testing;

namespace Nop.Benchmarks;

/// <summary>
/// The aggregator without the broker, on one thread (a partition is handled by one caller at a time, so this is
/// readings/s per core): <see cref="CheckpointedPartition"/> with a durable SQLite checkpoint every 100 ms (as the
/// service's clock does: one state blob and the events of closed windows in one transaction), and the in-memory
/// <see cref="PartitionWindows"/> alone. 1,000 sensors, each batch one sensor-minute of 1 s readings.
/// </summary>
public static class AggregatorBench
{
    public static void Run(BenchSettings settings, BenchResults results)
    {
        if (settings.UseBenchmarkDotNet)
        {
            var artifacts = Path.Combine(Repository.Root, "artifacts", "benchmarkdotnet");
            var job =
                Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(2).WithIterationCount(5);
            var config = ManualConfig.CreateEmpty()
                .AddJob(job)
                .AddLogger(BenchmarkDotNet.Loggers.NullLogger.Instance)
                .AddColumnProvider(DefaultColumnProviders.Instance)
                .WithArtifactsPath(artifacts);
            var summary = BenchmarkRunner.Run<AggregatorBenchmarks>(config);
            double PerSecond(string method) => summary.Reports
                .Where(r => r.BenchmarkCase.Descriptor.WorkloadMethod.Name == method && r.ResultStatistics is not null)
                .Select(r => 1e9 / r.ResultStatistics!.Mean)
                .DefaultIfEmpty(double.NaN)
                .First();
            results.AggregatorReadingsPerSPerCore =
                Stats.Round(PerSecond(nameof(AggregatorBenchmarks.CheckpointingOn)));
            results.AggregatorReadingsPerSPerCoreNoCheckpoint =
                Stats.Round(PerSecond(nameof(AggregatorBenchmarks.CheckpointingOff)));
            results.AggregatorMethod = "BenchmarkDotNet, in process, short run";
            results.CheckpointBytesPerReading = AggregatorBenchmarks.LastCheckpointBytesPerReading;
        }
        else
        {
            var bench = new AggregatorBenchmarks();
            bench.Setup();
            try
            {
                // NOP_BENCH_AGGREGATOR_SECONDS lengthens the loops, to profile them or to compare builds more steadily.
                var loop = double.TryParse(Environment.GetEnvironmentVariable("NOP_BENCH_AGGREGATOR_SECONDS"),
                    CultureInfo.InvariantCulture, out var seconds)
                    ? TimeSpan.FromSeconds(seconds)
                    : settings.AggregatorLoop;
                using var gcs = new GcReasons();
                var fullBefore = GC.CollectionCount(2);
                // Unmeasured first, as long as measured (at least the warm-up): the checkpoint's code runs ten times a
                // second, so tiered compilation takes seconds to reach it, and a short loop measured the JIT instead.
                var warmup = loop > settings.Warmup ? loop : settings.Warmup;
                var (on, onCpu, onBytes) = Loop(bench, checkpointing: true, warmup, loop);
                var full = GC.CollectionCount(2) - fullBefore;
                var fullReasons = gcs.Take();
                var (off, offCpu, offBytes) = Loop(bench, checkpointing: false, warmup, loop);
                results.AggregatorReadingsPerSPerCore = Stats.Round(on);
                results.AggregatorReadingsPerSPerCoreNoCheckpoint = Stats.Round(off);
                results.AggregatorCpuUsPerReading = Math.Round(onCpu, 3);
                // On a shared machine the wall clock is noisy; CPU time per reading is what to compare builds by.
                Console.WriteLine($"      CPU {onCpu:0.000} µs per reading with checkpointing, {offCpu:0.000} without");
                // Allocations cost garbage collections (a large share of the CPU above): bytes per reading show them.
                // Counted on the loop's thread (where the aggregator and its SQLite calls run), so the runtime's own
                // threads (the collections' events above, the JIT) do not blur the figure.
                Console.WriteLine($"      allocated {onBytes:0} bytes per reading with checkpointing "
                    + $"({full} full collections), {offBytes:0} without");
                // What triggered them (GCStart events of the checkpointing loops, warm-up included).
                Console.WriteLine($"      collections with checkpointing by generation, reason, kind: {fullReasons}");
                results.CheckpointBytesPerReading = bench.CheckpointBytesPerReading;
            }
            finally
            {
                bench.Cleanup();
            }
            results.AggregatorMethod = "Stopwatch loop";
        }
        Console.WriteLine($"      {results.AggregatorReadingsPerSPerCore:N0} readings/s with checkpointing, " +
            $"{results.AggregatorReadingsPerSPerCoreNoCheckpoint:N0} without ({results.AggregatorMethod})");
    }

    /// <summary>Readings/s of one kind of invocation after a warm-up, the process's CPU µs and the bytes allocated
    /// per reading; the inputs of each invocation are prepared before its clock starts, as BenchmarkDotNet's iteration
    /// setup does.</summary>
    private static (double PerSecond, double CpuUs, double Bytes) Loop(AggregatorBenchmarks bench, bool checkpointing,
        TimeSpan warmup, TimeSpan duration)
    {
        void Invoke()
        {
            if (checkpointing)
            {
                bench.CheckpointingOn().GetAwaiter().GetResult();
            }
            else
            {
                bench.CheckpointingOff();
            }
        }
        void Prepare()
        {
            if (checkpointing)
            {
                bench.PrepareOn();
            }
            else
            {
                bench.PrepareOff();
            }
        }
        for (var warming = Stopwatch.StartNew(); warming.Elapsed < warmup;)
        {
            Prepare();
            Invoke();
        }
        long readings = 0;
        var measured = TimeSpan.Zero;
        double cpu = 0;
        long allocated = 0;
        while (measured < duration)
        {
            Prepare();
            var cpuBefore = ProcessCpu.ThisProcessSeconds();
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            Invoke();
            measured += clock.Elapsed;
            allocated += GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            cpu += ProcessCpu.ThisProcessSeconds() - cpuBefore;
            readings += AggregatorBenchmarks.ReadingsPerInvoke;
        }
        return (readings / measured.TotalSeconds, cpu * 1e6 / readings, (double)allocated / readings);
    }
}

/// <summary>Counts the runtime's GCStart events by generation, reason and kind (blocking, background), to tell what
/// triggers the full collections.</summary>
internal sealed class GcReasons : EventListener
{
    private static readonly string[] Reasons = ["small alloc", "induced", "low memory", "empty", "large alloc",
        "out of space (SOH)", "out of space (LOH)", "induced, not forced", "internal", "induced low memory",
        "induced compacting", "low memory (host)", "provisioned memory", "low memory (host, blocking)"];
    private static readonly string[] Kinds = ["blocking", "background", "foreground"];
    private readonly Dictionary<string, int> _counts = [];

    public string Take()
    {
        lock (_counts)
        {
            var text = string.Join("; ", _counts.OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => $"{c.Key}: {c.Value}"));
            _counts.Clear();
            return text;
        }
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
        {
            // The GC keyword (0x1) at Informational level carries GCStart with its depth, reason and type.
            EnableEvents(source, EventLevel.Informational,
                (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!(e.EventName ?? "").StartsWith("GCStart", StringComparison.Ordinal) || e.Payload is null)
        {
            return;
        }
        int Field(string name) => e.PayloadNames!.IndexOf(name) is var i and >= 0
            ? Convert.ToInt32(e.Payload[i], CultureInfo.InvariantCulture) : -1;
        var (depth, reason, type) = (Field("Depth"), Field("Reason"), Field("Type"));
        var key = $"gen{depth} {(reason >= 0 && reason < Reasons.Length ? Reasons[reason] : reason.ToString(
            CultureInfo.InvariantCulture))} {(type >= 0 && type < Kinds.Length ? Kinds[type] : "?")}";
        lock (_counts)
        {
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
        }
    }
}

/// <summary>The BenchmarkDotNet benchmarks (public and unsealed, as BenchmarkDotNet requires).</summary>
[MemoryDiagnoser]
public class AggregatorBenchmarks
{
    /// <summary>Readings per invocation: ten sensor-minutes of 1 s readings from each sensor.</summary>
    public const int ReadingsPerInvoke = Sensors * Minutes * PerBatch;
    private const int Minutes = 10;
    private const int Sensors = 1000;
    private const int PerBatch = 60;

    private static readonly DateTimeOffset Start = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);
    private static readonly Zone[] Zones = [Zone.Residential, Zone.Commercial, Zone.Industrial, Zone.Quiet];
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(100);

    private readonly List<AggregatorOutput> _outputs = [];
    // Only the clock checkpoints here (every 100 ms), as in the service under a steady load.
    private readonly ProcessingOptions _options = new() { CheckpointEvery = 1_000_000, AggregatorPrefetch = 5000 };
    private readonly NoAck _ack = new();
    private readonly Stopwatch _sinceCheckpoint = Stopwatch.StartNew();
    private DirectoryInfo? _folder;
    private CheckpointedPartition? _partition;
    // The partition's instruments, as in the service: the benchmark measures their cost too.
    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private PartitionWindows? _engine;
    private long _onSequence;
    private long _offSequence;
    private (ReadingBatchReceived Batch, MessageContext Context)[] _inputs = [];

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("nop-bench-aggregator-");
        var databases = new SqliteFactory($"Data Source={Path.Combine(_folder.FullName, "processing.db")}");
        using (var db = databases.CreateDbContext())
        {
            db.Database.Migrate();
            db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
        }
        _partition = new CheckpointedPartition(0, _options, databases,
            new DatabaseResilience(NullLogger<DatabaseResilience>.Instance), new OutboxSignal(), TimeProvider.System,
            new ProcessingMetrics(_meters.GetRequiredService<IMeterFactory>()), NullLogger.Instance);
        _engine = new PartitionWindows(_options);
    }

    /// <summary>State bytes the checkpoints wrote per reading they covered (snapshots included), so far.</summary>
    public double CheckpointBytesPerReading =>
        _partition!.Written is var (bytes, readings) && readings > 0 ? Math.Round((double)bytes / readings, 1) : 0;

    /// <summary>The figure of the last instance cleaned up (BenchmarkDotNet creates its own instances).</summary>
    public static double LastCheckpointBytesPerReading { get; private set; }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_partition is not null)
        {
            LastCheckpointBytesPerReading = CheckpointBytesPerReading;
        }
        _meters.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            _folder?.Delete(recursive: true);
        }
        catch (IOException)
        {
            // In the temp folder; SQLite may hold it a moment longer.
        }
    }

    /// <summary>The next invocation's batches, made before its clock starts: what the benchmark measures is the
    /// aggregator, not the making of strings and records (in the service, the consumer's deserialisation).</summary>
    [IterationSetup(Target = nameof(CheckpointingOn))]
    public void PrepareOn() => _inputs = Prepare(ref _onSequence);

    [IterationSetup(Target = nameof(CheckpointingOff))]
    public void PrepareOff() => _inputs = Prepare(ref _offSequence);

    [Benchmark(OperationsPerInvoke = ReadingsPerInvoke)]
    public async Task CheckpointingOn()
    {
        foreach (var (batch, context) in _inputs)
        {
            await _partition!.HandleAsync(batch, context, CancellationToken.None);
            if (_sinceCheckpoint.Elapsed >= CheckpointInterval)
            {
                await _partition.TickAsync(fed: true, CancellationToken.None);
                _sinceCheckpoint.Restart();
            }
        }
    }

    [Benchmark(OperationsPerInvoke = ReadingsPerInvoke)]
    public void CheckpointingOff()
    {
        foreach (var (batch, _) in _inputs)
        {
            _engine!.Accept(batch, "bench", Start, _outputs);
            if (_outputs.Count > 10_000)
            {
                _outputs.Clear();
            }
        }
        _outputs.Clear();
        _engine!.ClearChanges();
    }

    /// <summary>The next <see cref="Minutes"/> sensor-minutes of every sensor: sensors take turns, each minute of event
    /// time after the previous one.</summary>
    private (ReadingBatchReceived, MessageContext)[] Prepare(ref long sequence)
    {
        var inputs = new (ReadingBatchReceived, MessageContext)[Sensors * Minutes];
        for (var k = 0; k < inputs.Length; k++)
        {
            var n = sequence++;
            var sensor = (int)(n % Sensors);
            var minute = Start.AddMinutes(n / Sensors);
            var readings = new SensorReading[PerBatch];
            for (var i = 0; i < PerBatch; i++)
            {
                var laeq = 40 + ((n * PerBatch + i) * 7 % 300) / 10.0;
                readings[i] = new SensorReading($"r-{n}-{i}", minute.AddSeconds(i + 1), laeq, laeq + 6, 1);
            }
            var batch = new ReadingBatchReceived("bench-" + sensor.ToString("000", CultureInfo.InvariantCulture),
                Zones[sensor % Zones.Length], new GeoLocation(48.2, 16.37), 1, minute, readings);
            var envelope = new MessageEnvelope(readings[0].ReadingId, "bench", null, ReadingBatchReceived.MessageType,
                batch.ReceivedAt, null, Exchanges.Readings, RoutingKeys.Reading(batch.SensorId), false, 1);
            inputs[k] = (batch, new MessageContext(envelope, Queues.AggregatorPartition(0), _ack));
        }
        return inputs;
    }

    private sealed class SqliteFactory(string connectionString) : IDbContextFactory<ProcessingDbContext>
    {
        private readonly DbContextOptions<SqliteProcessingDbContext> _options =
            new DbContextOptionsBuilder<SqliteProcessingDbContext>()
                .UseSqlite(connectionString, sqlite =>
                    sqlite.ExecutionStrategy(d => new SqliteRetryingExecutionStrategy(d))).Options;

        public ProcessingDbContext CreateDbContext() => new SqliteProcessingDbContext(_options);
    }

    /// <summary>The deferred ack of a delivery that came from no broker.</summary>
    private sealed class NoAck : IDeliveryAck
    {
        public ulong DeliveryTag => 0;

        public ValueTask AckAsync(bool multiple, CancellationToken cancellationToken = default) =>
            ValueTask.CompletedTask;
    }
}
