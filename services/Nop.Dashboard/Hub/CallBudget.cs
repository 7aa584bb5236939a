namespace Nop.Dashboard.Hub;

// A fixed window of calls for one hub connection (kept in its Context.Items, so it goes with the connection).
public sealed class CallBudget(int perMinute)
{
    private readonly Lock _lock = new();
    private DateTimeOffset _windowStart = DateTimeOffset.MinValue;
    private int _calls;

    // False when this connection had its calls for the current minute.
    public bool TryCall(DateTimeOffset now)
    {
        lock (_lock)
        {
            if (now - _windowStart >= TimeSpan.FromMinutes(1))
            {
                _windowStart = now;
                _calls = 0;
            }
            return ++_calls <= perMinute;
        }
    }
}
