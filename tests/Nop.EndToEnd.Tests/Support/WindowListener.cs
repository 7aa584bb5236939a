using System.Collections.Concurrent;
using System.Text.Json;
using Nop.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.EndToEnd.Tests;

/// <summary>
/// A test's own queue on <c>nop.noise</c>, bound to every partition's windows (<c>noise.levels.*</c>): the windows
/// Processing publishes for one sensor from now on, as History receives them.
/// </summary>
public sealed class WindowListener : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly ConcurrentDictionary<DateTimeOffset, NoiseLevelMeasured> _windows = new();

    private WindowListener(IConnection connection, IChannel channel) => (_connection, _channel) = (connection, channel);

    /// <summary>The windows received so far, by start (a redelivered or re-emitted window counts once).</summary>
    public IReadOnlyList<NoiseLevelMeasured> Windows => _windows.Values.OrderBy(w => w.WindowStart).ToList();

    public static async Task<WindowListener> StartAsync(Uri broker, string sensorId)
    {
        var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, Exchanges.Noise, RoutingKeys.AllLevelBatches);
        var listener = new WindowListener(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            if (delivery.BasicProperties.Type == NoiseLevelsMeasured.MessageType)
            {
                var levels = JsonSerializer.Deserialize(delivery.Body.Span,
                    MessageTypes.JsonInfo<NoiseLevelsMeasured>())!;
                foreach (var window in levels.Windows.Where(w => w.SensorId == sensorId))
                {
                    listener._windows[window.WindowStart] = window;
                }
            }
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return listener;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.CloseAsync();
        _connection.Dispose();
    }
}
