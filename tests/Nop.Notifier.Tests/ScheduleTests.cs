using Microsoft.Extensions.Time.Testing;
using Nop.Contracts;
using Nop.Notifier.Data;
using Nop.Notifier.Planning;
using Nop.Notifier.Subscriptions;
using Nop.Notifier.Tests.Support;
using Nop.Testing;

namespace Nop.Notifier.Tests;

/// <summary>What depends on time (escalation, quiet hours, digests), on a fake clock moved by hand: each scheduler pass
/// is run by the test after it moved the clock.</summary>
public sealed class ScheduleTests
{
    [Fact]
    public async Task An_alert_nobody_acknowledged_escalates_to_the_next_level_and_an_acknowledged_one_does_not()
    {
        await using var bed = await NotifierTestBed.CreateAsync("notifier-escalation");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 15, 8, 0, 0, TimeSpan.Zero));
        var chief = Subscribe.Email("chief", "chief@nop.test");
        chief.Level = 1;
        var app = await bed.StartNotifierAsync([Subscribe.Email("ops", "ops@nop.test"), chief],
            new Dictionary<string, string?> { ["Notifier:EscalateAfter"] = "00:15:00" }, clock);
        var scheduler = app.Get<NotificationScheduler>();
        var ignored = Guid.NewGuid();
        var acknowledged = Guid.NewGuid();

        await bed.PublishAsync(AlertEvents.Raised(ignored, "s-ignored"));
        await bed.PublishAsync(AlertEvents.Raised(acknowledged, "s-acked"));
        await bed.PublishAsync(AlertEvents.Acknowledged(acknowledged, "carol", null, "s-acked"));
        await bed.SettledAsync(ignored, 1, NotificationStatus.Delivered);
        await bed.SettledAsync(acknowledged, 2, NotificationStatus.Delivered);

        clock.Advance(TimeSpan.FromMinutes(14));
        await scheduler.RunOnceAsync(CancellationToken.None);
        (await bed.DeliveriesAsync()).ShouldNotContain(d => d.SubscriptionId == "chief");

        clock.Advance(TimeSpan.FromMinutes(1));
        await scheduler.RunOnceAsync(CancellationToken.None);
        var rows = await bed.SettledAsync(ignored, 2, NotificationStatus.Delivered);
        rows.Single(r => r.SubscriptionId == "chief").Stage.ShouldBe("escalation-1");
        bed.Mail.To("chief@nop.test").ShouldHaveSingleItem().Subject
            .ShouldBe("[NOP] Escalated, not acknowledged for 15 min: WARNING level alert at s-ignored (residential)");
        (await bed.DeliveriesAsync(acknowledged)).ShouldNotContain(d => d.SubscriptionId == "chief");

        // An acknowledgement after the escalation reaches everyone told, the chief included.
        await bed.PublishAsync(AlertEvents.Acknowledged(ignored, "dave", null, "s-ignored"));
        rows = await bed.SettledAsync(ignored, 4, NotificationStatus.Delivered);
        rows.Where(r => r.Stage == Stages.Acknowledged).Select(r => r.SubscriptionId)
            .ShouldBe(["chief", "ops"], ignoreOrder: true);
        clock.Advance(TimeSpan.FromHours(1));
        await scheduler.RunOnceAsync(CancellationToken.None);
        (await bed.DeliveriesAsync()).Count.ShouldBe(6);
    }

    [Fact]
    public async Task Quiet_hours_hold_until_they_end_drop_below_and_let_the_urgent_through()
    {
        await using var bed = await NotifierTestBed.CreateAsync("notifier-quiet");
        // 23:00 in Vienna (CEST, UTC+2).
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 15, 21, 0, 0, TimeSpan.Zero));
        var night = Subscribe.Email("night", "night@nop.test");
        night.QuietHours = new QuietHoursOptions
        {
            From = new TimeOnly(22, 0),
            To = new TimeOnly(6, 0),
            TimeZone = "Europe/Vienna",
            DropBelow = AlertSeverity.Warning,
            SendAtOrAbove = AlertSeverity.Critical,
        };
        var app = await bed.StartNotifierAsync([night], clock: clock);
        var scheduler = app.Get<NotificationScheduler>();
        var (info, warning, critical) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());

        await bed.PublishAsync(AlertEvents.Raised(info, "s-info", AlertSeverity.Info));
        await bed.PublishAsync(AlertEvents.Raised(warning, "s-warning", AlertSeverity.Warning));
        await bed.PublishAsync(AlertEvents.Raised(critical, "s-critical", AlertSeverity.Critical));

        await bed.SettledAsync(critical, 1, NotificationStatus.Delivered);
        (await bed.SettledAsync(info, 1, NotificationStatus.Dropped)).Single().Detail.ShouldNotBeNull()
            .ShouldContain("below Warning");
        var held = (await bed.SettledAsync(warning, 1, NotificationStatus.Held)).Single();
        held.DueAt.ShouldBe(new DateTimeOffset(2026, 6, 16, 4, 0, 0, TimeSpan.Zero)); // 06:00 in Vienna
        bed.Mail.Received.Select(m => m.Subject).ShouldBe(["[NOP] CRITICAL level alert at s-critical (residential)"]);

        clock.Advance(new TimeSpan(6, 59, 0));
        await scheduler.RunOnceAsync(CancellationToken.None);
        (await bed.DeliveriesAsync(warning)).Single().Status.ShouldBe(NotificationStatus.Held);

        clock.Advance(TimeSpan.FromMinutes(1));
        await scheduler.RunOnceAsync(CancellationToken.None);
        await bed.SettledAsync(warning, 1, NotificationStatus.Delivered);
        bed.Mail.Received.Select(m => m.Subject).ShouldBe(
        [
            "[NOP] CRITICAL level alert at s-critical (residential)",
            "[NOP] WARNING level alert at s-warning (residential)",
        ]);
    }

    [Fact]
    public async Task A_digest_lists_the_stages_of_its_period_in_one_email_when_the_period_ends()
    {
        await using var bed = await NotifierTestBed.CreateAsync("notifier-digest");
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 15, 10, 5, 0, TimeSpan.Zero));
        var digest = Subscribe.Email("hourly", "hourly@nop.test");
        digest.DigestMinutes = 60;
        var app = await bed.StartNotifierAsync([digest], clock: clock);
        var scheduler = app.Get<NotificationScheduler>();
        var (first, second) = (Guid.NewGuid(), Guid.NewGuid());

        await bed.PublishAsync(AlertEvents.Raised(first, "s-first"));
        await bed.SettledAsync(first, 1, NotificationStatus.Held);
        clock.Advance(TimeSpan.FromMinutes(10));
        await bed.PublishAsync(AlertEvents.Raised(second, "s-second", AlertSeverity.Critical));
        await bed.PublishAsync(AlertEvents.Acknowledged(first, "erin", null, "s-first"));
        await bed.SettledAsync(first, 2, NotificationStatus.Held);
        await bed.SettledAsync(second, 1, NotificationStatus.Held);

        clock.Advance(TimeSpan.FromMinutes(44)); // 10:59
        await scheduler.RunOnceAsync(CancellationToken.None);
        (await bed.DeliveriesAsync()).ShouldAllBe(d => d.Status == NotificationStatus.Held);

        clock.Advance(TimeSpan.FromMinutes(1)); // 11:00, the end of the period
        await scheduler.RunOnceAsync(CancellationToken.None);
        List<Delivery> rows = [];
        await Eventually.TrueAsync(async () =>
        {
            rows = await bed.DeliveriesAsync();
            return rows.Count == 4 && rows.All(r => r.Status == NotificationStatus.Delivered);
        }, NotifierTestBed.Wait, () => string.Join("; ", rows.Select(r => $"{r.Stage} {r.Status}")));
        var mail = bed.Mail.Received.ShouldHaveSingleItem();
        mail.Subject.ShouldBe("[NOP] Digest: 3 notification(s) until 2026-06-15 11:00 UTC");
        var lines = mail.Text.Split('\n').Select(l => l.TrimEnd('\r'))
            .Where(l => l.StartsWith("- ", StringComparison.Ordinal)).ToList();
        lines.ShouldBe(
        [
            "- 10:05 [NOP] WARNING level alert at s-first (residential)",
            "- 10:15 [NOP] CRITICAL level alert at s-second (residential)",
            "- 10:15 [NOP] Acknowledged by erin: WARNING level alert at s-first (residential)",
        ], mail.Text);
        rows.Single(r => r.Stage == Delivery.DigestStage).Id.ToString().ShouldBe(mail.DeliveryId);
    }
}
