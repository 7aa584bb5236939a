using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Nop.Contracts;

namespace Nop.Messaging.Tests;

internal sealed class RecordingHandler(Received<ReadingReceived> received) : IMessageHandler<ReadingReceived>
{
    public Task HandleAsync(ReadingReceived message, MessageContext context, CancellationToken cancellationToken)
    {
        received.Add(message, context.Envelope);
        return Task.CompletedTask;
    }
}

internal sealed class FailureSwitch
{
    public volatile bool Failing = true;

    public ConcurrentQueue<DateTime> Attempts { get; } = new();
}

/// <summary>Fails every reading of sensor "bad" while the switch is on.</summary>
internal sealed class FlakyHandler(Received<ReadingReceived> received, FailureSwitch failure)
    : IMessageHandler<ReadingReceived>
{
    // Tests look for this frame in a dead letter's stack trace: once the route's call site is hot, dynamic PGO would
    // otherwise inline it (guarded devirtualisation) and the frame would vanish from the trace.
    [MethodImpl(MethodImplOptions.NoInlining)]
    public Task HandleAsync(ReadingReceived message, MessageContext context, CancellationToken cancellationToken)
    {
        if (message.SensorId == "bad" && failure.Failing)
        {
            failure.Attempts.Enqueue(DateTime.UtcNow);
            throw new InvalidOperationException($"boom for {message.ReadingId}");
        }
        received.Add(message, context.Envelope);
        return Task.CompletedTask;
    }
}

/// <summary>
/// In-memory stand-in for a service's database inbox. A real one records the id in the handler's transaction.
/// </summary>
internal sealed class InboxStore
{
    public ConcurrentDictionary<string, byte> Seen { get; } = new();

    public int Duplicates;
}

internal sealed class MemoryInbox(InboxStore store) : IInbox
{
    public Task<bool> TryBeginAsync(string consumer, MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        var first = store.Seen.TryAdd(consumer + "/" + envelope.MessageId, 0);
        if (!first)
        {
            Interlocked.Increment(ref store.Duplicates);
        }
        return Task.FromResult(first);
    }
}

/// <summary>First hop: a reading causes a spike event.</summary>
internal sealed class HopOneHandler(MessagePublisher publisher, Received<ReadingReceived> received,
    ILogger<HopOneHandler> logger)
    : IMessageHandler<ReadingReceived>
{
    public async Task HandleAsync(ReadingReceived message, MessageContext context, CancellationToken cancellationToken)
    {
        logger.LogInformation("hop one");
        received.Add(message, context.Envelope);
        var spike = new NoiseSpikeDetected(message.SensorId, message.Zone, message.ReadingId, message.MeasuredAt, 104,
            100, NoiseClass.Dangerous);
        await publisher.PublishAsync(Exchanges.Noise, RoutingKeys.Spike(message.SensorId), spike, context.CausedBy(),
            cancellationToken);
    }
}

/// <summary>Second hop: the spike is consumed.</summary>
internal sealed class HopTwoHandler(Received<NoiseSpikeDetected> received, ILogger<HopTwoHandler> logger)
    : IMessageHandler<NoiseSpikeDetected>
{
    public Task HandleAsync(NoiseSpikeDetected message, MessageContext context, CancellationToken cancellationToken)
    {
        logger.LogInformation("hop two");
        received.Add(message, context.Envelope);
        return Task.CompletedTask;
    }
}

internal sealed class OpenAlertsHandler : IRequestHandler<GetOpenAlerts, AlertPage>
{
    public Task<AlertPage> HandleAsync(GetOpenAlerts request, MessageContext context,
        CancellationToken cancellationToken)
    {
        var alert = new AlertSummary(Guid.CreateVersion7(), "dev-001", Zone.Quiet, AlertRule.Level,
            AlertSeverity.Warning, AlertState.Open,
            61, 50, "too loud", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, context.Envelope.CorrelationId);
        return Task.FromResult(new AlertPage([alert], request.Page, request.PageSize, 1));
    }
}

internal sealed class BrokenQueryHandler : IRequestHandler<GetAlert, AlertDetails>
{
    public Task<AlertDetails> HandleAsync(GetAlert request, MessageContext context,
        CancellationToken cancellationToken) =>
        throw new InvalidOperationException("the database is on fire");
}

/// <summary>Handling attempts per reading id.</summary>
internal sealed class AttemptLog
{
    private readonly ConcurrentDictionary<string, int> _attempts = new();

    public int Of(string readingId) => _attempts.GetValueOrDefault(readingId);

    public int Add(string readingId) => _attempts.AddOrUpdate(readingId, 1, (_, n) => n + 1);
}

/// <summary>
/// Fails reading "slow" on its first two attempts and "quick" on its first, so each goes to a retry queue.
/// </summary>
internal sealed class FailsUntilHandler(AttemptLog attempts) : IMessageHandler<ReadingReceived>
{
    public Task HandleAsync(ReadingReceived message, MessageContext context, CancellationToken cancellationToken)
    {
        var attempt = attempts.Add(message.ReadingId);
        var failures = message.ReadingId switch { "slow" => 2, "quick" => 1, _ => 0 };
        return attempt <= failures ? throw new InvalidOperationException($"attempt {attempt} of {message.ReadingId}")
            : Task.CompletedTask;
    }
}
