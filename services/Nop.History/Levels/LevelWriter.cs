using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.History.Data;
using Nop.History.Indicators;
using Nop.History.Maintenance;
using Nop.Messaging;
using Nop.Persistence;

namespace Nop.History.Levels;

// Writes the levels stream's windows and level-alert episodes in batches: deliveries are accumulated (their acks
// deferred) and written in one transaction when BatchSize have come or FlushInterval has passed, together with the
// stream offset after the batch's last delivery (stream_offsets), so the position and the data it covers commit or
// roll back as one; only after the commit is the batch acked (multiple: true; on a stream that returns credit). A
// window is inserted only if its key (sensor, window start) is new, and only the newly inserted windows are merged
// into their hour rows, so a re-read or re-emitted window counts once. The hour rows of the active hours stay in
// memory between batches. A database outage is waited out (the batch stays unacked, the stream waits in the broker);
// a crash before the commit loses nothing: the next reader starts at the stored offset. Each transaction also renews
// the reader's lease: a batch never commits after another instance took over.
// A window flagged in maintenance, or overlapping a sensor's maintenance period, is stored as a minute but merged into
// no hour; maintenance steps recompute hours through the writer (ApplyMaintenanceAsync), so they never race its cache.
public sealed class LevelWriter(
    IDbContextFactory<HistoryDbContext> databases,
    DatabaseResilience resilience,
    LocalCalendar calendar,
    IOptions<HistoryOptions> history,
    IOptions<LevelWriterOptions> options,
    TimeProvider time,
    HistoryMetrics metrics,
    ReaderLease lease,
    ILogger<LevelWriter> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<(string SensorId, DateTimeOffset HourStart), HourState> _hours = [];
    private List<NoiseLevelMeasured> _windows = [];
    private List<LevelAlertEvent> _episodes = [];
    private IDeliveryAck? _lastAck;
    private long? _nextOffset;
    private long _storedOffset = -1;
    private DateTimeOffset? _replayingUntil;
    private DateTimeOffset _replayLoggedAt;
    private long _windowsCounted;
    private long _duplicates;

    // Windows counted in their hours and windows recognised as already counted, since start (tests, diagnostics).
    public (long Counted, long Duplicates) Totals => (Interlocked.Read(ref _windowsCounted),
        Interlocked.Read(ref _duplicates));

    // The stream offset the last written batch stored (-1 before the first), for tests and diagnostics.
    public long StoredOffset => Interlocked.Read(ref _storedOffset);

    // The windows of one delivery (a partition's NoiseLevelsMeasured, or an older Processing's single window).
    public Task AddAsync(IReadOnlyList<NoiseLevelMeasured> windows, MessageContext context,
        CancellationToken cancellationToken)
    {
        var oldest = time.GetUtcNow() - history.Value.MinuteRetention;
        var kept = new List<NoiseLevelMeasured>(windows.Count);
        foreach (var window in windows)
        {
            if (window.WindowStart >= oldest)
            {
                kept.Add(window);
                continue;
            }
            // Its minute row may have been swept already, so it could not be recognised as counted: drop it. A replay
            // from the stream's start meets many: logged at debug level there.
            logger.Log(context.StreamOffset is null || _replayingUntil is null ? LogLevel.Warning : LogLevel.Debug,
                "Dropped the window {WindowStart:O} of {SensorId}: older than the minute retention {Days} d",
                window.WindowStart, window.SensorId, history.Value.MinuteRetention.TotalDays);
        }
        return AddAsync(kept.Count == 0 ? null : () => _windows.AddRange(kept), context, cancellationToken);
    }

    public Task AddAsync(LevelAlertEvent alertEvent, MessageContext context, CancellationToken cancellationToken) =>
        AddAsync(() => _episodes.Add(alertEvent), context, cancellationToken);

    // A delivery that changes nothing (another rule's event, a window past retention): only its offset is stored,
    // with the next batch, so a restart does not read it again.
    public Task SkipAsync(MessageContext context, CancellationToken cancellationToken) =>
        AddAsync((Action?)null, context, cancellationToken);

    // Before reading starts anew (a rebuild, another instance's takeover): the cached hours may be stale and the
    // unwritten batch is not this reader's to write any more. Called with the reader stopped.
    public async Task ResetAsync(DateTimeOffset? replayingUntil, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Discard();
            _replayingUntil = replayingUntil;
        }
        finally
        {
            _gate.Release();
        }
    }

    // Writes what has accumulated (the timer, and tests that want everything delivered so far written).
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await WriteBatchAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    // Applies a maintenance step (MaintenanceHours) in its own transaction, under the writer's gate: the pending batch
    // is written first, and the cached hours are dropped after, since the step rewrites hour rows. The refusal, or
    // null when done.
    public async Task<string?> ApplyMaintenanceAsync(MaintenanceStepCommand command,
        CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await WriteBatchAsync(cancellationToken);
            try
            {
                return await resilience.UntilAvailableAsync(async ct =>
                {
                    await using var db = await databases.CreateDbContextAsync(ct);
                    await using var transaction = await db.Database.BeginTransactionAsync(ct);
                    var refusal = await MaintenanceHours.ApplyAsync(db, calendar, command, time.GetUtcNow(),
                        history.Value.MinuteRetention, ct);
                    await transaction.CommitAsync(ct);
                    return refusal;
                }, cancellationToken);
            }
            finally
            {
                _hours.Clear();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Not a database outage (that is waited out inside): the batch stays unacked and is tried again.
                    logger.LogError(ex, "Writing a batch of levels failed; it is tried again");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: what is not written stays unacked and is redelivered.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // The consumers have stopped: write their last deliveries, so the next holder of the queue has less to
            // redeliver (what is not written is redelivered and counted then).
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "The last batch of levels was not written; it is redelivered");
        }
    }

    private async Task AddAsync(Action? add, MessageContext context, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            add?.Invoke();
            _lastAck = context.DeferAck();
            if (context.StreamOffset is { } offset)
            {
                _nextOffset = offset + 1;
            }
            if (_windows.Count + _episodes.Count >= options.Value.BatchSize)
            {
                await WriteBatchAsync(cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task WriteBatchAsync(CancellationToken cancellationToken)
    {
        if (_lastAck is not { } ack)
        {
            return;
        }
        var (windows, episodes, nextOffset) = (_windows, _episodes, _nextOffset);
        int counted, hours, episodesStored, duplicates;
        try
        {
            (counted, hours, episodesStored, duplicates) = await resilience.UntilAvailableAsync(
                ct => WriteAsync(windows, episodes, nextOffset, ct), cancellationToken);
        }
        catch (ReaderLeaseLostException)
        {
            // The new holder reads from the stored offset: this batch is its to write.
            logger.LogWarning("Another instance took over the levels stream; {Count} unwritten deliveries dropped",
                windows.Count + episodes.Count);
            Discard();
            return;
        }
        (_windows, _episodes, _lastAck, _nextOffset) = ([], [], null, null);
        if (nextOffset is { } stored)
        {
            Interlocked.Exchange(ref _storedOffset, stored);
        }
        LogReplay(windows, nextOffset);
        Interlocked.Add(ref _windowsCounted, counted);
        metrics.Written(counted, hours, episodesStored);
        Interlocked.Add(ref _duplicates, duplicates);
        if (_hours.Count > options.Value.CachedHours)
        {
            _hours.Clear();
        }
        await ack.AckAsync(multiple: true, CancellationToken.None);
        if (duplicates > 0)
        {
            logger.LogInformation("{Duplicates} window(s) already counted were ignored", duplicates);
        }
    }

    private void Discard()
    {
        (_windows, _episodes, _lastAck, _nextOffset) = ([], [], null, null);
        _hours.Clear();
    }

    // During a rebuild's replay: where it is, every few seconds, and when it has caught up with the time it began.
    private void LogReplay(List<NoiseLevelMeasured> windows, long? nextOffset)
    {
        if (_replayingUntil is not { } until || windows.Count == 0)
        {
            return;
        }
        var latest = windows.Max(w => w.WindowStart);
        var now = time.GetUtcNow();
        if (latest >= until)
        {
            logger.LogInformation("Rebuild: the replay has caught up (window {WindowStart:O}, offset {Offset})",
                latest, nextOffset);
            _replayingUntil = null;
        }
        else if (now - _replayLoggedAt >= TimeSpan.FromSeconds(5))
        {
            _replayLoggedAt = now;
            logger.LogInformation("Rebuild: replayed up to window {WindowStart:O} (offset {Offset}), until {Until:O}",
                latest, nextOffset, until);
        }
    }

    // One transaction. On any failure the cached hours may hold merges that were rolled back: the cache is emptied,
    // so the next attempt reads the hours from the database.
    // Returns the new minute rows, the hour rows written, the new episodes and the windows already counted.
    private async Task<(int Counted, int Hours, int Episodes, int Duplicates)> WriteAsync(
        List<NoiseLevelMeasured> windows, List<LevelAlertEvent> episodes, long? nextOffset,
        CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await databases.CreateDbContextAsync(cancellationToken);
            await db.Database.OpenConnectionAsync(cancellationToken);
            if (db.Database.IsSqlite())
            {
                // One fsync per checkpoint instead of per commit. Still durable against a crash of the process; a power
                // loss may lose the last commits, but their deliveries are acked only after the commit returned and the
                // broker redelivers the rest, and a window lost with its minute row is simply counted again.
                await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous=NORMAL;", cancellationToken);
            }
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (nextOffset is not null && !await lease.HoldAsync(db, cancellationToken))
            {
                throw new ReaderLeaseLostException();
            }
            await using var store = new LevelStore(db);
            var changed = new List<((string, DateTimeOffset) Key, HourState Hour)>();
            var counted = 0;
            var maintenance = windows.Count == 0 ? null
                : await MaintenancePeriods.LoadAsync(db, windows.Min(w => w.WindowStart), null, cancellationToken);
            foreach (var window in windows)
            {
                if (!await store.InsertMinuteAsync(window, LevelAggregate.SecondsAbove(window), cancellationToken))
                {
                    continue;
                }
                counted++;
                if (window.Maintenance || (maintenance is { IsEmpty: false }
                    && maintenance.Overlaps(window.SensorId, window.WindowStart, window.WindowEnd)))
                {
                    // Kept as a minute (a compensation brings it back into its hour), left out of coverage and levels.
                    continue;
                }
                var key = (window.SensorId, calendar.HourStart(window.WindowStart));
                if (!_hours.TryGetValue(key, out var hour))
                {
                    hour = await store.LoadHourAsync(key.SensorId, key.Item2, cancellationToken)
                        ?? new HourState(window.Zone, new LevelAggregate(), 0);
                    _hours[key] = hour;
                }
                hour.Aggregate.AddWindow(window);
                hour.Zone = window.Zone;
                if (!hour.Dirty)
                {
                    hour.Dirty = true;
                    changed.Add((key, hour));
                }
            }
            foreach (var (key, hour) in changed)
            {
                await store.SaveHourAsync(key.Item1, key.Item2, hour, cancellationToken);
            }
            var stored = 0;
            foreach (var episode in episodes)
            {
                if (await store.InsertLevelAlertEventAsync(episode, calendar.DateOf(episode.WindowStart),
                    cancellationToken))
                {
                    stored++;
                }
            }
            if (nextOffset is { } next)
            {
                await store.SaveOffsetAsync(Queues.LevelsStream, next, cancellationToken);
            }
            await transaction.CommitAsync(cancellationToken);
            foreach (var (_, hour) in changed)
            {
                hour.Version++;
                hour.Dirty = false;
            }
            return (counted, changed.Count, stored, windows.Count - counted);
        }
        catch
        {
            _hours.Clear();
            throw;
        }
    }
}
