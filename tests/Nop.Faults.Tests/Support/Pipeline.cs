using System.Globalization;
using Nop.Testing;

namespace Nop.Faults.Tests;

/// <summary>
/// Ingest and Processing (and, when asked, Alerting and the Dashboard; one or more instances of each) as processes, as
/// <c>./nop up</c> runs them, on a fresh virtual host with SQLite files in a temporary folder. Windows are 2 s of event
/// time; the idle timer is effectively off (5 min), so a broker outage never closes a window early by the wall clock:
/// the test closes the last windows with a flush reading.
/// </summary>
public sealed class Pipeline : IAsyncDisposable
{
    public static readonly TimeSpan WindowSize = TimeSpan.FromSeconds(2);

    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("nop-faults-");
    private readonly List<ServiceProcess> _processes = [];

    private Pipeline(VirtualHost vhost) => VirtualHost = vhost;

    public VirtualHost VirtualHost { get; }

    public ServiceProcess Ingest => Ingests[0];

    public ServiceProcess Processing => Processings[0];

    public ServiceProcess? Alerting => Alertings.FirstOrDefault();

    /// <summary>
    /// Every instance of each service (<c>replicas</c> of each, sharing the broker and the databases).
    /// </summary>
    public List<ServiceProcess> Ingests { get; } = [];

    public List<ServiceProcess> Processings { get; } = [];

    public List<ServiceProcess> Alertings { get; } = [];

    public List<ServiceProcess> Dashboards { get; } = [];

    public string Diagnostics => string.Join("\n", _processes.Select(p =>
        $"--- {(p.HasExited ? "exited" : "running")}:\n{p.Tail[^Math.Min(p.Tail.Length, 3000)..]}"));

    // broker: whose fresh virtual host the services use (the shared local broker by default).
    // settings: configuration for every service, over the defaults below (e.g. a small queue limit for a test).
    // replicas: instances of each service; withDashboard: Dashboards too (sharing one key directory).
    public static async Task<Pipeline> StartAsync(string name, bool withAlerting = false, BrokerEndpoint? broker = null,
        IReadOnlyDictionary<string, string>? settings = null,
        int replicas = 1, bool withDashboard = false)
    {
        var pipeline = new Pipeline(await (broker ?? TestBroker.Local).CreateVirtualHostAsync(name));
        try
        {
            // The replicas start side by side (each in its own order), as a Deployment's pods do.
            await Task.WhenAll(Enumerable.Range(1, replicas).Select(i => pipeline.StartServicesAsync(
                replicas == 1 ? name : $"{name}-{i}", withAlerting, withDashboard,
                    settings ?? new Dictionary<string, string>())));
            return pipeline;
        }
        catch
        {
            await pipeline.DisposeAsync();
            throw;
        }
    }

    private async Task StartServicesAsync(string name, bool withAlerting, bool withDashboard,
        IReadOnlyDictionary<string, string> settings)
    {
        var common = new Dictionary<string, string>
        {
            ["RabbitMq:Uri"] = VirtualHost.Uri.ToString(),
            ["Logging:Console:Format"] = "text"
        };
        foreach (var (key, value) in settings)
        {
            common[key] = value;
        }
        // Processing (and Alerting) first: they declare the queues bound to nop.readings, without which Ingest answers
        // 503.
        var processing = ServiceProcess.StartServiceAsync("Nop.Processing", With(common, new()
        {
            ["ConnectionStrings:Processing"] = $"Data Source={Path.Combine(_data.FullName, "processing.db")}",
            ["Processing:Partitions"] = "2",
            ["Processing:Windows:Size"] = WindowSize.ToString("c", CultureInfo.InvariantCulture),
            ["Processing:Windows:AllowedLateness"] = "00:00:01",
            ["Processing:Windows:IdleGrace"] = "00:05:00",
            ["Processing:Rules:OfflineAfter"] = "01:00:00",
        }), $"faults-{name}-processing");
        Task<ServiceProcess>? alerting = null;
        if (withAlerting)
        {
            alerting = ServiceProcess.StartServiceAsync("Nop.Alerting", With(common, new()
            {
                ["ConnectionStrings:Alerting"] = $"Data Source={Path.Combine(_data.FullName, "alerting.db")}",
                ["Alerting:Outbox:PollInterval"] = "00:00:01",
                // Three retries as by default, but 0.2 s apart instead of 1 + 5 + 25 s, so a refused command is parked
                // quickly.
                ["RabbitMq:RetryDelays:0"] = "00:00:00.200",
                ["RabbitMq:RetryDelays:1"] = "00:00:00.200",
                ["RabbitMq:RetryDelays:2"] = "00:00:00.200",
            }), $"faults-{name}-alerting");
        }
        Add(Processings, await Track(processing));
        if (alerting is not null)
        {
            Add(Alertings, await Track(alerting));
        }
        if (withDashboard)
        {
            Add(Dashboards, await Track(ServiceProcess.StartServiceAsync("Nop.Dashboard", With(common, new()
            {
                ["Dashboard:KeysDirectory"] = Path.Combine(_data.FullName, "dashboard-keys"),
            }), $"faults-{name}-dashboard")));
        }
        Add(Ingests, await Track(ServiceProcess.StartServiceAsync("Nop.Ingest", With(common, new()
        {
            // The load is a handful of sensors posting fast: the per-key flood limit is not what these tests are about.
            ["Ingest:RateLimit:RequestsPerSecond"] = "10000",
            ["Ingest:RateLimit:Burst"] = "10000",
            ["Ingest:UnavailableRetryAfterSeconds"] = "1",
        }), $"faults-{name}-ingest")));
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _processes.Count - 1; i >= 0; i--)
        {
            await _processes[i].DisposeAsync();
        }
        await VirtualHost.DisposeAsync();
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold a file for a moment; the folder is in the temp directory.
        }
    }

    private async Task<ServiceProcess> Track(Task<ServiceProcess> starting)
    {
        var process = await starting;
        Add(_processes, process);
        return process;
    }

    // Replicas start concurrently.
    private void Add(List<ServiceProcess> list, ServiceProcess process)
    {
        lock (_processes)
        {
            list.Add(process);
        }
    }

    // The test's own settings (in common) win over the defaults of each service here.
    private static Dictionary<string, string> With(Dictionary<string, string> common,
        Dictionary<string, string> extra) =>
        extra.Where(e => !common.ContainsKey(e.Key)).Concat(common).ToDictionary();
}
