using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Processing.Outbox;
using Nop.Processing.Persistence;

namespace Nop.Processing.Aggregation;

/// <summary>
/// One aggregator partition at run time: the in-memory <see cref="PartitionAggregator"/>, the readings handled
/// since the last checkpoint (their acks deferred), and the checkpoint itself. A checkpoint writes the changed
/// sensors and the events produced since the last one in one transaction, guarded by the partition's version; only
/// after it commits are the covered readings acked (<c>multiple: true</c>) and the events handed to the outbox relay.
/// A crash before the commit loses nothing: the readings are redelivered and the state is that of the previous
/// checkpoint. A crash after the commit but before the ack redelivers readings whose ids the checkpoint holds, so
/// they are recognised as duplicates.
/// </summary>
public sealed class AggregatorPartition(
    int index,
    ProcessingOptions options,
    IDbContextFactory<ProcessingDbContext> databases,
    OutboxSignal outboxSignal,
    TimeProvider time,
    ILogger logger)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<AggregatorOutput> _outputs = [];
    private List<(ReadingReceived Reading, string? CorrelationId)> _pending = [];
    // The checkpointed sensors and the partition their row had when last read or written here.
    private readonly Dictionary<string, int> _persisted = new(StringComparer.Ordinal);
    private PartitionAggregator? _engine;
    private IDeliveryAck? _lastAck;
    private long _version;

    private long _deliveries;

    public int Index => index;

    /// <summary>Readings delivered to this instance so far: while it grows, this instance is the partition's active consumer.</summary>
    public long Deliveries => Interlocked.Read(ref _deliveries);

    /// <summary>Handles one reading of this partition (called in delivery order, one at a time).</summary>
    public async Task HandleAsync(ReadingReceived reading, MessageContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _deliveries);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // At the start of a batch, make sure no other instance has checkpointed this partition since we loaded it
            // (single active consumer moved away and back). Throwing here is safe: the ack is not yet deferred.
            if (_pending.Count == 0)
            {
                await EnsureCurrentAsync(cancellationToken);
            }
            var outcome = await ApplyAsync(reading, context.Envelope.CorrelationId, cancellationToken);
            Log(reading, outcome);
            _pending.Add((reading, context.Envelope.CorrelationId));
            _lastAck = context.DeferAck();
            if (_pending.Count >= options.CheckpointEvery)
            {
                await CheckpointAsync(cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The timer: closes idle sensors' windows, reports offline sensors, and checkpoints unsaved work.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_engine is null)
            {
                // Loaded at start-up too, so silent sensors' windows close after a restart without any new reading.
                await EnsureCurrentAsync(cancellationToken);
            }
            _engine!.Tick(_outputs);
            await CheckpointAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Before this instance gives the partition away: checkpoints, so every reading handled so far is acked and the next
    /// holder starts from our latest state instead of getting readings redelivered. False if the checkpoint failed (the
    /// caller keeps the partition and tries again later). Forgets the in-memory state. Readings delivered after this are not lost: unacked, they go
    /// back to the queue when the subscription closes, and the checkpoint version guard keeps our copy from counting.
    /// </summary>
    public async Task<bool> CheckpointForHandOverAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await CheckpointAsync(cancellationToken);
            if (_pending.Count > 0)
            {
                return false;
            }
            // The next holder changes the state; should the partition come back, it is loaded afresh.
            _engine = null;
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The in-memory state, for tests and diagnostics; call only while no reading is being handled.</summary>
    internal PartitionAggregator? Engine => _engine;

    private async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var version = await db.Partitions.AsNoTracking().Where(p => p.Partition == index).Select(p => (long?)p.Version).FirstOrDefaultAsync(cancellationToken);
        if (version is null)
        {
            db.Partitions.Add(new PartitionCheckpoint { Partition = index, Version = 0, UpdatedAt = time.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another instance created it at the same moment; its version is read below.
            }
        }
        if (_engine is not null && version == _version)
        {
            return;
        }
        await LoadAsync(cancellationToken);
    }

    /// <summary>A sensor this partition has not seen may have state under another partition (the partition count
    /// changed): take it over, so its windows continue instead of starting afresh.</summary>
    private async Task ClaimAsync(string sensorId, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var row = await db.SensorStates.AsNoTracking().FirstOrDefaultAsync(s => s.SensorId == sensorId, cancellationToken);
        if (row is null)
        {
            return;
        }
        var readings = await db.WindowReadings.AsNoTracking().Where(r => r.SensorId == sensorId).ToListAsync(cancellationToken);
        _engine!.Load([SensorStateJson.Deserialize(row.State)], readings.Select(Stored));
        _persisted[sensorId] = row.Partition;
        logger.LogInformation("Aggregator partition {Partition} took over {SensorId} from partition {Previous}", index, sensorId, row.Partition);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var version = await db.Partitions.AsNoTracking().Where(p => p.Partition == index).Select(p => p.Version).FirstAsync(cancellationToken);
        var rows = await db.SensorStates.AsNoTracking().Where(s => s.Partition == index).ToListAsync(cancellationToken);
        var readings = await db.WindowReadings.AsNoTracking()
            .Where(r => db.SensorStates.Any(s => s.SensorId == r.SensorId && s.Partition == index))
            .ToListAsync(cancellationToken);
        var engine = new PartitionAggregator(options, time);
        engine.Load(rows.Select(r => SensorStateJson.Deserialize(r.State)), readings.Select(Stored));
        _engine = engine;
        _version = version;
        _persisted.Clear();
        foreach (var row in rows)
        {
            _persisted[row.SensorId] = index;
        }
        _outputs.Clear();
        logger.LogInformation("Aggregator partition {Partition} loaded {Sensors} sensors at checkpoint version {Version}", index, rows.Count, version);
    }

    /// <summary>Writes a checkpoint if there is anything to write; on failure everything stays pending for the next try.</summary>
    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        if (_engine is null || (_pending.Count == 0 && _outputs.Count == 0 && _engine.Dirty.Count == 0))
        {
            return;
        }
        var now = time.GetUtcNow();
        try
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // The version guard first: it takes the write lock, and a stale instance stops here.
            var expected = _version;
            var claimed = await db.Partitions
                .Where(p => p.Partition == index && p.Version == expected)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Version, expected + 1).SetProperty(p => p.UpdatedAt, now), cancellationToken);
            if (claimed == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                logger.LogWarning("Aggregator partition {Partition} was checkpointed by another instance; reloading and re-applying {Pending} readings",
                    index, _pending.Count);
                await ReloadAndReplayAsync(cancellationToken);
                return;
            }
            // New sensors and the events through EF (few per checkpoint); the rows per reading and per changed sensor
            // through prepared commands (many).
            foreach (var sensorId in _engine.Dirty.Where(s => !_persisted.ContainsKey(s)))
            {
                db.SensorStates.Add(new SensorStateRow { SensorId = sensorId, Partition = index, State = SensorStateJson.Serialize(_engine.Sensors[sensorId]), UpdatedAt = now });
            }
            foreach (var output in _outputs)
            {
                var (type, body) = OutputJson.Serialize(output.Message);
                db.Outbox.Add(new OutboxMessage
                {
                    MessageId = output.MessageId,
                    MessageType = type,
                    RoutingKey = output.RoutingKey,
                    SensorId = output.SensorId,
                    CorrelationId = output.CorrelationId,
                    Body = body,
                    CreatedAt = now,
                });
            }
            await db.SaveChangesAsync(cancellationToken);
            await using var commands = CheckpointCommands.For(db, transaction);
            var moved = new List<string>();
            foreach (var sensorId in _engine.Dirty)
            {
                // Only while the row is still where we last saw it: a sensor another partition has taken over since is
                // not written back.
                if (_persisted.TryGetValue(sensorId, out var partitionSeen)
                    && !await commands.UpdateSensorAsync(sensorId, partitionSeen, index, SensorStateJson.Serialize(_engine.Sensors[sensorId]), now, cancellationToken))
                {
                    moved.Add(sensorId);
                }
            }
            if (moved.Count > 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                logger.LogWarning("Sensors {Sensors} have moved to another aggregator partition; partition {Partition} reloads without them", moved, index);
                await ReloadAndReplayAsync(cancellationToken);
                return;
            }
            foreach (var stored in _engine.NewReadings)
            {
                await commands.InsertReadingAsync(stored, cancellationToken);
            }
            // After the inserts: a window can be opened, closed and forgotten within one checkpoint.
            foreach (var (sensorId, windowStart) in _engine.ForgottenWindows)
            {
                await commands.DeleteWindowAsync(sensorId, windowStart, cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Checkpoint of aggregator partition {Partition} failed; {Pending} readings stay unacknowledged and it is retried",
                index, _pending.Count);
            return;
        }

        _version++;
        foreach (var sensorId in _engine.Dirty)
        {
            _persisted[sensorId] = index;
        }
        _engine.ClearChanges();
        var published = _outputs.Count;
        _outputs.Clear();
        var acked = _pending.Count;
        _pending = [];
        if (published > 0)
        {
            outboxSignal.Notify();
        }
        if (_lastAck is { } ack)
        {
            _lastAck = null;
            await ack.AckAsync(multiple: true, CancellationToken.None);
        }
        logger.LogDebug("Checkpoint {Version} of aggregator partition {Partition}: {Acked} readings acked, {Events} events to publish",
            _version, index, acked, published);
    }

    /// <summary>Another instance wrote a newer checkpoint: take its state and apply our unacknowledged readings on top
    /// (those it already counted are dropped as duplicates). Nothing we computed from the stale state was published.</summary>
    private async Task ReloadAndReplayAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        foreach (var (reading, correlationId) in _pending)
        {
            await ApplyAsync(reading, correlationId, cancellationToken);
        }
    }

    private async Task<ReadingOutcome> ApplyAsync(ReadingReceived reading, string? correlationId, CancellationToken cancellationToken)
    {
        if (!_engine!.Sensors.ContainsKey(reading.SensorId))
        {
            await ClaimAsync(reading.SensorId, cancellationToken);
        }
        return _engine.Accept(reading, correlationId, _outputs);
    }

    private static StoredReading Stored(WindowReadingRow row) =>
        new(row.SensorId, row.WindowStart, new WindowReading(row.ReadingId, row.Laeq, row.Lamax, row.Duration));

    private void Log(ReadingReceived reading, ReadingOutcome outcome)
    {
        switch (outcome)
        {
            case ReadingOutcome.Late:
                logger.LogInformation("Late reading {ReadingId} of {SensorId} measured at {MeasuredAt:O}: its window has closed; counted as late, not merged",
                    reading.ReadingId, reading.SensorId, reading.MeasuredAt);
                break;
            case ReadingOutcome.Duplicate:
                logger.LogInformation("Duplicate reading {ReadingId} of {SensorId} ignored: already counted", reading.ReadingId, reading.SensorId);
                break;
            case ReadingOutcome.Invalid:
                logger.LogWarning("Reading {ReadingId} of {SensorId} ignored: LAeq {Laeq} / LAmax {Lamax} is not a level in [0, 194] dB",
                    reading.ReadingId, reading.SensorId, reading.Laeq, reading.Lamax);
                break;
        }
    }
}

/// <summary>The aggregator partitions of this instance, found by queue name.</summary>
public sealed class AggregatorPartitions
{
    private readonly Dictionary<string, AggregatorPartition> _byQueue;

    public AggregatorPartitions(IOptions<ProcessingOptions> options, IDbContextFactory<ProcessingDbContext> databases, OutboxSignal outboxSignal,
        TimeProvider time, ILogger<AggregatorPartition> logger)
    {
        All = Enumerable.Range(0, options.Value.Partitions)
            .Select(i => new AggregatorPartition(i, options.Value, databases, outboxSignal, time, logger))
            .ToArray();
        _byQueue = All.ToDictionary(p => Queues.AggregatorPartition(p.Index), StringComparer.Ordinal);
    }

    public IReadOnlyList<AggregatorPartition> All { get; }

    public AggregatorPartition ForQueue(string queue) =>
        _byQueue.TryGetValue(queue, out var partition) ? partition : throw new InvalidOperationException($"{queue} is not an aggregator partition of this instance.");
}

/// <summary>Consumes a partition queue: hands the reading to its partition, which defers the ack to its checkpoint.</summary>
public sealed class ReadingAggregationHandler(AggregatorPartitions partitions) : IMessageHandler<ReadingReceived>
{
    public Task HandleAsync(ReadingReceived message, MessageContext context, CancellationToken cancellationToken) =>
        partitions.ForQueue(context.Queue).HandleAsync(message, context, cancellationToken);
}

/// <summary>Drives every partition's timer: idle windows, offline sensors, time-based checkpoints.</summary>
public sealed class AggregatorClock(AggregatorPartitions partitions, PartitionBalancer balancer, IOptions<ProcessingOptions> options, TimeProvider time,
    ILogger<AggregatorClock> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckpointInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // Only the partitions this instance should hold: with several instances each ticks its share (the
                // checkpoint version guard settles the moments when two disagree, e.g. right after one joined).
                foreach (var partition in partitions.All.Where(p => balancer.Owns(p.Index)))
                {
                    try
                    {
                        await partition.TickAsync(stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        logger.LogWarning(ex, "Timer of aggregator partition {Partition} failed", partition.Index);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: see StopAsync.
        }
    }

    /// <summary>On a graceful stop, one last checkpoint while the consumers (stopped after this) can still ack, so
    /// the next owner of a partition gets little redelivered. Without it nothing is lost either: unsaved work is
    /// redelivered and counted once.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        foreach (var partition in partitions.All)
        {
            try
            {
                await partition.CheckpointForHandOverAsync(cancellationToken);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Final checkpoint of aggregator partition {Partition} failed; its unsaved readings will be redelivered", partition.Index);
            }
        }
    }
}
