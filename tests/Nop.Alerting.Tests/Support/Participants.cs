using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Nop.Alerting.Maintenance;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Alerting.Tests.Support;

/// <summary>How a scripted participant answers a step.</summary>
public enum Script
{
    Done,
    Refuse,
    Silent,
    DoneTwice,
}

/// <summary>A step command a scripted participant received, with its envelope.</summary>
public sealed record ReceivedStep(MaintenanceStepCommand Command, string CorrelationId, string MessageId);

/// <summary>
/// A stand-in for Processing or History in the saga: a queue in the test's virtual host bound to the participant's
/// routing key on nop.commands, answering each step as <see cref="Answer"/> says (done, refused, not at all, or twice).
/// </summary>
public sealed class ScriptedParticipant : IAsyncDisposable
{
    private readonly AlertingTestBed _bed;
    private IChannel? _channel;

    private ScriptedParticipant(AlertingTestBed bed, string name, Func<MaintenanceStepCommand, Script> answer)
    {
        _bed = bed;
        Name = name;
        Answer = answer;
    }

    public string Name { get; }
    public Func<MaintenanceStepCommand, Script> Answer { get; set; }
    public ConcurrentQueue<ReceivedStep> Received { get; } = new();

    public IEnumerable<ReceivedStep> Of(MaintenanceAction action) => Received.Where(r => r.Command.Action == action);

    public static async Task<ScriptedParticipant> StartAsync(AlertingTestBed bed, string participant,
        Func<MaintenanceStepCommand, Script> answer)
    {
        var scripted = new ScriptedParticipant(bed, participant, answer);
        var channel = scripted._channel = await bed.Connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync($"test.{participant}.steps", durable: false, exclusive: true,
            autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, Exchanges.Commands, RoutingKeys.MaintenanceStep(participant));
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var command = JsonSerializer.Deserialize(delivery.Body.Span,
                MessageTypes.JsonInfo<MaintenanceStepCommand>())!;
            var correlationId = delivery.BasicProperties.CorrelationId ?? "";
            scripted.Received.Enqueue(new ReceivedStep(command, correlationId,
                delivery.BasicProperties.MessageId ?? ""));
            var script = scripted.Answer(command);
            for (var i = 0; i < (script == Script.DoneTwice ? 2 : script == Script.Silent ? 0 : 1); i++)
            {
                await scripted.AnswerAsync(command.MaintenanceId, command.Action, script != Script.Refuse,
                    correlationId);
            }
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return scripted;
    }

    /// <summary>Answers as the participant would (also for a step it stayed silent on).</summary>
    public Task AnswerAsync(Guid maintenanceId, MaintenanceAction action, bool done, string correlationId) =>
        _bed.Publisher.PublishAsync(Exchanges.Commands, RoutingKeys.MaintenanceCompleted,
            new MaintenanceStepCompleted(maintenanceId, Name, action, done, done ? null : $"{Name} says no"),
            new PublishOptions { CorrelationId = correlationId });

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }
    }
}

/// <summary>Every message published to nop.commands with one routing key, in arrival order.</summary>
public sealed class CommandSpy : IAsyncDisposable
{
    private IChannel? _channel;

    public ConcurrentQueue<Published> Messages { get; } = new();

    public IEnumerable<T> Bodies<T>() where T : IMessage =>
        Messages.Select(m => JsonSerializer.Deserialize(m.Body, MessageTypes.JsonInfo<T>())!);

    public static async Task<CommandSpy> StartAsync(AlertingTestBed bed, string routingKey)
    {
        var spy = new CommandSpy();
        var channel = spy._channel = await bed.Connection.CreateChannelAsync();
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true))
            .QueueName;
        await channel.QueueBindAsync(queue, Exchanges.Commands, routingKey);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            var p = delivery.BasicProperties;
            spy.Messages.Enqueue(new Published(delivery.RoutingKey, p.Type ?? "", p.MessageId ?? "",
                p.CorrelationId ?? "", TestBroker.Header(p.Headers, EnvelopeHeaders.CausationId),
                Encoding.UTF8.GetString(delivery.Body.Span)));
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer);
        return spy;
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }
    }
}

/// <summary>Maintenance requests as the Dashboard sends them, and waits on what the process manager stored.</summary>
public static class Maintenances
{
    public static Task<MaintenanceReply> StartMaintenanceAsync(this AlertingTestBed bed, StartMaintenance request,
        string? correlationId = null) =>
        bed.Requests.RequestAsync<StartMaintenance, MaintenanceReply>(RoutingKeys.MaintenanceRequest, request,
            correlationId);

    public static Task<MaintenanceReply> EndMaintenanceAsync(this AlertingTestBed bed, Guid id,
        string? correlationId = null) =>
        bed.Requests.RequestAsync<EndMaintenance, MaintenanceReply>(RoutingKeys.MaintenanceRequest,
            new EndMaintenance(id, "olga"), correlationId);

    public static StartMaintenance Request(string sensor, TimeSpan lasting, string reason = "calibration") =>
        new(Guid.NewGuid(), sensor, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow + lasting, reason,
            "olga");

    /// <summary>Waits until the stored saga satisfies <paramref name="condition"/>, then returns it.</summary>
    public static async Task<MaintenanceDetails> MaintenanceWhenAsync(this AlertingTestBed bed, Guid id,
        Func<MaintenanceDetails, bool> condition, string what, TimeSpan? timeout = null)
    {
        MaintenanceDetails? details = null;
        await Eventually.TrueAsync(async () =>
        {
            await using var db = bed.OpenDatabase();
            var saga = await db.Maintenances.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id);
            details = saga is null ? null : MaintenanceProcess.Details(saga);
            return details is not null && condition(details);
        }, timeout ?? Noise.Timeout, () => $"{what} (now: {TestBroker.Show(details)})");
        return details!;
    }

    /// <summary>The steps as (participant, action, outcome), in the order they ran.</summary>
    public static List<(string, MaintenanceAction, StepOutcome)> Trail(this MaintenanceDetails details) =>
        details.Steps.Select(s => (s.Participant, s.Action, s.Outcome)).ToList();

    /// <summary>Settings for short step time-outs and a fast timer.</summary>
    public static Dictionary<string, string?> Fast(TimeSpan stepTimeout, int attempts = 5) => new()
    {
        ["Alerting:Maintenance:StepTimeout"] = stepTimeout.ToString("c"),
        ["Alerting:Maintenance:StepAttempts"] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Alerting:Maintenance:PollInterval"] = "00:00:00.100",
    };
}
