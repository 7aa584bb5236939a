using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Notifier.Data;
using Nop.Notifier.Subscriptions;

namespace Nop.Notifier.Sending;

// What one delivery says: a subject and plain text for e-mail, and the webhook's JSON (whose "text" field is what
// Slack- and Teams-style incoming webhooks show).
public sealed record Notification(Guid DeliveryId, string Subject, string Text, WebhookPayload Payload);

public sealed record WebhookPayload(
    string Text,
    Guid DeliveryId,
    string Stage,
    WebhookAlert? Alert,
    IReadOnlyList<WebhookEntry>? Entries,
    DateTimeOffset SentAt);

public sealed record WebhookAlert(
    Guid AlertId,
    string SensorId,
    Zone Zone,
    AlertRule Rule,
    AlertSeverity Severity,
    double Level,
    double Threshold,
    DateTimeOffset RaisedAt,
    string Message,
    string? AcknowledgedBy,
    string? AcknowledgeComment,
    DateTimeOffset? AcknowledgedAt,
    string? ResolvedReason,
    DateTimeOffset? ResolvedAt);

public sealed record WebhookEntry(string Stage, DateTimeOffset PlannedAt, string Text, WebhookAlert Alert);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(WebhookPayload))]
public sealed partial class NotifierJsonContext : JsonSerializerContext;

// Writes the notifications. Times in UTC (ISO 8601), levels in dB(A) with one decimal.
public sealed class NotificationWriter(IOptions<NotifierOptions> options, TimeProvider time)
{
    public Notification Stage(Delivery delivery, NotifiedAlert alert)
    {
        var subject = Subject(delivery.Stage, alert);
        var text = new StringBuilder()
            .AppendLine(subject)
            .AppendLine()
            .Append(Body(delivery.Stage, alert))
            .Append(PageLine())
            .ToString();
        var payload = new WebhookPayload(subject, delivery.Id, delivery.Stage, Describe(alert), null, time.GetUtcNow());
        return new Notification(delivery.Id, subject, text, payload);
    }

    public Notification Digest(Delivery digest, IReadOnlyList<(Delivery Stage, NotifiedAlert Alert)> entries)
    {
        var subject = string.Create(CultureInfo.InvariantCulture,
            $"[NOP] Digest: {entries.Count} notification(s) until {digest.DueAt:yyyy-MM-dd HH:mm} UTC");
        var text = new StringBuilder().AppendLine(subject).AppendLine();
        foreach (var (stage, alert) in entries)
            text.Append(CultureInfo.InvariantCulture, $"- {stage.PlannedAt:HH:mm} {Subject(stage.Stage, alert)}")
                .AppendLine();
        text.Append(PageLine());
        var payload = new WebhookPayload(text.ToString(), digest.Id, digest.Stage, null,
            entries.Select(e => new WebhookEntry(e.Stage.Stage, e.Stage.PlannedAt, Subject(e.Stage.Stage, e.Alert),
                Describe(e.Alert))).ToList(), time.GetUtcNow());
        return new Notification(digest.Id, subject, text.ToString(), payload);
    }

    private string Subject(string stage, NotifiedAlert alert)
    {
        var what = string.Create(CultureInfo.InvariantCulture,
            $"{alert.Severity.ToString().ToUpperInvariant()} {Rule(alert.Rule)} alert at {alert.SensorId} "
            + $"({alert.Zone.ToString().ToLowerInvariant()})");
        return stage switch
        {
            Stages.Raised => $"[NOP] {what}",
            Stages.Acknowledged => $"[NOP] Acknowledged by {alert.AcknowledgedBy}: {what}",
            Stages.Resolved => $"[NOP] Resolved: {what}",
            _ => string.Create(CultureInfo.InvariantCulture,
                $"[NOP] Escalated, not acknowledged for {Minutes(stage)} min: {what}"),
        };
    }

    private static string Body(string stage, NotifiedAlert alert)
    {
        var text = new StringBuilder();
        text.AppendLine(alert.Message);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Level {alert.Level:0.0} dB(A), threshold {alert.Threshold:0.0} dB(A).");
        text.AppendLine(CultureInfo.InvariantCulture, $"Raised {alert.RaisedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC.");
        if (stage == Stages.Acknowledged)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Acknowledged by {alert.AcknowledgedBy} at {alert.AcknowledgedAt?.UtcDateTime:yyyy-MM-dd HH:mm:ss} "
                + $"UTC{(alert.AcknowledgeComment is { Length: > 0 } c ? $": {c}" : ".")}");
        if (stage == Stages.Resolved)
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Resolved at {alert.ResolvedAt?.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC: {alert.ResolvedReason}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Alert {alert.AlertId}.");
        return text.ToString();
    }

    private string PageLine() =>
        options.Value.PageUrl is { } page ? $"{Environment.NewLine}{page}{Environment.NewLine}" : "";

    private int Minutes(string stage) =>
        (int)Math.Round(int.Parse(stage[Stages.EscalationPrefix.Length..], CultureInfo.InvariantCulture)
            * options.Value.EscalateAfter.TotalMinutes);

    private static string Rule(AlertRule rule) => rule switch
    {
        AlertRule.Level => "level",
        AlertRule.SpikeRate => "spike-rate",
        AlertRule.Spike => "spike",
        _ => "sensor-fault",
    };

    private static WebhookAlert Describe(NotifiedAlert a) => new(a.AlertId, a.SensorId, a.Zone, a.Rule, a.Severity,
        a.Level, a.Threshold, a.RaisedAt, a.Message, a.AcknowledgedBy, a.AcknowledgeComment, a.AcknowledgedAt,
        a.ResolvedReason, a.ResolvedAt);
}
