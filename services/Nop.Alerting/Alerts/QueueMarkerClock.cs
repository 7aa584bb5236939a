namespace Nop.Alerting.Alerts;

// How far this instance has consumed alerting.noise, in time: the send time of the newest
// Nop.Contracts.AlertingQueueMarker it consumed. The queue is first in, first out, so every noise event
// queued before that time has been handled (a message in its retry delay excepted), and quiet periods judged against it
// never end while older evidence still waits: after a downtime the sweeper resolves nothing until the backlog in
// front of its first marker is handled. Chosen over counting the queue's messages, which would miss those already
// delivered but not yet handled, and over the newest event time consumed, which stands still when no sensor reports.
public sealed class QueueMarkerClock
{
    private long _ticks = long.MinValue;

    // Null until a marker has been consumed. With several instances, a marker another one sent counts too:
    // it was queued behind the same events.
    public DateTimeOffset? ConsumedUpTo => Interlocked.Read(ref _ticks) is var ticks and not long.MinValue
        ? new DateTimeOffset(ticks, TimeSpan.Zero)
        : null;

    public void Consumed(DateTimeOffset sentAt)
    {
        var ticks = sentAt.UtcTicks;
        var seen = Interlocked.Read(ref _ticks);
        while (ticks > seen)
        {
            var before = Interlocked.CompareExchange(ref _ticks, ticks, seen);
            if (before == seen)
            {
                return;
            }
            seen = before;
        }
    }
}
