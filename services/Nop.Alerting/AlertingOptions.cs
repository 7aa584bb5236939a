using System.ComponentModel.DataAnnotations;

namespace Nop.Alerting;

// Alert rules, bound from Alerting.
public sealed class AlertingOptions : IValidatableObject
{
    public const string Section = "Alerting";

    // dB above the threshold from which an alert is a warning (below: info). 3 dB is twice the sound energy.
    [Range(0, 100)]
    public double WarningExcess { get; set; } = 3;

    // dB above the threshold from which an alert is critical. 10 dB sounds twice as loud.
    [Range(0, 100)]
    public double CriticalExcess { get; set; } = 10;

    // A spike alert resolves after this long without another spike from its sensor, in event time
    // (see Alerts.QuietAlertSweeper). Sensor-fault alerts resolve when the sensor is back.
    public TimeSpan SpikeQuietPeriod { get; set; } = TimeSpan.FromMinutes(10);

    // How often quiet alerts are looked for (and old inbox/outbox rows removed); a quiet alert resolves at
    // most about two intervals after its period ended (the marker of one sweep is judged by the next).
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    // Handled message ids are kept this long; a redelivery older than that would be handled again.
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(7);

    // Largest page a query may ask for.
    [Range(1, 1000)]
    public int MaxPageSize { get; set; } = 200;

    // A recurrence (a report no worse than the alert) is stored as a Recurred event at most this often; in
    // between it only counts on the alert. 5 min: a level alert is reported every one-minute window, so it stores 12
    // instead of 60 events an hour (a spike alert up to one a reading), and it is half the spike quiet period, so a
    // rebuilt open alert's last-seen time lags by less than that period. Zero stores every recurrence.
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RecurrenceInterval { get; set; } = TimeSpan.FromMinutes(5);

    // History entries per GetAlert reply when the request names no limit (at most
    // MaxPageSize).
    [Range(1, 1000)]
    public int HistoryPageSize { get; set; } = 100;

    // The broker users whose AcknowledgeAlert commands are applied (the Dashboard's: nop-dashboard in compose and
    // k8s), checked against the broker-validated user_id. Empty: any user in Development (./nop up --local runs
    // everything as one user), none elsewhere (fail closed: OWASP ASVS 4.0.3 V4.1.5).
    public string[] AcknowledgeUsers { get; set; } = [];

    // How often the outbox and open-alert gauges on /metrics are read from the database (AlertingGaugeRefresher).
    // 15 s: the scrape_interval of Prometheus' own example configuration
    // (https://prometheus.io/docs/prometheus/latest/getting_started/), so a scrape sees figures at most one scrape old.
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan GaugeInterval { get; set; } = TimeSpan.FromSeconds(15);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RecurrenceInterval >= SpikeQuietPeriod)
        {
            yield return new ValidationResult("RecurrenceInterval must be shorter than SpikeQuietPeriod: a rebuilt "
                + "alert's last-seen time may lag by one interval.", [nameof(RecurrenceInterval)]);
        }
    }
}
