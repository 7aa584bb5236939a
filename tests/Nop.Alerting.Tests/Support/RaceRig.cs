using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nop.Alerting.Alerts;
using Nop.Alerting.Data;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Persistence;
using Nop.Persistence.Inbox;
using Nop.Persistence.Outbox;
using Nop.Testing;

namespace Nop.Alerting.Tests.Support;

/// <summary>
/// Alerting's write path on a real SQLite file: each delivery, request or sweep runs in its own DI scope with its own
/// DbContext, as two consumers or two instances would, and <see cref="Gate"/> can hold one SaveChanges back so that a
/// race is played in a chosen order. Deliveries are handed to the handlers directly; only the sweeper's queue markers
/// go to a broker (a virtual host of the rig's own, where nothing consumes them: <see cref="Markers"/> says how far the
/// queue counts as consumed).
/// </summary>
public sealed class RaceRig : IAsyncDisposable
{
    private const string DashboardUser = "nop-dashboard";
    private readonly string _path;
    private readonly VirtualHost _vhost;
    private ServiceProvider _services = null!;

    private RaceRig(string path, VirtualHost vhost) => (_path, _vhost) = (path, vhost);

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
    public SaveGate Gate { get; } = new();

    public static async Task<RaceRig> CreateAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"nop-alerting-race-{Guid.NewGuid():N}.db");
        var services = new ServiceCollection();
        var rig = new RaceRig(path, await TestBroker.CreateVirtualHostAsync("race"));
        services.AddLogging();
        services.AddSingleton<TimeProvider>(rig.Clock);
        // Acknowledgements come from the Dashboard's broker user, checked as outside Development.
        services.AddSingleton(Options.Create(new AlertingOptions { AcknowledgeUsers = [DashboardUser] }));
        services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Production });
        services.AddSingleton<AcknowledgePermission>();
        services.AddSingleton(Options.Create(new OutboxOptions()));
        services.AddDbContext<SqliteAlertingDbContext>(o =>
            o.UseSqlite(ConnectionString(path)).AddInterceptors(rig.Gate));
        services.AddScoped<AlertingDbContext>(p => p.GetRequiredService<SqliteAlertingDbContext>());
        services.AddSingleton<DatabaseResilience>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<SeverityBands>();
        services.AddNopInbox<AlertingDbContext>();
        services.AddScoped<AlertLedger>();
        services.AddMetrics();
        services.AddSingleton<AlertingMetrics>();
        services.AddSingleton(Options.Create(new RabbitMqOptions { Uri = rig._vhost.Uri, ClientName = "race-rig" }));
        services.AddSingleton<RabbitMqConnection>();
        services.AddSingleton<MessagePublisher>();
        services.AddSingleton<QueueMarkerClock>();
        services.AddSingleton<QuietAlertSweeper>();
        rig._services = services.BuildServiceProvider();
        await using (var scope = rig._services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<AlertingDbContext>().Database.MigrateAsync();
        }
        return rig;
    }

    public DatabaseResilience Resilience => _services.GetRequiredService<DatabaseResilience>();

    public QuietAlertSweeper Sweeper => _services.GetRequiredService<QuietAlertSweeper>();

    /// <summary>
    /// How far <c>alerting.noise</c> counts as consumed: the sweeper resolves only what was quiet by then.
    /// </summary>
    public QueueMarkerClock Markers => _services.GetRequiredService<QueueMarkerClock>();

    /// <summary>
    /// Delivers a noise event as the consumer host does: the inbox first, then the handler, in one scope.
    /// </summary>
    /// <returns>False when the inbox skipped it as handled already.</returns>
    public async Task<bool> DeliverAsync<T>(T message, string? messageId = null) where T : IMessage
    {
        await using var scope = _services.CreateAsyncScope();
        var envelope = Envelope(messageId ?? Guid.NewGuid().ToString(), T.MessageType);
        if (!await scope.ServiceProvider.GetRequiredService<EfInbox>()
            .TryBeginAsync(Queues.AlertingNoise, envelope, default))
        {
            return false;
        }
        var (provider, context) = (scope.ServiceProvider, Context(envelope));
        await (message switch
        {
            NoiseThresholdExceeded m =>
                Create<NoiseThresholdExceededHandler>(provider).HandleAsync(m, context, default),
            NoiseThresholdCleared m => Create<NoiseThresholdClearedHandler>(provider).HandleAsync(m, context, default),
            NoiseSpikeDetected m => Create<NoiseSpikeDetectedHandler>(provider).HandleAsync(m, context, default),
            _ => throw new ArgumentException($"No handler for {typeof(T).Name}"),
        });
        return true;
    }

    private static THandler Create<THandler>(IServiceProvider provider) =>
        ActivatorUtilities.CreateInstance<THandler>(provider);

    /// <summary>An operator's acknowledgement, as the command consumer hands it to its handler.</summary>
    public async Task<AcknowledgeAlertResult> AcknowledgeAsync(Guid alertId, string by, DateTimeOffset? deadline = null)
    {
        await using var scope = _services.CreateAsyncScope();
        var handler = Create<AcknowledgeAlertHandler>(scope.ServiceProvider);
        var envelope = Envelope(Guid.NewGuid().ToString(), AcknowledgeAlert.MessageType);
        envelope = envelope with { Deadline = deadline, UserId = DashboardUser };
        return await handler.HandleAsync(new AcknowledgeAlert(alertId, by, null), Context(envelope), default);
    }

    /// <summary>
    /// Plays a race in a fixed order: <paramref name="loser"/> decides on the current state, its save waits while
    /// <paramref name="winner"/> runs to its commit, then it saves on the state it read, which is stale by then.
    /// </summary>
    public async Task<T> RaceAsync<T>(Func<Task<T>> loser, Func<Task> winner)
    {
        var held = Gate.HoldNext();
        var losing = Task.Run(loser);
        (await Task.WhenAny(held, losing).WaitAsync(TimeSpan.FromSeconds(30))).ShouldBe(held, "the loser saves");
        await winner().WaitAsync(TimeSpan.FromSeconds(30));
        Gate.Release();
        return await losing.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task<Alert> AlertAsync(string sensorId, AlertRule rule = AlertRule.Level)
    {
        await using var db = Open();
        return await db.Alerts.AsNoTracking().SingleAsync(a => a.SensorId == sensorId && a.Rule == rule);
    }

    public async Task<List<AlertEventType>> EventsAsync(Guid alertId)
    {
        await using var db = Open();
        return await db.AlertEvents.AsNoTracking().Where(e => e.AlertId == alertId).OrderBy(e => e.Sequence)
            .Select(e => e.Type).ToListAsync();
    }

    public SqliteAlertingDbContext Open() =>
        new(new DbContextOptionsBuilder<SqliteAlertingDbContext>().UseSqlite(ConnectionString(_path)).Options);

    public string DatabasePath => _path;

    // A short busy timeout, so a locked database shows up as failures within a second.
    private static string ConnectionString(string path) => $"Data Source={path};Default Timeout=1";

    private static MessageEnvelope Envelope(string messageId, string type) =>
        new(messageId, "corr-" + messageId, null, type,
        DateTimeOffset.UtcNow, null, Exchanges.Noise, "test", Redelivered: false, Attempt: 0);

    private static MessageContext Context(MessageEnvelope envelope) => new(envelope, "test", NoAck.Instance);

    public async ValueTask DisposeAsync()
    {
        Gate.Release();
        await _services.DisposeAsync();
        await _vhost.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
    }

    private sealed class NoAck : IDeliveryAck
    {
        public static readonly NoAck Instance = new();
        public ulong DeliveryTag => 0;
        public ValueTask AckAsync(bool multiple, CancellationToken cancellationToken = default) => default;
    }
}

/// <summary>Holds the next SaveChanges of any context back until <see cref="Release"/>.</summary>
public sealed class SaveGate : SaveChangesInterceptor
{
    private (TaskCompletionSource Reached, TaskCompletionSource Open)? _armed;
    private TaskCompletionSource? _held;
    private readonly Lock _lock = new();

    /// <summary>Arms the gate; the task completes when a save has reached it and waits. May be armed for the next save
    /// while one is held, so that no save slips through between <see cref="Release"/> and arming again.</summary>
    public Task HoldNext()
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _armed = (reached, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
        return reached.Task;
    }

    /// <summary>Lets the held save go on.</summary>
    public void Release() => Volatile.Read(ref _held)?.TrySetResult();

    /// <summary>Lets the next save through if none reached the gate since <see cref="HoldNext"/>.</summary>
    public void Disarm()
    {
        lock (_lock)
        {
            _armed = null;
        }
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        (TaskCompletionSource Reached, TaskCompletionSource Open)? gate;
        lock (_lock)
        {
            (gate, _armed) = (_armed, null);
        }
        if (gate is var (reached, open))
        {
            Volatile.Write(ref _held, open);
            reached.TrySetResult();
            await open.Task.WaitAsync(cancellationToken);
        }
        return result;
    }
}
