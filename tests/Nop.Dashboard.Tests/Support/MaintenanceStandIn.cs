using System.Collections.Concurrent;
using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Dashboard.Tests;

/// <summary>
/// Alerting's process manager as far as the Dashboard sees it: answers StartMaintenance, EndMaintenance,
/// GetMaintenance and GetSensorMaintenance from memory by a fixed script (the Alerting tests cover the real saga).
/// Records every request with its envelope, and can be told to stall so the Dashboard's request times out.
/// </summary>
public sealed class MaintenanceStandIn
{
    /// <summary>A sensor whose maintenance the stand-in refuses as invalid.</summary>
    public const string RefusedSensor = "dev-005";

    /// <summary>The refusal's detail.</summary>
    public const string RefusedDetail = "dev-005 is being replaced; no maintenance can be started.";

    private readonly ConcurrentDictionary<Guid, MaintenanceDetails> _maintenances = new();

    /// <summary>Every request, in order, with its envelope (correlation id, message id).</summary>
    public ConcurrentQueue<(object Request, MessageEnvelope Envelope)> Requests { get; } = new();

    /// <summary>While set, requests are not answered before the Dashboard gives up.</summary>
    public bool Stalled { get; set; }

    /// <summary>Holds <paramref name="details"/> as if it had been started earlier.</summary>
    public void Set(MaintenanceDetails details) => _maintenances[details.MaintenanceId] = details;

    public MaintenanceDetails? Find(Guid id) => _maintenances.GetValueOrDefault(id);

    internal async Task<TReply> AnswerAsync<TReply>(object request, MessageContext context, Func<TReply> answer,
        CancellationToken cancellationToken)
    {
        Requests.Enqueue((request, context.Envelope));
        if (Stalled)
        {
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
        }
        return answer();
    }

    internal MaintenanceReply Start(StartMaintenance start, string correlationId)
    {
        if (start.SensorId == RefusedSensor)
        {
            return new MaintenanceReply(MaintenanceOutcome.Invalid, null, RefusedDetail);
        }
        var now = DateTimeOffset.UtcNow;
        var created = new MaintenanceDetails(start.MaintenanceId, start.SensorId, start.From, start.To, start.Reason,
            start.RequestedBy, MaintenanceState.Starting, null,
            [new MaintenanceStep(MaintenanceParticipants.Processing, MaintenanceAction.Begin, StepOutcome.Pending, 1,
                now, null, null)],
            now, now, correlationId);
        var held = _maintenances.GetOrAdd(start.MaintenanceId, created);
        // A repeat answers as the first did; the same id for another sensor or period is a conflict.
        return held.SensorId == start.SensorId && held.From == start.From && held.To == start.To
            ? new MaintenanceReply(MaintenanceOutcome.Ok, held, null)
            : new MaintenanceReply(MaintenanceOutcome.Conflict, held, "This id names another maintenance.");
    }

    internal MaintenanceReply End(EndMaintenance end)
    {
        if (!_maintenances.TryGetValue(end.MaintenanceId, out var held))
        {
            return new MaintenanceReply(MaintenanceOutcome.NotFound, null, null);
        }
        if (held.State is MaintenanceState.Ended or MaintenanceState.Compensated or MaintenanceState.Failed)
        {
            return new MaintenanceReply(MaintenanceOutcome.Conflict, held, $"The maintenance is {held.State}.");
        }
        var ending = held with { State = MaintenanceState.Ending, UpdatedAt = DateTimeOffset.UtcNow };
        _maintenances[end.MaintenanceId] = ending;
        return new MaintenanceReply(MaintenanceOutcome.Ok, ending, null);
    }

    internal MaintenanceReply Get(GetMaintenance get) => _maintenances.TryGetValue(get.MaintenanceId, out var held)
        ? new MaintenanceReply(MaintenanceOutcome.Ok, held, null)
        : new MaintenanceReply(MaintenanceOutcome.NotFound, null, null);

    internal MaintenanceList OfSensor(GetSensorMaintenance query) => new(_maintenances.Values
        .Where(m => m.SensorId == query.SensorId)
        .OrderByDescending(m => m.CreatedAt)
        .Take(query.Limit)
        .ToArray());
}

internal sealed class StartMaintenanceHandler(MaintenanceStandIn maintenance)
    : IRequestHandler<StartMaintenance, MaintenanceReply>
{
    public Task<MaintenanceReply> HandleAsync(StartMaintenance request, MessageContext context,
        CancellationToken cancellationToken) => maintenance.AnswerAsync(request, context,
        () => maintenance.Start(request, context.Envelope.CorrelationId), cancellationToken);
}

internal sealed class EndMaintenanceHandler(MaintenanceStandIn maintenance)
    : IRequestHandler<EndMaintenance, MaintenanceReply>
{
    public Task<MaintenanceReply> HandleAsync(EndMaintenance request, MessageContext context,
        CancellationToken cancellationToken) =>
        maintenance.AnswerAsync(request, context, () => maintenance.End(request), cancellationToken);
}

internal sealed class GetMaintenanceHandler(MaintenanceStandIn maintenance)
    : IRequestHandler<GetMaintenance, MaintenanceReply>
{
    public Task<MaintenanceReply> HandleAsync(GetMaintenance request, MessageContext context,
        CancellationToken cancellationToken) =>
        maintenance.AnswerAsync(request, context, () => maintenance.Get(request), cancellationToken);
}

internal sealed class SensorMaintenanceHandler(MaintenanceStandIn maintenance)
    : IRequestHandler<GetSensorMaintenance, MaintenanceList>
{
    public Task<MaintenanceList> HandleAsync(GetSensorMaintenance request, MessageContext context,
        CancellationToken cancellationToken) =>
        maintenance.AnswerAsync(request, context, () => maintenance.OfSensor(request), cancellationToken);
}
