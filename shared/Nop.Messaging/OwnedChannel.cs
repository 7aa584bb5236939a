using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Nop.Messaging;

/// <summary>
/// A long-lived channel on the publishing connection, opened on first use and replaced after it shuts down. A channel
/// that has shut down once is never used again, even after automatic recovery brings it back: its confirm tracking and
/// rate limiter may still count publishes whose confirms died with it.
/// </summary>
internal sealed class OwnedChannel(
    RabbitMqConnection connection,
    Func<IConnection, CancellationToken, Task<IChannel>> openChannel,
    string purpose,
    ILogger logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private IChannel? _channel;
    private int _shutDown;

    /// <summary>The open channel, opening a new one if there is none or the last one shut down.</summary>
    /// <exception cref="AlreadyClosedException">The connection is recovering.</exception>
    public async ValueTask<IChannel> GetAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open && Volatile.Read(ref _shutDown) == 0)
        {
            return open;
        }
        await _lock.WaitAsync(cancellationToken);
        try
        {
            if (_channel is { IsOpen: true } reopened && Volatile.Read(ref _shutDown) == 0)
            {
                return reopened;
            }
            var conn = await connection.GetPublishConnectionAsync(cancellationToken);
            if (!conn.IsOpen)
            {
                throw new AlreadyClosedException(
                    new ShutdownEventArgs(ShutdownInitiator.Library, 0, "connection is recovering"));
            }
            if (_channel is not null)
            {
                await _channel.DisposeAsync();
            }
            var channel = await openChannel(conn, cancellationToken);
            channel.ChannelShutdownAsync += (_, e) =>
            {
                Interlocked.Exchange(ref _shutDown, 1);
                logger.LogWarning("{Purpose} channel closed ({Reason}); the next use opens a new one",
                    purpose, e.ReplyText);
                return Task.CompletedTask;
            };
            Interlocked.Exchange(ref _shutDown, 0);
            _channel = channel;
            return channel;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel)
        {
            await channel.DisposeAsync();
        }
        _lock.Dispose();
    }
}
