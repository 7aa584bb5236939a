using Microsoft.EntityFrameworkCore;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Persistence;
using Nop.Persistence.Outbox;
using Nop.Processing.Data;
using Nop.Processing.Maintenance;

namespace Nop.Processing.Aggregation;

// One aggregator partition at run time: the pure PartitionWindows, the batches handled since the last
// checkpoint (their acks deferred) and the checkpoint itself. A checkpoint is one transaction: the version guard,
// one PartitionStateRow (the changed sensors as a delta blob, or now and then every sensor as a
// snapshot) and the events produced since the last one. Only after it commits are the covered batches acked
// (multiple: true) and the events handed to the outbox relay. A crash before the commit loses nothing (the
// batches are redelivered onto the previous state); a crash after it redelivers readings whose id hashes the
// checkpoint holds, so they are recognised as duplicates.
public sealed class CheckpointedPartition(
    int index,
    ProcessingOptions options,
    IDbContextFactory<ProcessingDbContext> databases,
    DatabaseResilience resilience,
    OutboxSignal outboxSignal,
    TimeProvider time,
    ProcessingMetrics metrics,
    ILogger logger,
    MaintenanceCalendar? maintenance = null)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<AggregatorOutput> _outputs = [];
    private List<(ReadingBatchReceived Batch, string? CorrelationId)> _pending = [];
    private int _pendingReadings;
    // Late readings of the pending batches, reported when their checkpoint commits.
    private int _pendingLate;
    private PartitionWindows? _windows;
    private IDeliveryAck? _lastAck;
    private long _version;
    // The last checkpoint of the partition was ours (committed at _version), so a round need not read the version back.
    // Another instance's checkpoint since is still found, by the version guard of our next checkpoint, which then
    // reloads and re-applies the pending batches.
    private bool _committedLast;
    private readonly SnapshotPolicy _snapshots = new(options.SnapshotEvery);
    private bool _lastCheckpointSucceeded = true;
    private DateTimeOffset? _lastTick;
    private long _deliveries;
    private volatile bool _deliveredSinceHandOver;
    private long _bytesWritten;
    private long _readingsWritten;

    public int Index => index;

    // Batches delivered to this instance so far: while it grows, this instance is the partition's active consumer.
    public long Deliveries => Interlocked.Read(ref _deliveries);

    // Whether this instance's consumer has been delivered anything since it last gave the partition away:
    // with several instances, the sign that single active consumer made it the one that holds the queue.
    public bool DeliveredSinceHandOver => _deliveredSinceHandOver;

    // State bytes (blobs) this instance's committed checkpoints wrote, and the readings they covered: the
    // benchmark's checkpoint bytes per reading.
    public (long Bytes, long Readings) Written => (Interlocked.Read(ref _bytesWritten),
        Interlocked.Read(ref _readingsWritten));

    // The in-memory windows, for tests and diagnostics; read only while nothing is being handled.
    internal PartitionWindows? Windows => _windows;

    // Handles one batch of this partition (called in delivery order, one at a time).
    public async Task HandleAsync(ReadingBatchReceived batch, MessageContext context,
        CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _deliveries);
        _deliveredSinceHandOver = true;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            // At the start of a round, make sure no other instance has checkpointed this partition since we loaded it
            // (and load it again if a reload failed), unless our own checkpoint was the last. A database outage is
            // waited out here: the delivery stays unacked, never retried or parked.
            if (_windows is null || (_pending.Count == 0 && !_committedLast))
            {
                await resilience.UntilSucceededAsync(EnsureCurrentAsync, cancellationToken);
            }
            var correlationId = context.Envelope.CorrelationId;
            var outcome = _windows!.Accept(batch, correlationId, time.GetUtcNow(), _outputs);
            Log(batch, outcome);
            _pending.Add((batch, correlationId));
            _pendingReadings += batch.Readings.Count;
            _pendingLate += outcome.Late;
            _lastAck = context.DeferAck();
            if (_pendingReadings >= options.CheckpointEvery)
            {
                await CheckpointAsync(cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    // The timer: advances the windows' fed clock (only when fed, i.e. the partition is being fed,
    // and the last checkpoint succeeded), which closes idle sensors' windows and reports offline sensors, then
    // checkpoints unsaved work.
    public async Task TickAsync(bool fed, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_windows is null)
            {
                // Loaded at start-up too, so silent sensors' windows close after a restart without any new reading.
                await EnsureCurrentAsync(cancellationToken);
            }
            var now = time.GetUtcNow();
            // At most two intervals per tick: a tick delayed by a stalled checkpoint must not count the stall as the
            // sensors' silence (the clock then runs slow, which closes windows late, never early).
            var elapsed = _lastTick is { } last ? now - last : TimeSpan.Zero;
            var step = TimeSpan.FromTicks(Math.Clamp(elapsed.Ticks, 0, 2 * options.CheckpointInterval.Ticks));
            _lastTick = now;
            _windows!.Tick(fed && _lastCheckpointSucceeded ? step : TimeSpan.Zero, now, _outputs);
            await CheckpointAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Before this instance gives the partition away: checkpoints, so every batch handled so far is acked and the next
    // holder starts from our latest state. False if the checkpoint failed (the caller keeps the partition and tries
    // again later). Forgets the in-memory state: should the partition come back, it is loaded afresh.
    public async Task<bool> CheckpointForHandOverAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (!await CheckpointAsync(cancellationToken) || _pending.Count > 0)
            {
                return false;
            }
            (_windows, _committedLast) = (null, false);
            _deliveredSinceHandOver = false;
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        var version = await PartitionStateStore.VersionAsync(db, index, cancellationToken);
        if (version is null)
        {
            db.Partitions.Add(new PartitionCheckpoint { Partition = index, Version = 0, UpdatedAt = time.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (!DatabaseResilience.IsTransient(ex))
            {
                // Another instance created it at the same moment.
            }
        }
        if (_windows is not null && version == _version)
        {
            return;
        }
        await ReloadAsync(cancellationToken);
    }

    // Loads the partition's latest state and applies the pending batches on top (those another instance already
    // counted are recognised as duplicates). Until it has fully succeeded the windows stay unset, so a reload that
    // fails half-way is simply done again at the next attempt, with the same pending batches.
    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        (_windows, _committedLast) = (null, false);
        _outputs.Clear();
        var loaded = await PartitionStateStore.LoadAsync(databases, index, options, cancellationToken);
        var windows = new PartitionWindows(options, maintenance);
        windows.Load(loaded.Sensors);
        var now = time.GetUtcNow();
        _pendingLate = 0;
        foreach (var (batch, correlationId) in _pending)
        {
            _pendingLate += windows.Accept(batch, correlationId, now, _outputs).Late;
        }
        (_windows, _version) = (windows, loaded.Version);
        _snapshots.Loaded(loaded.SnapshotBytes, loaded.DeltaBytes, loaded.Deltas, loaded.Legacy);
        logger.LogInformation(
            "Aggregator partition {Partition} loaded {Sensors} sensors at checkpoint version {Version}{Legacy}; "
            + "{Pending} batches re-applied",
            index, loaded.Sensors.Count, loaded.Version, loaded.Legacy ? " (converted from the previous format)" : "",
            _pending.Count);
    }

    // Writes a checkpoint if there is anything to write. False when it did not commit: everything then stays
    // pending for the next try (after a reload, when another instance had checkpointed in between).
    private async Task<bool> CheckpointAsync(CancellationToken cancellationToken)
    {
        if (_windows is null)
        {
            return _pending.Count == 0;
        }
        if (_pending.Count == 0 && _outputs.Count == 0 && _windows.Changed.Count == 0)
        {
            return true;
        }
        var delta = SensorAggregateCodec.Delta(_windows.Changed);
        var snapshot = _snapshots.Due(delta.Length) ? SensorAggregateCodec.Snapshot(_windows.Sensors.Values) : null;
        var write = new CheckpointWrite(index, _version, snapshot ?? delta, snapshot is not null,
            LevelBatches.Combine(index, _outputs), time.GetUtcNow());
        bool committed;
        var started = time.GetTimestamp();
        try
        {
            committed = await PartitionStateStore.WriteAsync(databases, write, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A commit whose acknowledgement was lost may have written it: read the version again next round.
            (_lastCheckpointSucceeded, _committedLast) = (false, false);
            resilience.Report(available: false);
            logger.LogWarning(ex,
                "Checkpoint of aggregator partition {Partition} failed; {Pending} readings stay unacknowledged "
                + "and it is retried",
                index, _pendingReadings);
            return false;
        }
        if (!committed)
        {
            logger.LogWarning("Aggregator partition {Partition} was checkpointed by another instance; "
                + "reloading and re-applying {Pending} batches",
                index, _pending.Count);
            try
            {
                await ReloadAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException
                || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex,
                    "Reload of aggregator partition {Partition} failed; it is loaded again at the next attempt", index);
            }
            return false;
        }

        _version++;
        (_lastCheckpointSucceeded, _committedLast) = (true, true);
        resilience.Report(available: true);
        _snapshots.Written(write.Blob.Length, write.IsSnapshot);
        _windows.ClearChanges();
        metrics.Checkpointed(time.GetElapsedTime(started), write.Blob.Length, write.IsSnapshot, _outputs, _pendingLate);
        var published = write.Outputs.Count;
        _outputs.Clear();
        var acked = _pendingReadings;
        Interlocked.Add(ref _bytesWritten, write.Blob.Length);
        Interlocked.Add(ref _readingsWritten, acked);
        (_pending, _pendingReadings, _pendingLate) = ([], 0, 0);
        if (published > 0)
        {
            outboxSignal.Notify();
        }
        if (_lastAck is { } ack)
        {
            _lastAck = null;
            await ack.AckAsync(multiple: true, CancellationToken.None);
        }
        logger.LogDebug("Checkpoint {Version} of aggregator partition {Partition} ({Kind}, {Bytes} bytes): "
            + "{Acked} readings acked, {Events} events",
            _version, index, write.IsSnapshot ? "snapshot" : "delta", write.Blob.Length, acked, published);
        return true;
    }

    private void Log(ReadingBatchReceived batch, BatchOutcome outcome)
    {
        if (outcome.Duplicates > 0 || outcome.Late > 0 || outcome.Invalid > 0)
        {
            logger.LogInformation(
                "Batch of {SensorId} ({Readings} readings): {Counted} counted, {Duplicates} duplicates ignored, "
                + "{Late} late, {Invalid} invalid",
                batch.SensorId, batch.Readings.Count, outcome.Counted, outcome.Duplicates, outcome.Late,
                    outcome.Invalid);
        }
    }
}
