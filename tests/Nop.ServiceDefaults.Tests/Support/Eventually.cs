using System.Diagnostics;

namespace Nop.ServiceDefaults.Tests.Support;

/// <summary>Polls a condition with a bounded timeout instead of sleeping for a guessed time.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
                throw new ShouldAssertException($"Still not true after {limit.TotalSeconds:0.#} s: {what}");
            await Task.Delay(20);
        }
    }
}
