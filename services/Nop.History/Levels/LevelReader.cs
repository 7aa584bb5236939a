using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.History.Data;
using Nop.History.Indicators;
using Nop.Messaging;
using Nop.Persistence;

namespace Nop.History.Levels;

// Where History reads the levels stream, and which instance does. Before every subscription (StreamReaderHost asks
// StartAtAsync) it waits for the reader's lease, has the writer write what it holds, carries out a requested rebuild,
// then starts at the stored offset: after the last message applied, or at the first message the stream holds when
// the database is new or emptied (so a History on an empty database replays everything the stream keeps), or at the
// rebuild's start. While it holds the lease it renews it; when it loses it (another instance took over after a stall)
// the reader starts over, waiting for the lease again. On a graceful stop it gives the lease up, so a standby
// instance takes over at once.
public sealed class LevelReader(
    IDbContextFactory<HistoryDbContext> databases,
    DatabaseResilience resilience,
    LevelWriter writer,
    ReaderLease lease,
    LocalCalendar calendar,
    IOptions<HistoryOptions> history,
    IServiceProvider services,
    TimeProvider time,
    ILogger<LevelReader> logger) : BackgroundService
{
    // A rebuild reads the stream from this long before its period: a window is appended when it closes, after it
    // began, but a sensor's clock may run ahead of the broker's by up to Ingest's future tolerance (5 minutes).
    public static readonly TimeSpan ReplayMargin = TimeSpan.FromMinutes(10);

    private readonly Lock _lock = new();
    private RebuildPlan? _pending;

    private StreamReaderHost Host => services.GetServices<IHostedService>().OfType<StreamReaderHost>()
        .Single(h => h.Name == Queues.HistoryLevels);

    public bool HoldsLease => lease.Held;

    public async Task<StreamOffset> StartAtAsync(CancellationToken cancellationToken)
    {
        await WaitForLeaseAsync(cancellationToken);
        await writer.FlushAsync(cancellationToken);
        RebuildPlan? rebuild;
        lock (_lock)
        {
            (rebuild, _pending) = (_pending, null);
        }
        if (rebuild is not null)
        {
            try
            {
                await resilience.UntilAvailableAsync(ct => RebuildAsync(rebuild, ct), cancellationToken);
            }
            catch
            {
                // Not done: tried again at the next start (the reader retries), unless a newer request replaced it.
                lock (_lock)
                {
                    _pending ??= rebuild;
                }
                throw;
            }
        }
        await writer.ResetAsync(rebuild is null ? null : time.GetUtcNow(), cancellationToken);
        var row = await resilience.UntilAvailableAsync(async ct =>
        {
            await using var db = await databases.CreateDbContextAsync(ct);
            return await db.StreamOffsets.AsNoTracking().SingleOrDefaultAsync(o => o.Stream == Queues.LevelsStream,
                ct);
        }, cancellationToken);
        return row switch
        {
            { NextOffset: { } next } => StreamOffset.At(next),
            { ReplayFrom: { } from } => StreamOffset.From(from),
            _ => StreamOffset.First,
        };
    }

    // Asks for a rebuild of the period from `from` (all the minutes History still keeps when null): the reader stops,
    // the writer writes what it holds, the period's minutes, hours and level-alert events are deleted and the stream is
    // read again from the period's start. Idempotent: asking again rebuilds again; two requests before the reader
    // got to them are one, from the earlier start.
    public RebuildPlan RequestRebuild(DateTimeOffset? from)
    {
        if (!lease.Held)
        {
            throw new InvalidOperationException(
                "This instance does not read the levels stream (another holds the reader's lease): ask that one.");
        }
        var now = time.GetUtcNow();
        // Windows older than the minute retention are not taken back (their minute rows may be swept), so hours before
        // it could not be rebuilt: the period starts at the first whole hour within it.
        var horizon = now - history.Value.MinuteRetention;
        var hourOfHorizon = calendar.HourStart(horizon);
        var earliest = hourOfHorizon < horizon ? calendar.HourStart(horizon.AddHours(1)) : hourOfHorizon;
        RebuildPlan plan;
        if (from is { } asked)
        {
            if (asked > now)
            {
                throw new ArgumentOutOfRangeException(nameof(from), "A rebuild cannot start in the future.");
            }
            var start = calendar.HourStart(asked);
            if (start < earliest)
            {
                throw new ArgumentOutOfRangeException(nameof(from),
                    $"A rebuild may start at {earliest:O} at the earliest: older windows are past the minute " +
                    $"retention ({history.Value.MinuteRetention.TotalDays:0.##} days) and are not taken back.");
            }
            plan = new RebuildPlan(start, StreamOffset.From(start - ReplayMargin).ToString(), now);
        }
        else
        {
            plan = new RebuildPlan(earliest, StreamOffset.First.ToString(), now);
        }
        lock (_lock)
        {
            if (_pending is { } earlier && earlier.From <= plan.From)
            {
                plan = earlier with { RequestedAt = now };
            }
            _pending = plan;
        }
        logger.LogInformation("Rebuild requested from {From:O}: reading the stream again from {StreamFrom}",
            plan.From, plan.StreamFrom);
        Host.Restart();
        return plan;
    }

    private async Task<bool> RebuildAsync(RebuildPlan plan, CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var from = plan.From;
        var minutes = await db.Minutes.Where(m => m.WindowStart >= from).ExecuteDeleteAsync(cancellationToken);
        var hours = await db.Hours.Where(h => h.HourStart >= from).ExecuteDeleteAsync(cancellationToken);
        var events = await db.LevelAlertEvents.Where(e => e.WindowStart >= from)
            .ExecuteDeleteAsync(cancellationToken);
        // The position moves back with the data, in the same transaction: a crash now still replays the period.
        await db.StreamOffsets.Where(o => o.Stream == Queues.LevelsStream).ExecuteDeleteAsync(cancellationToken);
        if (plan.StreamFrom != StreamOffset.First.ToString())
        {
            db.StreamOffsets.Add(new StreamOffsetRow
            {
                Stream = Queues.LevelsStream,
                ReplayFrom = from - ReplayMargin,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation(
            "Rebuild from {From:O}: deleted {Minutes} minute(s), {Hours} hour(s) and {Events} level-alert event(s); " +
            "replaying the levels stream from {StreamFrom}", from, minutes, hours, events, plan.StreamFrom);
        return true;
    }

    private async Task WaitForLeaseAsync(CancellationToken cancellationToken)
    {
        var logged = false;
        while (true)
        {
            var held = await resilience.UntilAvailableAsync(async ct =>
            {
                await using var db = await databases.CreateDbContextAsync(ct);
                return await lease.HoldAsync(db, ct);
            }, cancellationToken);
            if (held)
            {
                if (logged)
                {
                    logger.LogInformation("Took over reading the levels stream");
                }
                return;
            }
            if (!logged)
            {
                logger.LogInformation(
                    "Another instance reads the levels stream; waiting to take over (lease {Duration})",
                    lease.Duration);
                logged = true;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, cancellationToken);
        }
    }

    // Renews the lease while reading, also when no message comes; a lease lost sends the reader back to waiting.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        lease.Lost += OnLost;
        try
        {
            using var timer = new PeriodicTimer(lease.Duration / 6, TimeProvider.System);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!lease.Held)
                {
                    continue;
                }
                try
                {
                    await using var db = await databases.CreateDbContextAsync(stoppingToken);
                    await lease.HoldAsync(db, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning("Could not renew the levels reader's lease: {Error}", ex.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            lease.Lost -= OnLost;
        }
    }

    private void OnLost()
    {
        logger.LogWarning("Another instance took over the levels reader's lease; this one waits to take it back");
        Host.Restart();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (!lease.Held)
        {
            return;
        }
        try
        {
            // Registered before the writer, so stopped after it: the last batch is written by now.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await using var db = await databases.CreateDbContextAsync(timeout.Token);
            await lease.ReleaseAsync(db, timeout.Token);
        }
        catch (Exception ex)
        {
            logger.LogWarning("Could not release the levels reader's lease ({Error}); another instance takes over " +
                "when it expires", ex.Message);
        }
    }
}

// What a rebuild will do: delete from From (an hour's start) and read the stream again from StreamFrom.
public sealed record RebuildPlan(DateTimeOffset From, string StreamFrom, DateTimeOffset RequestedAt);
