using Nop.Contracts;
using Nop.Notifier.Tests.Support;

namespace Nop.Notifier.Tests;

/// <summary>Each stage of an alert reaches each subscription once: one e-mail and one webhook per stage, also when
/// an event is delivered twice or emitted again.</summary>
public sealed class StageTests
{
    private const string Operator = "operator@nop.test";

    [Fact]
    public async Task Each_stage_sends_one_email_and_one_signed_webhook()
    {
        await using var bed = await NotifierTestBed.CreateAsync("notifier-stages");
        var hook = bed.Hooks.Add("ops", "ops-secret");
        await bed.StartNotifierAsync([Subscribe.Email("mail", Operator), Subscribe.Webhook("hook", hook)]);
        var alertId = Guid.NewGuid();

        await bed.PublishAsync(AlertEvents.Raised(alertId, "s-stage"));
        await bed.SettledAsync(alertId, 2, NotificationStatus.Delivered);
        await bed.PublishAsync(AlertEvents.Acknowledged(alertId, "alice", "on my way", "s-stage"));
        await bed.SettledAsync(alertId, 4, NotificationStatus.Delivered);
        await bed.PublishAsync(AlertEvents.Resolved(alertId, "s-stage"));
        await bed.SettledAsync(alertId, 6, NotificationStatus.Delivered);

        var mails = bed.Mail.To(Operator);
        mails.Select(m => m.Subject).ShouldBe(
        [
            "[NOP] WARNING level alert at s-stage (residential)",
            "[NOP] Acknowledged by alice: WARNING level alert at s-stage (residential)",
            "[NOP] Resolved: WARNING level alert at s-stage (residential)",
        ]);
        mails[1].Text.ShouldContain("Acknowledged by alice at ");
        mails[1].Text.ShouldContain(": on my way");
        mails.Select(m => m.DeliveryId).Distinct().Count().ShouldBe(3);

        hook.Requests.Select(r => r.Json!["stage"]!.GetValue<string>()).ShouldBe(["raised", "acknowledged", "resolved"]);
        hook.Requests.ShouldAllBe(r => r.SignatureValid && !r.Repeat);
        hook.Requests.Select(r => r.IdempotencyKey).Distinct().Count().ShouldBe(3);
        var acknowledged = hook.OfStage("acknowledged").Single().Json!;
        acknowledged["text"]!.GetValue<string>().ShouldBe(mails[1].Subject);
        acknowledged["alert"]!["acknowledgedBy"]!.GetValue<string>().ShouldBe("alice");
        acknowledged["alert"]!["alertId"]!.GetValue<Guid>().ShouldBe(alertId);

        // The page's view, over request/reply: who, by which channel, which stage, delivered.
        var notifications = await bed.GetNotificationsAsync(alertId);
        notifications.Items.Select(i => (i.Stage, i.Subscription, i.Channel, i.Recipient, i.Status)).ShouldBe(
        [
            ("raised", "hook", NotificationChannel.Webhook, hook.Url.GetLeftPart(UriPartial.Authority),
                NotificationStatus.Delivered),
            ("raised", "mail", NotificationChannel.Email, Operator, NotificationStatus.Delivered),
            ("acknowledged", "hook", NotificationChannel.Webhook, hook.Url.GetLeftPart(UriPartial.Authority),
                NotificationStatus.Delivered),
            ("acknowledged", "mail", NotificationChannel.Email, Operator, NotificationStatus.Delivered),
            ("resolved", "hook", NotificationChannel.Webhook, hook.Url.GetLeftPart(UriPartial.Authority),
                NotificationStatus.Delivered),
            ("resolved", "mail", NotificationChannel.Email, Operator, NotificationStatus.Delivered),
        ]);
        notifications.Items.ShouldAllBe(i => i.Attempts == 1 && i.DeliveredAt != null);
    }
}
