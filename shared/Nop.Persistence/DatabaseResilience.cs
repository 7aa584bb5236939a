using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace Nop.Persistence;

/// <summary>
/// How a service rides out an unavailable database. A message handler waits (with back-off, until the database
/// answers or the service stops) instead of failing: the delivery stays unacked, the queue behind it stays in the
/// broker, and nothing reaches the retry or dead-letter queues however long the outage lasts. Requests wait only
/// briefly and are answered with an error, since their caller is waiting now. Readiness reports the outage meanwhile
/// (<see cref="UnavailableSince"/>, <see cref="DatabaseHealthCheck{TContext}"/>).
/// </summary>
public sealed class DatabaseResilience
{
    private readonly ILogger<DatabaseResilience> _logger;
    private readonly TimeProvider _time;
    private readonly ResiliencePipeline _untilAvailable;
    private readonly ResiliencePipeline _brief;
    private readonly ResiliencePipeline _untilSucceeded;
    private long _unavailableSinceTicks;

    /// <summary>Builds the retry pipelines; one instance per service (a singleton).</summary>
    public DatabaseResilience(ILogger<DatabaseResilience> logger)
    {
        _logger = logger;
        // Real time on purpose: tests that fake the clock must not freeze the back-off or move the outage's start.
        _time = TimeProvider.System;
        _untilAvailable = Build(int.MaxValue, TimeSpan.FromSeconds(5), IsTransient);
        _brief = Build(3, TimeSpan.FromSeconds(1), IsTransient);
        _untilSucceeded = Build(int.MaxValue, TimeSpan.FromSeconds(5), IsDatabaseError);
    }

    /// <summary>When the current outage began, or null while the database answers.</summary>
    public DateTimeOffset? UnavailableSince =>
        Interlocked.Read(ref _unavailableSinceTicks) is var ticks and > 0
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : null;

    /// <summary>Runs <paramref name="work"/>, retrying write conflicts and transient failures until the database
    /// answers (or cancellation); for message handlers.</summary>
    public Task<T> UntilAvailableAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(_untilAvailable, work, cancellationToken);

    /// <summary>Runs <paramref name="work"/> with a few quick retries; for requests, whose caller has a time-out.
    /// </summary>
    public Task<T> BrieflyAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(_brief, work, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> until it gets past any database error, not only the transient kinds (or
    /// cancellation): for work that must not turn a message into a dead letter whatever the database does, such as
    /// loading an aggregator partition's state. It waits (unready) and the messages wait in the broker.
    /// </summary>
    public Task UntilSucceededAsync(Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        RunAsync(_untilSucceeded, async ct =>
        {
            await work(ct);
            return true;
        }, cancellationToken);

    /// <summary>Records a failure or success seen outside the pipelines (a checkpoint, the health check).</summary>
    public void Report(bool available)
    {
        if (available)
        {
            Interlocked.Exchange(ref _unavailableSinceTicks, 0);
        }
        else
        {
            Interlocked.CompareExchange(ref _unavailableSinceTicks, _time.GetUtcNow().UtcTicks, 0);
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

    /// <summary>Connection, locking and I/O failures, which go away by themselves; not constraint violations or
    /// bugs.</summary>
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

    private async Task<T> RunAsync<T>(ResiliencePipeline pipeline, Func<CancellationToken, Task<T>> work,
        CancellationToken cancellationToken)
    {
        var result = await pipeline.ExecuteAsync(async ct => await work(ct), cancellationToken);
        Report(available: true);
        return result;
    }

    private ResiliencePipeline Build(int attempts, TimeSpan maxDelay, Func<Exception, bool> unavailable) =>
        new ResiliencePipelineBuilder()
            // A concurrent change of the same rows (stale version, or a key taken meanwhile): reload and decide again.
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(WriteConflict.IsConflict),
                MaxRetryAttempts = 5,
                Delay = TimeSpan.FromMilliseconds(20),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(unavailable),
                MaxRetryAttempts = attempts,
                Delay = TimeSpan.FromMilliseconds(200),
                MaxDelay = maxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    Report(available: false);
                    _logger.LogWarning("Database unavailable (attempt {Attempt}): {Error}; retrying in {Delay}",
                        args.AttemptNumber + 1, args.Outcome.Exception?.GetBaseException().Message, args.RetryDelay);
                    return default;
                },
            })
            .Build();
}
