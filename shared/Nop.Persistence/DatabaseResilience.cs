using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Polly;
using Polly.Retry;

namespace Nop.Alerting.Data;

/// <summary>
/// How Alerting rides out an unavailable database. A noise event's handler waits (with back-off, until the database
/// answers or the service stops) instead of failing: the delivery stays unacked, the queue behind it stays in the
/// broker, and nothing reaches the retry/dead queues however long the outage lasts. Requests wait only briefly and
/// are answered with an error, since their caller is waiting now. Readiness reports the outage meanwhile.
/// </summary>
public sealed class DatabaseResilience
{
    private readonly ILogger<DatabaseResilience> _logger;
    private readonly TimeProvider _time;
    private long _unavailableSinceTicks;

    public DatabaseResilience(ILogger<DatabaseResilience> logger)
    {
        _logger = logger;
        // Real time on purpose: tests that fake the clock for alert expiry must not freeze the back-off.
        _time = TimeProvider.System;
        UntilAvailable = Build(int.MaxValue, TimeSpan.FromSeconds(5));
        Brief = Build(3, TimeSpan.FromSeconds(1));
    }

    private ResiliencePipeline UntilAvailable { get; }

    private ResiliencePipeline Brief { get; }

    /// <summary>Runs <paramref name="work"/>, retrying transient failures until the database answers (or cancellation); for message handlers.</summary>
    public Task<T> UntilAvailableAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(UntilAvailable, work, cancellationToken);

    /// <summary>Runs <paramref name="work"/> with a few quick retries; for requests, whose caller has a time-out.</summary>
    public Task<T> BrieflyAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        RunAsync(Brief, work, cancellationToken);

    private async Task<T> RunAsync<T>(ResiliencePipeline pipeline, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        var result = await pipeline.ExecuteAsync(async ct => await work(ct), cancellationToken);
        Report(available: true);
        return result;
    }

    /// <summary>When the current outage began, or null while the database answers.</summary>
    public DateTimeOffset? UnavailableSince =>
        Interlocked.Read(ref _unavailableSinceTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Records a failure or success seen outside the pipelines (health check).</summary>
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

    private ResiliencePipeline Build(int attempts, TimeSpan maxDelay) => new ResiliencePipelineBuilder()
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
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
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

    /// <summary>Connection, locking and I/O failures, which go away by themselves; not constraint violations or bugs.</summary>
    public static bool IsTransient(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                // BUSY, LOCKED, IOERR, FULL, CANTOPEN, PROTOCOL.
                case SqliteException sqlite when sqlite.SqliteErrorCode is 5 or 6 or 10 or 13 or 14 or 15:
                    return true;
                case SqlException sql when sql.Number is -2 or 20 or 53 or 64 or 233 or 1205 or 4060 or 10053 or 10054 or 10060 or 40197 or 40501 or 40613:
                    return true;
                case DbException { IsTransient: true }:
                case TimeoutException:
                    return true;
            }
        }
        return false;
    }
}
