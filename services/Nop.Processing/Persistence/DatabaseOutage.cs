using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Nop.Processing.Persistence;

/// <summary>
/// How Processing rides out an unavailable database (as Alerting does): a partition's handler waits, with back-off,
/// until the database answers instead of throwing, so its readings stay unacked in the broker (back-pressure) and
/// never reach the retry or <c>.dead</c> queues. Failed checkpoints are reported here too, and readiness says so.
/// </summary>
public sealed class DatabaseOutage(ILogger<DatabaseOutage> logger)
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);
    private long _unavailableSinceTicks;

    /// <summary>When the current outage began, or null while the database answers.</summary>
    public DateTimeOffset? UnavailableSince =>
        Interlocked.Read(ref _unavailableSinceTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public void Report(bool available)
    {
        if (available)
        {
            Interlocked.Exchange(ref _unavailableSinceTicks, 0);
        }
        else
        {
            // Real time on purpose: tests that fake the clock must not move the outage's start.
            Interlocked.CompareExchange(ref _unavailableSinceTicks, DateTimeOffset.UtcNow.UtcTicks, 0);
        }
    }

    /// <summary>Runs <paramref name="work"/> until it gets past transient database failures (or cancellation).</summary>
    public async Task UntilAvailableAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken)
    {
        var delay = FirstDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await work(cancellationToken);
                Report(available: true);
                return;
            }
            // Any database error, not only the transient kinds: a partition that cannot load its state must not turn
            // readings into dead letters; it waits (unready) and the readings wait in the broker.
            catch (Exception ex) when (IsDatabaseError(ex))
            {
                Report(available: false);
                logger.LogWarning("Processing database unavailable (attempt {Attempt}): {Error}; retrying in {Delay}",
                    attempt, ex.GetBaseException().Message, delay);
            }
            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxDelay.Ticks));
        }
    }

    /// <summary>A failure of the database or of talking to it, rather than of our code.</summary>
    public static bool IsDatabaseError(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            if (ex is DbException or TimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Connection, locking and I/O failures, which go away by themselves; not constraint violations or bugs.</summary>
    public static bool IsTransient(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                // BUSY, LOCKED, IOERR, FULL, CANTOPEN, PROTOCOL.
                case SqliteException sqlite when sqlite.SqliteErrorCode is 5 or 6 or 10 or 13 or 14 or 15:
                case SqlException sql when sql.Number is -2 or 20 or 53 or 64 or 233 or 1205 or 4060 or 10053 or 10054
                    or 10060 or 40197 or 40501 or 40613:
                case DbException { IsTransient: true }:
                case TimeoutException:
                    return true;
            }
        }
        return false;
    }
}
