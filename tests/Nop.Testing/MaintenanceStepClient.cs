using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Nop.Contracts;
using Nop.Messaging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Testing;

/// <summary>An answer a participant published, with the correlation id it carried.</summary>
public sealed record StepAnswer(MaintenanceStepCompleted Completed, string? CorrelationId, string? CausationId);

/// <summary>
/// Plays the maintenance process manager towards one participant in a test's virtual host: sends
/// <see cref="MaintenanceStepCommand"/>s to <c>nop.commands</c> (persistent, confirmed) and records the
/// <see cref="MaintenanceStepCompleted"/> answers.
/// </summary>
public sealed class MaintenanceStepClient : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _publish;
    private readonly IChannel _listen;
    private readonly string _participant;
    private readonly ConcurrentQueue<StepAnswer> _answers = new();

    private MaintenanceStepClient(IConnection connection, IChannel publish, IChannel listen, string participant) =>
        (_connection, _publish, _listen, _participant) = (connection, publish, listen, participant);

    /// <summary>Every answer received so far, in order.</summary>
    public IReadOnlyCollection<StepAnswer> Answers => _answers;

    /// <summary>Connects to the virtual host and listens for answers.</summary>
    public static async Task<MaintenanceStepClient> ConnectAsync(Uri vhostUri, string participant)
    {
        var connection = await new ConnectionFactory { Uri = vhostUri }.CreateConnectionAsync();
        var publish = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true));
        await Topology.DeclareExchangesAsync(publish);
        var listen = await connection.CreateChannelAsync();
        var queue = (await listen.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
        await listen.QueueBindAsync(queue, Exchanges.Commands, RoutingKeys.MaintenanceCompleted);
        var client = new MaintenanceStepClient(connection, publish, listen, participant);
        var consumer = new AsyncEventingBasicConsumer(listen);
        consumer.ReceivedAsync += (_, d) =>
        {
            var answer = JsonSerializer.Deserialize(Encoding.UTF8.GetString(d.Body.Span),
                MessageTypes.JsonInfo<MaintenanceStepCompleted>())!;
            client._answers.Enqueue(new StepAnswer(answer, d.BasicProperties.CorrelationId,
                TestBroker.Header(d.BasicProperties.Headers, EnvelopeHeaders.CausationId)));
            return Task.CompletedTask;
        };
        await listen.BasicConsumeAsync(queue, autoAck: true, consumer);
        return client;
    }

    /// <summary>Sends a step command to the participant with the given correlation id.</summary>
    public async Task SendAsync(MaintenanceStepCommand command, string correlationId)
    {
        var properties = new BasicProperties
        {
            MessageId = Guid.CreateVersion7().ToString(),
            CorrelationId = correlationId,
            Type = MaintenanceStepCommand.MessageType,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
        };
        await _publish.BasicPublishAsync(Exchanges.Commands, RoutingKeys.MaintenanceStep(_participant), true,
            properties, JsonSerializer.SerializeToUtf8Bytes(command, MessageTypes.JsonInfo<MaintenanceStepCommand>()));
    }

    /// <summary>Sends a command and waits for the next answer (send one at a time).</summary>
    public async Task<StepAnswer> AskAsync(MaintenanceStepCommand command, string correlationId)
    {
        var before = _answers.Count;
        await SendAsync(command, correlationId);
        await Eventually.TrueAsync(() => _answers.Count > before, TimeSpan.FromSeconds(30),
            $"the {_participant} answers {command.Action} of {command.MaintenanceId}");
        return _answers.ElementAt(before);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _listen.DisposeAsync();
        await _publish.DisposeAsync();
        await _connection.CloseAsync();
        _connection.Dispose();
    }
}
