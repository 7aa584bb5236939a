using System.Text.Json;
using Nop.Contracts;
using Nop.Testing;
using RabbitMQ.Client;

namespace Nop.Faults.Tests;

/// <summary>
/// A durable test queue on <c>nop.noise</c> taking every window (Processing's <see cref="NoiseLevelsMeasured"/>),
/// declared before the load so it misses none. It is read only after the faults (a new connection each time), so it needs no recovery of its own.
/// </summary>
public sealed class LevelQueue
{
    public const string Name = "faults.levels";

    private readonly VirtualHost _vhost;
    private readonly Dictionary<(string Sensor, DateTimeOffset Start), NoiseLevelMeasured> _windows = [];
    private readonly List<string> _conflicts = [];

    private LevelQueue(VirtualHost vhost) => _vhost = vhost;

    /// <summary>
    /// Closed windows by sensor and start (a window re-published with the same result is one window).
    /// </summary>
    public IReadOnlyDictionary<(string Sensor, DateTimeOffset Start), NoiseLevelMeasured> Windows => _windows;

    /// <summary>The same window published twice with different results.</summary>
    public IReadOnlyList<string> Conflicts => _conflicts;

    public int Duplicates { get; private set; }

    // A quorum queue, like NOP's own: a Raft log that is fsynced before the broker confirms, so what the test observes
    // survives a SIGKILLed broker (with a classic queue, windows once went missing after a kill and a 98 s restart
    // while Processing's log showed their outbox rows confirmed and deleted), and in a cluster it is replicated on
    // every node.
    public static async Task<LevelQueue> DeclareAsync(VirtualHost vhost)
    {
        var factory = new ConnectionFactory { Uri = vhost.Uri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        // nop.noise is declared by Processing at start-up (it is ready by now); passive, so a typo fails here.
        await channel.ExchangeDeclarePassiveAsync(Exchanges.Noise);
        var arguments = new Dictionary<string, object?> { ["x-queue-type"] = "quorum" };
        await channel.QueueDeclareAsync(Name, durable: true, exclusive: false, autoDelete: false, arguments);
        await channel.QueueBindAsync(Name, Exchanges.Noise, RoutingKeys.AllLevelBatches);
        return new LevelQueue(vhost);
    }

    /// <summary>Takes everything the queue holds now.</summary>
    public async Task DrainAsync()
    {
        var factory = new ConnectionFactory { Uri = _vhost.Uri };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        while (await channel.BasicGetAsync(Name, autoAck: true) is { } message)
        {
            foreach (var level in JsonSerializer.Deserialize(message.Body.Span,
                NopJsonContext.Default.NoiseLevelsMeasured)!.Windows)
            {
                Add(level);
            }
        }
    }

    private void Add(NoiseLevelMeasured level)
    {
        var key = (level.SensorId, level.WindowStart);
        if (_windows.TryGetValue(key, out var seen))
        {
            Duplicates++;
            if (seen.Count != level.Count || seen.LateCount != level.LateCount)
            {
                _conflicts.Add($"{key}: count {seen.Count} then {level.Count}");
            }
            return;
        }
        _windows[key] = level;
    }
}
