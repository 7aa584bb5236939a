using System.ComponentModel.DataAnnotations;
using Nop.Contracts;

namespace Nop.Dashboard;

/// <summary>The Dashboard's settings (section <c>Dashboard</c>).</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>The sensor catalogue (the file Ingest reads): an absolute path, or one looked up from the content root and
    /// each folder above it. When it is missing, the grid fills from live readings alone.</summary>
    [Required]
    public string CatalogPath { get; set; } = "deploy/sensors.dev.json";

    /// <summary>The built page: looked up like <see cref="CatalogPath"/>; when absent, the host's <c>wwwroot</c> is served.</summary>
    [Required]
    public string WebRoot { get; set; } = "frontend/dist";

    /// <summary>How often the latest reading, window and condition of each sensor are pushed (coalescing: at most one
    /// push of each per sensor per interval). Alerts are pushed at once.</summary>
    public TimeSpan PushInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Readings the live-readings queue holds before the oldest are dropped (it is lossy on purpose).</summary>
    [Range(10, 1_000_000)]
    public int ReadingsQueueMaxLength { get; set; } = 1000;

    /// <summary>Windows and sensor conditions the live-noise queue holds before the oldest are dropped: a window is
    /// replaced by the next one, and a page re-syncs its conditions from the open alerts.</summary>
    [Range(10, 1_000_000)]
    public int NoiseQueueMaxLength { get; set; } = 10_000;

    /// <summary>How long a push to one page may wait for its connection to take it before the page is dropped (it
    /// reconnects and re-syncs). Pushes to other pages never wait for it; until then, its pushes wait in
    /// memory.</summary>
    public TimeSpan PageSendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Unacknowledged deliveries per live queue.</summary>
    [Range(1, 5000)]
    public ushort Prefetch { get; set; } = 200;

    /// <summary>Base URL of Kibana (e.g. <c>http://localhost:5601</c>); each alert links to Discover filtered on its
    /// correlation id. No links when empty.</summary>
    public string? KibanaUrl { get; set; }

    /// <summary>How long the page waits for Alerting to answer a query or an acknowledgement.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Open alerts fetched per request for a page's initial state.</summary>
    [Range(1, 1000)]
    public int OpenAlertsLimit { get; set; } = 200;

    /// <summary>Pages of <see cref="OpenAlertsLimit"/> open alerts fetched at most; beyond them the page says it shows
    /// only the first ones.</summary>
    [Range(1, 100)]
    public int OpenAlertsMaxPages { get; set; } = 5;

    /// <summary>How long one answer of Alerting's open-alerts query is shared by every page that asks (a re-sync of
    /// many pages at once is one query).</summary>
    public TimeSpan OpenAlertsMaxAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Readings and window levels kept per sensor for the chart of a newly selected sensor.</summary>
    [Range(1, 10_000)]
    public int HistoryLength { get; set; } = 240;

    /// <summary>Thresholds (dB(A)) to colour a sensor by until its first window level brings the one Processing applies.</summary>
    public Dictionary<Zone, double> ZoneThresholds { get; set; } = new()
    {
        [Zone.Residential] = 55,
        [Zone.Commercial] = 65,
        [Zone.Industrial] = 70,
        [Zone.Quiet] = 50,
    };

    /// <summary>Where the Data Protection keys that sign operator cookies are kept (relative paths from the content
    /// root). Every replica must use the same directory (a shared volume) so a cookie one issued is accepted by the
    /// others and after a restart. Empty: ASP.NET Core's default, one key ring per user and machine.</summary>
    public string? KeysDirectory { get; set; }

    /// <summary>Who may sign in to acknowledge alerts. Passwords are stored as ASP.NET Core Identity hashes (PBKDF2);
    /// make one with <c>dotnet run --project services/Nop.Dashboard -- hash-password</c>.</summary>
    public List<OperatorAccount> Operators { get; set; } = [];
}

/// <summary>An operator who may acknowledge alerts.</summary>
public sealed class OperatorAccount
{
    [Required]
    public string Name { get; set; } = "";

    [Required]
    public string PasswordHash { get; set; } = "";
}
