using Microsoft.Extensions.Options;
using Nop.Notifier.Data;

namespace Nop.Notifier.Subscriptions;

// The configured subscriptions, looked up by id and by the stage they take part in.
public sealed class SubscriptionCatalog(IOptions<NotifierOptions> options)
{
    private readonly Dictionary<string, SubscriptionOptions> _byId =
        options.Value.Subscriptions.ToDictionary(s => s.Id, StringComparer.Ordinal);

    public IReadOnlyCollection<SubscriptionOptions> All => _byId.Values;

    // The highest escalation level any subscription listens at (0: alerts never escalate).
    public int MaxLevel { get; } = options.Value.Subscriptions.Select(s => s.Level).DefaultIfEmpty(0).Max();

    public SubscriptionOptions? Find(string id) => _byId.GetValueOrDefault(id);

    // The subscriptions told at escalation `level` (0: when raised) about this alert.
    public IEnumerable<SubscriptionOptions> At(int level, NotifiedAlert alert) =>
        _byId.Values.Where(s => s.Level == level && s.Matches(alert.SensorId, alert.Zone, alert.Rule, alert.Severity));

    public static string StageOf(int level) =>
        level == 0
            ? Stages.Raised
            : Stages.EscalationPrefix + level.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

// The stages of an alert's notifications.
public static class Stages
{
    public const string Raised = "raised";
    public const string EscalationPrefix = "escalation-";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";

    // Stages that tell someone about the alert in the first place; follow-ups go to whoever got one of them.
    public static bool Announces(string stage) =>
        stage == Raised || stage.StartsWith(EscalationPrefix, StringComparison.Ordinal);
}
