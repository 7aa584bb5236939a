using Nop.Contracts;
using Nop.Messaging;
using Nop.Notifier.Tests.Support;
using Nop.Testing;

namespace Nop.Notifier.Tests;

/// <summary>Failed deliveries: retried with back-off through the messaging layer when retrying can help, parked in
/// notifier.deliveries.dead at once when it cannot, and after the last attempt otherwise; and never in the way of
/// the other subscriptions.</summary>
public sealed class FailureTests
{
    private const string Operator = "operator@nop.test";

    [Fact]
    public async Task A_failed_delivery_is_retried_until_it_succeeds_with_the_same_key()
    {
        await using var bed = await NotifierTestBed.CreateAsync("notifier-retry");
        var hook = bed.Hooks.Add("flaky", "flaky-secret");
        hook.Answer(500, 429);
        bed.Mail.Refuse(Operator, 451);
        await bed.StartNotifierAsync([Subscribe.Email("mail", Operator), Subscribe.Webhook("hook", hook)]);
        var alertId = Guid.NewGuid();

        await bed.PublishAsync(AlertEvents.Raised(alertId));

        var rows = await bed.SettledAsync(alertId, 2, NotificationStatus.Delivered);
        hook.Requests.Select(r => r.Status).ShouldBe([500, 429, 200]);
        hook.Requests.Select(r => r.IdempotencyKey).Distinct().ShouldHaveSingleItem()
            .ShouldBe(rows.Single(r => r.SubscriptionId == "hook").Id.ToString());
        hook.Requests.Count(r => !r.Repeat).ShouldBe(3); // never acted on before it was answered 200
        bed.Mail.Refused.ShouldBe([$"451 {Operator}"]);
        bed.Mail.To(Operator).ShouldHaveSingleItem();
        rows.Single(r => r.SubscriptionId == "hook").Attempts.ShouldBe(3);
        rows.Single(r => r.SubscriptionId == "mail").Attempts.ShouldBe(2);
        (await bed.CountMessagesAsync(Queues.DeadOf(Queues.NotifierDeliveries))).ShouldBe(0u);
    }

    [Fact]
    public async Task A_refusal_is_not_retried_but_parked_at_once()
    {
        await using var bed = await NotifierTestBed.CreateAsync("notifier-refused");
        var hook = bed.Hooks.Add("strict", "strict-secret");
        hook.Answer(400);
        bed.Mail.Refuse(Operator, 550);
        await bed.StartNotifierAsync([Subscribe.Email("mail", Operator), Subscribe.Webhook("hook", hook)]);
        var alertId = Guid.NewGuid();

        await bed.PublishAsync(AlertEvents.Raised(alertId));

        var rows = await bed.SettledAsync(alertId, 2, NotificationStatus.Failed);
        var parked = await WaitForDeadAsync(bed, 2);
        parked.ShouldAllBe(p => p.Reason == "rejected");
        parked.Select(p => p.MessageId).ShouldBe(rows.Select(r => r.Id.ToString()), ignoreOrder: true);
        rows.ShouldAllBe(r => r.Attempts == 1);
        hook.Requests.ShouldHaveSingleItem().Status.ShouldBe(400);
        bed.Mail.Refused.ShouldBe([$"550 {Operator}"]);
        bed.Mail.Received.ShouldBeEmpty();
        rows.Single(r => r.SubscriptionId == "hook").Detail.ShouldNotBeNull().ShouldContain("400");
        rows.Single(r => r.SubscriptionId == "mail").Detail.ShouldNotBeNull().ShouldContain("550");
    }

    [Fact]
    public async Task Out_of_attempts_a_delivery_is_failed_parked_shown_and_sent_when_replayed()
    {
        await using var bed = await NotifierTestBed.CreateAsync("notifier-dead");
        var hook = bed.Hooks.Add("down", "down-secret");
        hook.Answer(500, 500, 500, 500, 500, 500); // the first attempt and the five retries of the test bed
        var app = await bed.StartNotifierAsync([Subscribe.Webhook("hook", hook)]);
        var alertId = Guid.NewGuid();

        await bed.PublishAsync(AlertEvents.Raised(alertId));

        var row = (await bed.SettledAsync(alertId, 1, NotificationStatus.Failed)).Single();
        row.Attempts.ShouldBe(6);
        var parked = (await WaitForDeadAsync(bed, 1)).Single();
        parked.Reason.ShouldBe("handler-failed");
        parked.MessageId.ShouldBe(row.Id.ToString());
        var shown = (await bed.GetNotificationsAsync(alertId)).Items.ShouldHaveSingleItem();
        (shown.Subscription, shown.Channel, shown.Status, shown.Attempts).ShouldBe(
            ("hook", NotificationChannel.Webhook, NotificationStatus.Failed, 6));
        shown.Detail.ShouldNotBeNull().ShouldContain("Out of attempts");
        hook.Requests.Count.ShouldBe(6);

        // The receiver is back (it answers 200 from now on); the operator replays the dead letter.
        (await app.Get<DeadLetterReplayer>().ReplayAsync(Queues.NotifierDeliveries)).ShouldBe(1);

        row = (await bed.SettledAsync(alertId, 1, NotificationStatus.Delivered)).Single();
        row.Attempts.ShouldBe(7);
        hook.Requests.Count.ShouldBe(7);
        hook.Requests.Last().Status.ShouldBe(200);
        hook.Requests.Select(r => r.IdempotencyKey).Distinct().ShouldHaveSingleItem();
        (await bed.CountMessagesAsync(Queues.DeadOf(Queues.NotifierDeliveries))).ShouldBe(0u);
    }

    [Fact]
    public async Task A_hanging_or_failing_webhook_does_not_hold_up_the_others()
    {
        await using var bed = await NotifierTestBed.CreateAsync("notifier-isolation");
        var hanging = bed.Hooks.Add("hanging", "hanging-secret");
        hanging.Hold();
        var failing = bed.Hooks.Add("failing", "failing-secret");
        failing.Answer(Enumerable.Repeat(500, 6).ToArray());
        var good = bed.Hooks.Add("good", "good-secret");
        await bed.StartNotifierAsync(
            [
                Subscribe.Webhook("hanging", hanging), Subscribe.Webhook("failing", failing),
                Subscribe.Email("mail", Operator), Subscribe.Webhook("good", good),
            ],
            new Dictionary<string, string?> { ["Notifier:Webhook:Timeout"] = "00:00:04" });
        var alertId = Guid.NewGuid();

        await bed.PublishAsync(AlertEvents.Raised(alertId));

        // E-mail and the good webhook are delivered while the hanging webhook's first request is still unanswered.
        List<Nop.Notifier.Data.Delivery> rows = [];
        await Eventually.TrueAsync(async () =>
        {
            rows = await bed.DeliveriesAsync(alertId);
            return rows.Count(r => r.Status == NotificationStatus.Delivered) == 2 && hanging.Held == 1;
        }, NotifierTestBed.Wait, () => string.Join("; ", rows.Select(r => $"{r.SubscriptionId} {r.Status}")));
        rows.Where(r => r.Status == NotificationStatus.Delivered).Select(r => r.SubscriptionId)
            .ShouldBe(["good", "mail"], ignoreOrder: true);
        var stuck = rows.Single(r => r.SubscriptionId == "hanging");
        (stuck.Status, stuck.Attempts, hanging.Requests.Count).ShouldBe((NotificationStatus.Sending, 1, 1));
        bed.Mail.To(Operator).ShouldHaveSingleItem();
        good.Requests.ShouldHaveSingleItem();

        // Its time-out ends the hanging attempt, which is then retried like the failing one.
        await Eventually.TrueAsync(async () =>
        {
            stuck = (await bed.DeliveriesAsync(alertId)).Single(r => r.SubscriptionId == "hanging");
            return stuck.Detail?.Contains("did not answer within 4 s", StringComparison.Ordinal) == true;
        }, NotifierTestBed.Wait, () => $"the hanging webhook timed out: {stuck.Status} {stuck.Detail}");
        failing.Requests.ShouldNotBeEmpty();
        failing.Requests.ShouldAllBe(r => r.Status == 500);
    }

    private static async Task<List<(string MessageId, string? Reason, string? Error)>> WaitForDeadAsync(
        NotifierTestBed bed, int count)
    {
        var dead = Queues.DeadOf(Queues.NotifierDeliveries);
        await Eventually.TrueAsync(async () => await bed.CountMessagesAsync(dead) == count, NotifierTestBed.Wait,
            $"{count} message(s) are parked in {dead}");
        return await bed.PeekDeadAsync(Queues.NotifierDeliveries);
    }
}
