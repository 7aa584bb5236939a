using System.Diagnostics;
using System.Diagnostics.Metrics;
using Nop.Contracts;
using Nop.ServiceDefaults;

namespace Nop.Notifier.Sending;

// Notifier's instruments (meter Nop.Notifier, on /metrics): attempts to deliver, by channel and outcome (delivered,
// retried, failed: out of attempts or refused for good), and how long each attempt took.
public sealed class NotifierMetrics
{
    public const string MeterName = "Nop.Notifier";

    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _duration;

    public NotifierMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _attempts = meter.CreateCounter<long>("nop.notifier.delivery.attempts", "{attempt}",
            "Attempts to deliver a notification, by channel and outcome (delivered, retried, failed).");
        _duration = meter.CreateHistogram("nop.notifier.delivery.duration", "s",
            "Time one attempt to deliver a notification took, by channel.", advice: Telemetry.SecondsAdvice);
    }

    public void Attempted(NotificationChannel channel, string outcome, long started)
    {
        var tags = new TagList
        {
            { "channel", channel == NotificationChannel.Email ? "email" : "webhook" },
            { "outcome", outcome },
        };
        _attempts.Add(1, tags);
        _duration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags[0]);
    }
}
