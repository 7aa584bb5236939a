using System.ComponentModel.DataAnnotations;

namespace Nop.Alerting;

/// <summary>Alert rules, bound from <c>Alerting</c>.</summary>
public sealed class AlertingOptions : IValidatableObject
{
    public const string Section = "Alerting";

    /// <summary>dB above the threshold from which an alert is a warning (below: info). 3 dB is twice the sound energy.</summary>
    [Range(0, 100)]
    public double WarningExcess { get; set; } = 3;

    /// <summary>dB above the threshold from which an alert is critical. 10 dB sounds twice as loud.</summary>
    [Range(0, 100)]
    public double CriticalExcess { get; set; } = 10;

    /// <summary>A spike alert resolves after this long without another spike from its sensor, in event time
    /// (see <see cref="Alerts.QuietAlertSweeper"/>). Sensor-fault alerts resolve when the sensor is back.</summary>
    public TimeSpan SpikeQuietPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often quiet alerts are looked for (and old inbox/outbox rows removed); a quiet alert resolves at
    /// most about two intervals after its period ended (the marker of one sweep is judged by the next).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Handled message ids are kept this long; a redelivery older than that would be handled again.</summary>
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Largest page a query may ask for.</summary>
    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 200;

    /// <summary>
    /// A recurrence (a report no worse than the alert) is stored as a <c>Recurred</c> event at most this often; in
    /// between it only counts on the alert. 5 min: a level alert is reported every one-minute window, so it stores 12
    /// instead of 60 events an hour (a spike alert up to one a reading), and it is half the spike quiet period, so a
    /// rebuilt open alert's last-seen time lags by less than that period. Zero stores every recurrence.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RecurrenceInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>History entries per <c>GetAlert</c> reply when the request names no limit (at most
    /// <see cref="MaxPageSize"/>).</summary>
    [Range(1, 1000)]
    public int HistoryPageSize { get; set; } = 100;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RecurrenceInterval >= SpikeQuietPeriod)
        {
            yield return new ValidationResult("RecurrenceInterval must be shorter than SpikeQuietPeriod: a rebuilt "
                + "alert's last-seen time may lag by one interval.", [nameof(RecurrenceInterval)]);
        }
    }
}
