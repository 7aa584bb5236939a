using Nop.Testing;

namespace Nop.Benchmarks;

/// <summary>
/// The broker here is shared with test suites that restart or kill it. A part that fails (the broker went away
/// mid-run) is retried once after the broker answers again; a part that fails twice leaves its figures out (NaN,
/// null in the JSON) and says why, instead of losing the whole run.
/// </summary>
public static class Phases
{
    public static async Task RunAsync(string name, BenchResults results, Func<Task> run)
    {
        for (var attempt = 1; ; attempt++)
        {
            await WaitForBrokerAsync();
            try
            {
                await run();
                return;
            }
            catch (Exception ex) when (attempt < 2)
            {
                Console.WriteLine($"      {name} failed ({ex.GetType().Name}: {ex.Message}); the broker may have " +
                    $"been restarted by a test: retrying once");
            }
            catch (Exception ex)
            {
                Console.WriteLine(
                    $"      {name} failed again ({ex.GetType().Name}: {ex.Message}); its figures are left out");
                results.Errors.Add($"{name}: {ex.GetType().Name}: {ex.Message}");
                return;
            }
        }
    }

    /// <summary>
    /// Deletes a virtual host, ignoring a broker that is gone (a restarted broker keeps it; it is tiny).
    /// </summary>
    public static async Task DeleteQuietlyAsync(VirtualHost vhost)
    {
        try
        {
            await vhost.DisposeAsync();
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            Console.WriteLine($"      could not delete virtual host {vhost.Name}: {ex.Message}");
        }
    }

    private static async Task WaitForBrokerAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            try
            {
                await using var probe = await TestBroker.CreateVirtualHostAsync("bench-probe");
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(1000);
            }
        }
    }
}
