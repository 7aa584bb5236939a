using Nop.Contracts;
using Nop.Notifier.Subscriptions;
using Nop.Notifier.Tests.Support;
using Nop.Testing;

namespace Nop.Notifier.Tests;

/// <summary>Notifier killed (SIGKILL) in the one window the database cannot close: after a webhook received a
/// notification and before Notifier recorded it as delivered.</summary>
public sealed class CrashTests
{
    private const string Operator = "operator@nop.test";

    /// <summary>
    /// The guarantee: every stage reaches every subscription at least once, and each delivery carries a key that is
    /// the same on every attempt (Idempotency-Key for a webhook, Message-ID for an e-mail). A second send happens only
    /// in this window, and a receiver that honours the key drops it, so for such a receiver it is exactly once. Every
    /// other stage, already recorded, is never sent again, whatever the restart redelivers.
    /// </summary>
    [Fact]
    public async Task Killed_between_sending_and_recording_it_sends_again_with_the_same_key_and_nothing_else_twice()
    {
        await using var bed = await NotifierTestBed.CreateAsync("notifier-crash");
        var hook = bed.Hooks.Add("ops", "ops-secret");
        SubscriptionOptions[] subscriptions = [Subscribe.Email("mail", Operator), Subscribe.Webhook("hook", hook)];
        var environment = bed.ProcessEnvironment(subscriptions, new Dictionary<string, string?>
        {
            ["Logging:Console:Format"] = "text", // to artifacts/test-logs/notifier-crash.log
            // A claim lasts twice the time-out (8 s): the restarted Notifier's retries (11.5 s in all) wait it out.
            // With 1.5 s, a send that the receiver answered late while other suites loaded the machine timed out,
            // and was rightly sent again, which this test does not expect of the raised stage.
            ["Notifier:Webhook:Timeout"] = "00:00:04",
            ["RabbitMq:RetryDelays:0"] = "00:00:00.500",
            ["RabbitMq:RetryDelays:1"] = "00:00:01",
            ["RabbitMq:RetryDelays:2"] = "00:00:02",
            ["RabbitMq:RetryDelays:3"] = "00:00:04",
            ["RabbitMq:RetryDelays:4"] = "00:00:04",
        });
        await using var notifier =
            await ServiceProcess.StartServiceAsync("Nop.Notifier", environment, "notifier-crash");
        var alertId = Guid.NewGuid();
        await bed.PublishAsync(AlertEvents.Raised(alertId));
        await bed.SettledAsync(alertId, 2, NotificationStatus.Delivered);

        // The receiver takes the acknowledgement (and acts on it) but holds its answer; the e-mail of that stage is
        // delivered meanwhile. Then Notifier dies before it hears the answer.
        hook.Hold();
        await bed.PublishAsync(AlertEvents.Acknowledged(alertId, "frank", null));
        List<Nop.Notifier.Data.Delivery> rows = [];
        await Eventually.TrueAsync(async () =>
        {
            rows = await bed.DeliveriesAsync(alertId);
            return hook.Held == 1 && rows.Count(r => r.Status == NotificationStatus.Delivered) == 3;
        }, NotifierTestBed.Wait, () => $"the webhook holds the acknowledgement:\n{notifier.Tail}");
        await notifier.StopAsync();
        hook.Release();
        var unrecorded = (await bed.DeliveriesAsync(alertId))
            .Single(r => r.Stage == Stages.Acknowledged && r.SubscriptionId == "hook");
        (unrecorded.Status, unrecorded.DeliveredAt).ShouldBe((NotificationStatus.Sending, null));

        await notifier.StartAsync();
        await bed.SettledAsync(alertId, 4, NotificationStatus.Delivered);
        await bed.PublishAsync(AlertEvents.Resolved(alertId));
        await bed.SettledAsync(alertId, 6, NotificationStatus.Delivered);

        var acknowledgements = hook.OfStage(Stages.Acknowledged);
        acknowledgements.Count.ShouldBe(2, notifier.Tail);
        acknowledgements.Select(r => r.IdempotencyKey).Distinct().ShouldHaveSingleItem()
            .ShouldBe(unrecorded.Id.ToString());
        acknowledgements.Select(r => r.Repeat).ShouldBe([false, true]); // the receiver dropped the repeat
        hook.OfStage(Stages.Raised).ShouldHaveSingleItem();
        hook.OfStage(Stages.Resolved).ShouldHaveSingleItem();
        var mails = bed.Mail.To(Operator);
        mails.Count.ShouldBe(3);
        mails.Select(m => m.DeliveryId).Distinct().Count().ShouldBe(3);
    }
}
