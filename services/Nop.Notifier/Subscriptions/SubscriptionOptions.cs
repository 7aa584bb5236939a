using MimeKit;
using Nop.Contracts;

namespace Nop.Notifier.Subscriptions;

// Who hears about which alerts, how and when. One target each: an e-mail address or a webhook URL. Its Id is part of
// every delivery's identity (alert, stage, subscription), so keep it when editing the rest.
public sealed class SubscriptionOptions
{
    public string Id { get; set; } = "";

    public string? Email { get; set; }

    public Uri? Url { get; set; }

    // The webhook's HMAC-SHA256 key: X-Nop-Signature: sha256=<hex of the body's HMAC>.
    public string? Secret { get; set; }

    // Filters; empty means any. Rules by name: Level, SpikeRate, Spike, SensorFault.
    public List<Zone> Zones { get; set; } = [];

    public List<string> Sensors { get; set; } = [];

    public List<AlertRule> Rules { get; set; } = [];

    public AlertSeverity MinSeverity { get; set; } = AlertSeverity.Info;

    // 0: told when an alert is raised; N: told at the N-th escalation (nobody acknowledged it for N × EscalateAfter).
    public int Level { get; set; }

    // 0: one message per stage; N: one message every N minutes listing what happened.
    public int DigestMinutes { get; set; }

    public QuietHoursOptions? QuietHours { get; set; }

    public NotificationChannel Channel => Url is null ? NotificationChannel.Email : NotificationChannel.Webhook;

    // Shown on the page and in logs: the address, or the webhook's host only (a path or query may hold a token).
    public string Recipient => Url is { } url ? url.GetLeftPart(UriPartial.Authority) : Email ?? "";

    public bool Matches(string sensorId, Zone zone, AlertRule rule, AlertSeverity severity) =>
        severity >= MinSeverity
        && (Zones.Count == 0 || Zones.Contains(zone))
        && (Sensors.Count == 0 || Sensors.Contains(sensorId, StringComparer.Ordinal))
        && (Rules.Count == 0 || Rules.Contains(rule));

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Id) || Id.Length > 64 || Id.Any(char.IsControl))
            yield return "Id is required (at most 64 characters).";
        if ((Email is null) == (Url is null))
            yield return "set exactly one of Email and Url.";
        if (Email is not null && !MailboxAddress.TryParse(Email, out _))
            yield return $"Email '{Email}' is not an e-mail address.";
        if (Url is not null
            && (!Url.IsAbsoluteUri || (Url.Scheme != Uri.UriSchemeHttp && Url.Scheme != Uri.UriSchemeHttps)))
            yield return "Url must be an absolute http or https URL.";
        if (Url is not null && string.IsNullOrEmpty(Secret))
            yield return "a webhook needs a Secret to sign its requests with.";
        if (Level is < 0 or > 10)
            yield return "Level is between 0 and 10.";
        if (DigestMinutes is < 0 or > 1440)
            yield return "DigestMinutes is between 0 (off) and 1440.";
        if (QuietHours?.Validate() is { } error)
            yield return error;
    }
}
