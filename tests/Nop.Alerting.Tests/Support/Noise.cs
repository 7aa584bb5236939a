using System.Text.Json;
using Microsoft.EntityFrameworkCore;
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

    public static NoiseThresholdExceeded Exceeded(string sensor, double level, double threshold = 65, AlertRule rule = AlertRule.Level,
        DateTimeOffset? windowEnd = null) =>
        new(sensor, Zone.Residential, rule, (windowEnd ?? WindowEnd(1)).AddMinutes(-1), windowEnd ?? WindowEnd(1), level, threshold,
            DayPeriod.Evening, 3);

    public static NoiseThresholdCleared Cleared(string sensor, double level = 58, double threshold = 65, AlertRule rule = AlertRule.Level,
        DateTimeOffset? windowEnd = null) =>
        new(sensor, Zone.Residential, rule, (windowEnd ?? WindowEnd(1)).AddMinutes(-1), windowEnd ?? WindowEnd(1), level, threshold,
            DayPeriod.Evening);

    public static NoiseSpikeDetected Spike(string sensor, double level, double spikeLevel = 100) =>
        new(sensor, Zone.Commercial, Guid.NewGuid().ToString(), Window, level, spikeLevel, NoiseClass.Dangerous);

    public static SensorFaultDetected Fault(string sensor, SensorFault fault = SensorFault.Stuck) =>
        new(sensor, Zone.Quiet, fault, "same value 20 times", Window, Window);

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Waits until <paramref name="condition"/> holds for the stored alerts, then returns them.</summary>
    public static async Task<List<Alert>> AlertsWhenAsync(this AlertingTestBed bed, Func<List<Alert>, bool> condition, string what)
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
        return await db.AlertEvents.AsNoTracking().Where(e => e.AlertId == alertId).OrderBy(e => e.Sequence).ToListAsync();
    }

    /// <summary>Waits until exactly <paramref name="count"/> messages were published to nop.alerts and every outbox row is marked sent.</summary>
    public static async Task<List<Published>> PublishedAsync(this AlertingTestBed bed, int count)
    {
        await Eventually.TrueAsync(() => bed.Alerts.Count >= count, Timeout, $"{count} alert event(s) were published (got {bed.Alerts.Count})");
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
