using System.ComponentModel.DataAnnotations;
using Nop.Notifier.Sending;
using Nop.Notifier.Subscriptions;

namespace Nop.Notifier;

// Notifier's settings (section Notifier). Subscriptions come from configuration: appsettings, environment variables
// (Notifier__Subscriptions__0__Email) or a file named by SubscriptionsPath (a mounted secret in production).
public sealed class NotifierOptions : IValidatableObject
{
    public const string Section = "Notifier";

    public List<SubscriptionOptions> Subscriptions { get; set; } = [];

    // A JSON file of the same shape as appsettings ({"Notifier": {"Subscriptions": [...]}}), read at start-up.
    public string? SubscriptionsPath { get; set; }

    // An open alert nobody acknowledged escalates to the next level's subscriptions this long after the previous stage
    // was planned. 15 minutes: the time within which Sonitus notifies a council after a breach (see README).
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan EscalateAfter { get; set; } = TimeSpan.FromMinutes(15);

    // How often held notifications, digests and escalations are looked at.
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ScheduleInterval { get; set; } = TimeSpan.FromSeconds(5);

    // Deliveries sent at once: a slow recipient holds one of these, never the queue.
    [Range(1, 64)]
    public ushort DeliveryConcurrency { get; set; } = 8;

    // The page, linked from every notification when set.
    public Uri? PageUrl { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    public WebhookOptions Webhook { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Subscriptions.Count; i++)
        {
            var subscription = Subscriptions[i];
            if (!string.IsNullOrEmpty(subscription.Id) && !ids.Add(subscription.Id))
                yield return new ValidationResult($"Subscription id '{subscription.Id}' is used twice.",
                    [$"{nameof(Subscriptions)}[{i}]"]);
            foreach (var error in subscription.Validate())
                yield return new ValidationResult($"Subscription {i} ('{subscription.Id}'): {error}",
                    [$"{nameof(Subscriptions)}[{i}]"]);
        }
    }
}
