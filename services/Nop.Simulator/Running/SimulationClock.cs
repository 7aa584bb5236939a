namespace Nop.Simulator.Running;

// Event time of the simulation: from --event-time-from, running --speed times faster than the wall clock
// until it reaches the wall clock, then with it; so past hours are replayed quickly and the run then goes on live.
// Never ahead of now, so Ingest never sees a reading from the future. An infinite speed (a backfill) is at now from
// the start: every packet already due is posted at once.
public sealed class SimulationClock(TimeProvider time, DateTimeOffset from, double speed)
{
    private readonly DateTimeOffset _wallStart = time.GetUtcNow();

    public DateTimeOffset Now
    {
        get
        {
            var wall = time.GetUtcNow();
            if (double.IsPositiveInfinity(speed))
            {
                return wall;
            }
            var simulated = from + (wall - _wallStart) * speed;
            return simulated < wall ? simulated : wall;
        }
    }

    // How long to wait on the wall clock until event time reaches eventTime.
    public TimeSpan WallTimeUntil(DateTimeOffset eventTime)
    {
        var now = Now;
        if (eventTime <= now)
        {
            return TimeSpan.Zero;
        }
        var caughtUp = now >= time.GetUtcNow() - TimeSpan.FromMilliseconds(1);
        return (eventTime - now) / (caughtUp ? 1 : speed);
    }
}
