using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Nop.Messaging;

/// <summary>Helpers for channels a component owns.</summary>
public static class ChannelExtensions
{
    /// <summary>Closes and disposes a channel that may already be gone (broker closed it, connection lost).</summary>
    public static async Task CloseQuietlyAsync(this IChannel channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        try
        {
            await channel.CloseAsync();
        }
        catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException
            or ObjectDisposedException or IOException or OperationCanceledException)
        {
            // Already gone.
        }
        channel.Dispose();
    }
}
