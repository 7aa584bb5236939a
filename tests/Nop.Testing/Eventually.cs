namespace Nop.Testing;

/// <summary>Polls a condition until it holds or a bounded time passes; never a bare sleep.</summary>
public static class Eventually
{
    /// <summary>
    /// Waits until <paramref name="condition"/> is true; fails with <paramref name="what"/> after <paramref
    /// name="timeout"/>.
    /// </summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting until {what}.");
            }
            await Task.Delay(25);
        }
    }

    /// <summary>Async variant of <see cref="TrueAsync(Func{bool}, TimeSpan, string)"/>.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting until {what}.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// As above, with the failure described when the wait fails (e.g. a service's log at that moment).
    /// </summary>
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        try
        {
            await TrueAsync(condition, timeout, "");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting until {what()}.");
        }
    }

    /// <summary>
    /// As above, with the failure described when the wait fails (e.g. a service's log at that moment).
    /// </summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what)
    {
        try
        {
            await TrueAsync(condition, timeout, "");
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting until {what()}.");
        }
    }
}
