using Nop.Contracts;
using Nop.Notifier.Sending;
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

        hook.Requests.Select(r => r.Json!["stage"]!.GetValue<string>())
            .ShouldBe(["raised", "acknowledged", "resolved"]);
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

    [Fact]
    public async Task A_redelivered_or_re_emitted_event_sends_no_stage_twice()
    {
        await using var bed = await NotifierTestBed.CreateAsync("notifier-repeats");
        var hook = bed.Hooks.Add("ops", "ops-secret");
        await bed.StartNotifierAsync([Subscribe.Email("mail", Operator), Subscribe.Webhook("hook", hook)]);
        var alertId = Guid.NewGuid();

        // Each event three times: twice with one message id (a redelivery, which the inbox drops) and once more with
        // a new one (Alerting emitting it again, which finds its deliveries planned already).
        IMessage[] events =
        [
            AlertEvents.Raised(alertId, "s-repeat"),
            AlertEvents.Acknowledged(alertId, "bob", null, "s-repeat"),
            AlertEvents.Resolved(alertId, "s-repeat"),
        ];
        foreach (var e in events)
        {
            var messageId = Guid.NewGuid().ToString();
            await PublishAsync(bed, e, messageId);
            await PublishAsync(bed, e, messageId);
            await PublishAsync(bed, e, null);
        }
        // One queue, handled in order: once a later alert is delivered, every repeat above was handled.
        var later = Guid.NewGuid();
        await bed.PublishAsync(AlertEvents.Raised(later, "s-later"));
        await bed.SettledAsync(later, 2, NotificationStatus.Delivered);
        await bed.SettledAsync(alertId, 6, NotificationStatus.Delivered);

        var mails = bed.Mail.To(Operator).Where(m => m.Text.Contains(alertId.ToString(), StringComparison.Ordinal))
            .ToList();
        mails.Count.ShouldBe(3, string.Join("\n", mails.Select(m => m.Subject)));
        var requests = hook.Requests.Where(r => r.Json!["alert"]!["alertId"]!.GetValue<Guid>() == alertId).ToList();
        // Planned back to back, yet in order: a stage waits until the subscription's previous one is settled (before
        // that, "acknowledged" could overtake "raised").
        requests.Select(r => r.Json!["stage"]!.GetValue<string>()).ShouldBe(["raised", "acknowledged", "resolved"]);
        mails.Select(m => m.Subject[..12]).ShouldBe(["[NOP] WARNIN", "[NOP] Acknow", "[NOP] Resolv"]);
        (await bed.DeliveriesAsync(alertId)).ShouldAllBe(d => d.Attempts == 1);
    }

    [Fact]
    public async Task The_receiver_verifies_the_signature_and_refuses_one_made_with_another_secret()
    {
        await using var bed = await NotifierTestBed.CreateAsync("notifier-hmac");
        var good = bed.Hooks.Add("good", "the-shared-secret");
        var forged = bed.Hooks.Add("forged", "the-receivers-secret");
        var mismatched = Subscribe.Webhook("mismatched", forged);
        mismatched.Secret = "not-the-receivers-secret";
        await bed.StartNotifierAsync([Subscribe.Webhook("signed", good), mismatched]);
        var alertId = Guid.NewGuid();

        await bed.PublishAsync(AlertEvents.Raised(alertId));

        var rows = await bed.SettledAsync(alertId, 2, NotificationStatus.Delivered, NotificationStatus.Failed);
        var request = good.Requests.ShouldHaveSingleItem();
        request.SignatureValid.ShouldBeTrue();
        var body = System.Text.Encoding.UTF8.GetBytes(request.Body);
        WebhookReceiver.Verify("the-shared-secret", body, WebhookChannel.Sign("the-shared-secret", body))
            .ShouldBeTrue();
        WebhookReceiver.Verify("another-secret", body, WebhookChannel.Sign("the-shared-secret", body))
            .ShouldBeFalse();
        rows.Single(r => r.SubscriptionId == "signed").Status.ShouldBe(NotificationStatus.Delivered);
        // The receiver answered 401: a 4xx, so the delivery is failed for good, not retried.
        forged.Requests.ShouldHaveSingleItem().SignatureValid.ShouldBeFalse();
        var refused = rows.Single(r => r.SubscriptionId == "mismatched");
        refused.Status.ShouldBe(NotificationStatus.Failed);
        refused.Detail.ShouldNotBeNull().ShouldContain("401");
    }

    private static Task PublishAsync(NotifierTestBed bed, IMessage message, string? messageId) => message switch
    {
        AlertRaised m => bed.PublishAsync(m, messageId),
        AlertAcknowledged m => bed.PublishAsync(m, messageId),
        AlertResolved m => bed.PublishAsync(m, messageId),
        _ => throw new ArgumentException(message.GetType().Name),
    };
}
