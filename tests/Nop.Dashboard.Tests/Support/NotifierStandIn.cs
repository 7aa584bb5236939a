using System.Collections.Concurrent;
using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Dashboard.Tests;

/// <summary>
/// Notifier's side of <see cref="GetAlertNotifications"/>, from entries a test sets per alert (the Notifier tests
/// cover the real one). Records each query, and can be told to stall so the Dashboard's request times out.
/// </summary>
public sealed class NotifierStandIn
{
    private readonly ConcurrentDictionary<Guid, NotificationEntry[]> _entries = new();

    public ConcurrentQueue<GetAlertNotifications> Queries { get; } = new();

    /// <summary>While set, queries are not answered before the Dashboard gives up.</summary>
    public bool Stalled { get; set; }

    public void Set(Guid alertId, params NotificationEntry[] entries) => _entries[alertId] = entries;

    internal async Task<AlertNotifications> AnswerAsync(GetAlertNotifications query,
        CancellationToken cancellationToken)
    {
        Queries.Enqueue(query);
        if (Stalled)
        {
            await Task.Delay(TimeSpan.FromSeconds(10), cancellationToken);
        }
        return new AlertNotifications(query.AlertId, _entries.GetValueOrDefault(query.AlertId, []));
    }

    /// <summary>An e-mail to operator@nop.local, delivered two seconds after it was planned.</summary>
    public static NotificationEntry Mailed(string stage, DateTimeOffset at) => new("ops-mail",
        NotificationChannel.Email, "operator@nop.local", stage, NotificationStatus.Delivered, at, at, at.AddSeconds(2),
        1, null);

    /// <summary>A webhook to 127.0.0.1:5098 that its receiver refused for good.</summary>
    public static NotificationEntry HookFailed(string stage, DateTimeOffset at) => new("ops-hook",
        NotificationChannel.Webhook, "127.0.0.1:5098", stage, NotificationStatus.Failed, at, at, null, 5,
        "HTTP 410 Gone");
}

internal sealed class AlertNotificationsHandler(NotifierStandIn notifier)
    : IRequestHandler<GetAlertNotifications, AlertNotifications>
{
    public Task<AlertNotifications> HandleAsync(GetAlertNotifications request, MessageContext context,
        CancellationToken cancellationToken) => notifier.AnswerAsync(request, cancellationToken);
}
