using System.ComponentModel.DataAnnotations;

namespace Nop.Alerting;

/// <summary>Alert rules, bound from <c>Alerting</c>.</summary>
public sealed class AlertingOptions
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
}

/// <summary>The outbox relay, bound from <c>Alerting:Outbox</c>.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Alerting:Outbox";

    /// <summary>Fallback poll when no commit of this instance signalled new rows: rows left by a previous run, or
    /// written by another instance (only the lease holder relays, and it only hears its own commits).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Only one instance per database relays the outbox, holding a lease this long (renewed after a third
    /// of it); when the holder dies, another instance takes over at most this long (plus a third) later.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(10);

    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;

    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Longest wait between attempts while the broker is unavailable.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Sent rows are kept this long for inspection.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>The database, bound from <c>Alerting:Database</c>; the connection string is <c>ConnectionStrings:Alerting</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Alerting:Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

public enum DatabaseProvider
{
    /// <summary>Embedded default (<c>./nop up</c> without Docker, tests): <c>Data Source=alerting.db</c>.</summary>
    Sqlite,
    /// <summary>docker compose.</summary>
    SqlServer,
}
