using System.Diagnostics;

namespace Nop.Benchmarks;

/// <summary>Open-loop pacing: the n-th send of a paced loop starts on its due time, whatever earlier sends wait for.
/// </summary>
public static class Pacing
{
    /// <summary>Waits until the <paramref name="n"/>-th due time (counted from 0) at <paramref name="perSecond"/>
    /// since <paramref name="started"/> (a <see cref="Stopwatch"/> timestamp); at once when less than 1 ms away or
    /// past.</summary>
    public static async Task UntilDueAsync(long started, long n, double perSecond)
    {
        var due = n / perSecond - Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (due > 0.001)
        {
            await Task.Delay(TimeSpan.FromSeconds(due));
        }
    }
}
