using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Nop.Alerting.Alerts;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Alerting.Tests.Support;

/// <summary>Noise events as Processing publishes them, and small waits on what Alerting stored.</summary>
public static class Noise
{
    private static readonly DateTimeOffset Window = new(2026, 11, 23, 21, 0, 0, TimeSpan.Zero);

    /// <summary>The time of the <paramref name="n"/>th one-minute window's end after the default window.</summary>
    public static DateTimeOffset WindowEnd(int n) => Window.AddMinutes(n);

    public static NoiseThresholdExceeded Exceeded(string sensor, double level, double threshold = 65,
        AlertRule rule = AlertRule.Level,
        DateTimeOffset? windowEnd = null) =>
        new(sensor, Zone.Residential, rule, (windowEnd ?? WindowEnd(1)).AddMinutes(-1), windowEnd ?? WindowEnd(1),
            level, threshold,
            DayPeriod.Evening, 3);

    public static NoiseThresholdCleared Cleared(string sensor, double level = 58, double threshold = 65,
        AlertRule rule = AlertRule.Level,
        DateTimeOffset? windowEnd = null) =>
        new(sensor, Zone.Residential, rule, (windowEnd ?? WindowEnd(1)).AddMinutes(-1), windowEnd ?? WindowEnd(1),
            level, threshold,
            DayPeriod.Evening);

    public static NoiseSpikeDetected Spike(string sensor, double level, double spikeLevel = 100,
        DateTimeOffset? measuredAt = null) =>
        new(sensor, Zone.Commercial, Guid.NewGuid().ToString(), measuredAt ?? Window, level, spikeLevel,
            NoiseClass.Dangerous);

    public static SensorFaultDetected Fault(string sensor, SensorFault fault = SensorFault.Stuck,
        DateTimeOffset? lastSeenAt = null) =>
        new(sensor, Zone.Quiet, fault, "same value 20 times", lastSeenAt ?? Window, lastSeenAt ?? Window);

    /// <summary>The sensor is back with a reading measured at <paramref name="measuredAt"/>.</summary>
    public static SensorFaultCleared Recovered(string sensor, DateTimeOffset measuredAt,
        SensorFault fault = SensorFault.Stuck) =>
        new(sensor, Zone.Quiet, fault, "No longer stuck: reading r of 55.0 dB(A)", measuredAt, measuredAt);

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Waits until <paramref name="condition"/> holds for the stored alerts, then returns them.</summary>
    public static async Task<List<Alert>> AlertsWhenAsync(this AlertingTestBed bed, Func<List<Alert>, bool> condition,
        string what)
    {
        List<Alert> alerts = [];
        await Eventually.TrueAsync(async () =>
        {
            await using var db = bed.OpenDatabase();
            alerts = await db.Alerts.AsNoTracking().ToListAsync();
            return condition(alerts);
        }, Timeout, what);
        return alerts;
    }

    public static async Task<List<AlertEvent>> EventsOfAsync(this AlertingTestBed bed, Guid alertId)
    {
        await using var db = bed.OpenDatabase();
        return await db.AlertEvents.AsNoTracking().Where(e => e.AlertId == alertId).OrderBy(e => e.Sequence)
            .ToListAsync();
    }

    /// <summary>
    /// Waits until exactly <paramref name="count"/> messages were published to nop.alerts and every outbox row is
    /// marked sent.
    /// </summary>
    public static async Task<List<Published>> PublishedAsync(this AlertingTestBed bed, int count)
    {
        await Eventually.TrueAsync(() => bed.Alerts.Count >= count, Timeout,
            $"{count} alert event(s) were published (got {bed.Alerts.Count})");
        await Eventually.TrueAsync(async () =>
        {
            await using var db = bed.OpenDatabase();
            return !await db.Outbox.AnyAsync(m => m.SentAt == null);
        }, Timeout, "every outbox row was marked sent");
        // Every row is confirmed, so anything more would be a duplicate publish.
        bed.Alerts.Count.ShouldBe(count, TestBroker.Show(bed.Alerts.Select(a => a.Type)));
        return [.. bed.Alerts];
    }

    public static JsonElement Json(this Published message) => JsonDocument.Parse(message.Body).RootElement;
}

/// <summary>
/// Moving the fake clock so the quiet-alert sweeper ticks, and waiting for its marker to come through.
/// </summary>
public static class Sweeps
{
    /// <summary>Advances by <paramref name="by"/> (a sweep ticks and queues a marker), then waits until that marker
    /// has been consumed, so the next sweep judges quietness up to this time.</summary>
    public static async Task SweepRoundAsync(this AlertingApp app, FakeTimeProvider clock, TimeSpan by)
    {
        clock.Advance(by);
        var now = clock.GetUtcNow();
        await Eventually.TrueAsync(() => app.Get<QueueMarkerClock>().ConsumedUpTo >= now, Noise.Timeout,
            $"the sweeper's marker of {now:O} was consumed");
    }
}
