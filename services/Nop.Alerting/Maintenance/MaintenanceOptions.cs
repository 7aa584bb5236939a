using System.ComponentModel.DataAnnotations;

namespace Nop.Alerting.Maintenance;

// The maintenance process manager's settings, bound from Alerting:Maintenance.
public sealed class MaintenanceOptions
{
    public const string Section = "Alerting:Maintenance";

    // How long a participant has to answer a step before it counts as timed out (a begin is then compensated, an end
    // or compensation is sent again). 30 s: the RPC time-out of the Dashboard's requests (RabbitMq:RequestTimeout) is
    // the same order, and a participant's step is one small transaction.
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan StepTimeout { get; set; } = TimeSpan.FromSeconds(30);

    // Sends of an end or compensation step before the saga gives up as failed (operator-visible). 5 at 30 s: a
    // participant may be down about two and a half minutes, a rolling restart, before an operator must look.
    [Range(1, 100)]
    public int StepAttempts { get; set; } = 5;

    // How often the durable timer looks for sagas whose step timed out or whose period is over. 1 s: a period ends
    // within about a second of its To, and the query is one indexed range scan.
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
