namespace Nop.Processing.Maintenance;

// One sensor's maintenance period [From, To) that has not been compensated.
public sealed record MaintenancePeriod(Guid MaintenanceId, string SensorId, DateTimeOffset From, DateTimeOffset To);

// The maintenance periods the partitions consult (which windows to flag, when to stay quiet about faults and
// silence). Refreshed from the database by MaintenanceCalendarRefresher, since another instance may handle the step
// command for a sensor whose partition this instance holds, and updated at once by the instance that handled it.
// Readers take an immutable snapshot: partitions read it on every closed window and tick, without a lock.
public sealed class MaintenanceCalendar
{
    private static readonly Dictionary<string, MaintenancePeriod[]> Empty = new(StringComparer.Ordinal);

    private readonly Lock _lock = new();
    private Dictionary<Guid, MaintenancePeriod> _periods = [];
    private volatile Dictionary<string, MaintenancePeriod[]> _bySensor = Empty;
    // Changes this instance applied, stamped with the count of changes applied so far: a refresh whose database read
    // began before a change was applied may not see its commit, so the change is applied again on top of it.
    private readonly Dictionary<Guid, (MaintenancePeriod Period, bool Compensated, long Stamp)> _applied = [];
    private long _changes;

    public int Count => _bySensor.Values.Sum(p => p.Length);

    // Taken before a refresh reads the database, and given to Replace with what it read.
    public long Changes
    {
        get
        {
            lock (_lock)
            {
                return _changes;
            }
        }
    }

    // Replaces every period with what the database held for a read that began when Changes was readAt, keeping the
    // changes applied since (their commits may have come after the read).
    public void Replace(IEnumerable<MaintenancePeriod> periods, long readAt)
    {
        lock (_lock)
        {
            _periods = periods.ToDictionary(p => p.MaintenanceId);
            foreach (var (id, change) in _applied.ToList())
            {
                if (change.Stamp > readAt)
                {
                    Set(change.Period, change.Compensated);
                }
                else
                {
                    _applied.Remove(id);
                }
            }
            Publish();
        }
    }

    // Adds or changes one period (begin, end), or removes it (compensated), after its commit.
    public void Apply(MaintenancePeriod period, bool compensated)
    {
        lock (_lock)
        {
            _applied[period.MaintenanceId] = (period, compensated, ++_changes);
            Set(period, compensated);
            Publish();
        }
    }

    private void Set(MaintenancePeriod period, bool compensated)
    {
        if (compensated)
        {
            _periods.Remove(period.MaintenanceId);
        }
        else
        {
            _periods[period.MaintenanceId] = period;
        }
    }

    public IReadOnlyList<MaintenancePeriod> PeriodsOf(string sensorId) =>
        _bySensor.TryGetValue(sensorId, out var periods) ? periods : [];

    // Whether [start, end) overlaps a period of the sensor.
    public bool Overlaps(string sensorId, DateTimeOffset start, DateTimeOffset end)
    {
        if (!_bySensor.TryGetValue(sensorId, out var periods))
        {
            return false;
        }
        foreach (var period in periods)
        {
            if (period.From < end && start < period.To)
            {
                return true;
            }
        }
        return false;
    }

    public bool Covers(string sensorId, DateTimeOffset instant) =>
        Overlaps(sensorId, instant, instant.AddTicks(1));

    // The latest end of a period of the sensor at or before instant (silence is counted from it), if any.
    public DateTimeOffset? LastEndBefore(string sensorId, DateTimeOffset instant)
    {
        if (!_bySensor.TryGetValue(sensorId, out var periods))
        {
            return null;
        }
        DateTimeOffset? last = null;
        foreach (var period in periods)
        {
            if (period.To <= instant && (last is null || period.To > last))
            {
                last = period.To;
            }
        }
        return last;
    }

    private void Publish() =>
        _bySensor = _periods.Values.GroupBy(p => p.SensorId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(p => p.From).ToArray(), StringComparer.Ordinal);
}
