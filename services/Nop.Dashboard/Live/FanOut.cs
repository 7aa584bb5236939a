namespace Nop.Dashboard.Live;

// Sends to the pages without waiting for them. Clients.All completes only when every connection has taken the
// message, so awaiting it makes every page (and the feed behind it) as slow as the slowest browser; a send that is
// not awaited still reaches the others at once, and SignalR keeps each connection's messages in order.
internal static class FanOut
{
    public static void Forget(Task send, ILogger logger, string what)
    {
        if (send.IsCompletedSuccessfully)
        {
            return;
        }
        _ = send.ContinueWith(
            t => logger.LogWarning(t.Exception, "Pushing {What} to the pages failed", what),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}
