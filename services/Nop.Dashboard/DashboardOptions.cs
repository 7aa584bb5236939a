using System.ComponentModel.DataAnnotations;
using Nop.Contracts;

namespace Nop.Dashboard;

// The Dashboard's settings (section Dashboard).
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    // The sensor catalogue (the file Ingest reads): an absolute path, or one looked up from the content root and
    // each folder above it. When it is empty or missing, the grid fills from live readings alone. Development sets
    // deploy/sensors.dev.json (appsettings.Development.json); elsewhere there is no default.
    public string CatalogPath { get; set; } = "";

    // The built page: looked up like CatalogPath; when absent, the host's wwwroot is served.
    [Required]
    public string WebRoot { get; set; } = "frontend/dist";

    // How often the latest reading, window and condition of each sensor are pushed (coalescing: at most one
    // push of each per sensor per interval). Alerts are pushed at once.
    public TimeSpan PushInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    // Readings the live-readings queue holds before the oldest are dropped (it is lossy on purpose).
    [Range(10, 1_000_000)]
    public int ReadingsQueueMaxLength { get; set; } = 1000;

    // Windows and sensor conditions the live-noise queue holds before the oldest are dropped: a window is
    // replaced by the next one, and a page re-syncs its conditions from the open alerts.
    [Range(10, 1_000_000)]
    public int NoiseQueueMaxLength { get; set; } = 10_000;

    // How long a push to one page may wait for its connection to take it before the page is dropped (it
    // reconnects and re-syncs). Pushes to other pages never wait for it; until then, its pushes wait in
    // memory.
    public TimeSpan PageSendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    // Unacknowledged deliveries per live queue.
    [Range(1, 5000)]
    public ushort Prefetch { get; set; } = 200;

    // Base URL of Kibana (e.g. http://localhost:5601); each alert links to Discover filtered on its
    // correlation id. No links when empty.
    public string? KibanaUrl { get; set; }

    // How long the page waits for Alerting to answer a query or an acknowledgement.
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    // Open alerts fetched per request for a page's initial state.
    [Range(1, 1000)]
    public int OpenAlertsLimit { get; set; } = 200;

    // Pages of OpenAlertsLimit open alerts fetched at most; beyond them the page says it shows
    // only the first ones.
    [Range(1, 100)]
    public int OpenAlertsMaxPages { get; set; } = 5;

    // How long one answer of Alerting's open-alerts query is shared by every page that asks (a re-sync of
    // many pages at once is one query).
    public TimeSpan OpenAlertsMaxAge { get; set; } = TimeSpan.FromSeconds(1);

    // Readings and window levels kept per sensor for the chart of a newly selected sensor.
    [Range(1, 10_000)]
    public int HistoryLength { get; set; } = 240;

    // Thresholds (dB(A)) to colour a sensor by until its first window level brings the one Processing applies.
    public Dictionary<Zone, double> ZoneThresholds { get; set; } = new()
    {
        [Zone.Residential] = 55,
        [Zone.Commercial] = 65,
        [Zone.Industrial] = 70,
        [Zone.Quiet] = 50,
    };

    // Where the Data Protection keys that sign operator cookies are kept (relative paths from the content
    // root). Every replica must use the same directory (a shared volume) so a cookie one issued is accepted by the
    // others and after a restart. Empty: ASP.NET Core's default, one key ring per user and machine.
    public string? KeysDirectory { get; set; }

    // Who may sign in to acknowledge alerts. Passwords are stored as ASP.NET Core Identity hashes (PBKDF2);
    // make one with `echo "$PASSWORD" | dotnet run --project services/Nop.Dashboard -- hash-password`.
    public List<OperatorAccount> Operators { get; set; } = [];

    // More operators: a JSON file (a mounted secret) [{"name": "...", "passwordHash": "..."}], read again when it
    // changes. Relative paths from the content root.
    public string? OperatorsPath { get; set; }

    // A session ends after this long without a request (sliding), and in any case this long after sign-in.
    // ASVS 4.0.3 V3.3.2 (level 2): re-authentication after 30 minutes idle or 12 hours; OWASP Session Management
    // Cheat Sheet, "Session Expiration".
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    // Origins (e.g. https://noise.example.org) besides the Dashboard's own whose pages may open the hub. A browser
    // sends Origin with a WebSocket and negotiate request; any other origin gets 403 (cross-site WebSocket
    // hijacking, OWASP WebSocket Security Cheat Sheet).
    public List<string> AllowedOrigins { get; set; } = [];

    // When true, the hub and the page's data APIs (/api/history, /api/alerts) answer 401 until an operator signs
    // in; by default anyone who reaches the page may watch.
    public bool RequireSignInToView { get; set; }

    // The longest maintenance an operator may start (POST /api/maintenance). A maintenance silences the sensor's
    // alerts and leaves its period out of History's coverage and indicators, so a typo in `to` (2062 for 2026) must
    // not hide a sensor for years; 30 days is one monthly indicator period, and an outage longer than that is a
    // decommissioning for the catalogue, not maintenance.
    public TimeSpan MaxMaintenanceDuration { get; set; } = TimeSpan.FromDays(30);

    // Snapshots one page connection may ask for per minute (a page asks once per connection and per re-sync).
    [Range(1, 1000)]
    public int SnapshotsPerMinute { get; set; } = 10;
}

// An operator who may acknowledge alerts.
public sealed class OperatorAccount
{
    [Required]
    public string Name { get; set; } = "";

    [Required]
    public string PasswordHash { get; set; } = "";
}
