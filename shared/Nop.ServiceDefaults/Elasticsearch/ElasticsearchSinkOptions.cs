namespace Nop.ServiceDefaults.Elasticsearch;

/// <summary>
/// Settings of <see cref="ElasticsearchSink"/>, bound from the <c>Logging:Elasticsearch</c> configuration section.
/// </summary>
public sealed class ElasticsearchSinkOptions
{
    /// <summary>The configuration section these options are read from.</summary>
    public const string SectionName = "Logging:Elasticsearch";

    /// <summary>Elasticsearch's base address, e.g. <c>http://localhost:9200</c>. The sink is off without it.</summary>
    public Uri? Url { get; set; }

    /// <summary>The data stream written to; <c>logs-*-*</c> names get Elasticsearch's built-in logs template.</summary>
    public string DataStream { get; set; } = "logs-nop-default";

    /// <summary>User name for basic authentication (with <see cref="Password"/>).</summary>
    public string? Username { get; set; }

    /// <summary>Password for basic authentication.</summary>
    public string? Password { get; set; }

    /// <summary>An encoded Elasticsearch API key (sent as <c>Authorization: ApiKey …</c>); wins over user and
    /// password.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The most log events held while Elasticsearch is slow or away. Past it the oldest are dropped and counted
    /// in <see cref="ElasticsearchSink.DroppedEvents"/>. The batch being sent (at most <see cref="BatchSize"/>)
    /// is held on top of it.
    /// </summary>
    public int QueueLimit { get; set; } = 10_000;

    /// <summary>The most events in one <c>_bulk</c> request.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// How long the sink waits after a successful request before the next one when less than a full batch is
    /// queued, and the first step of the back-off after a failure (doubling up to <see cref="MaxBackoff"/>).
    /// </summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest wait between two attempts while Elasticsearch keeps failing.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one <c>_bulk</c> request may take before it counts as failed.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long disposing the sink may spend sending what is still buffered.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The <c>service.name</c> of events that have no <c>Service</c> property. Set by
    /// <see cref="ServiceDefaultsExtensions.AddServiceDefaults{TBuilder}"/> to the service's name.
    /// </summary>
    public string? ServiceName { get; set; }
}
