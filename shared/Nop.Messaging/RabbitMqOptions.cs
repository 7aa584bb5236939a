using System.ComponentModel.DataAnnotations;

namespace Nop.Messaging;

/// <summary>Broker settings, bound from the <c>RabbitMq</c> configuration section (e.g.
/// <c>RabbitMq__Uri</c>).</summary>
public sealed class RabbitMqOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string Section = "RabbitMq";

    /// <summary>AMQP URI including credentials and virtual host.</summary>
    [Required]
    public Uri Uri { get; set; } = new("amqp://guest:guest@127.0.0.1:5672/");

    /// <summary>
    /// The nodes of a cluster as <c>host:port</c> (e.g. <c>RabbitMq__Endpoints__0=127.0.0.1:5681</c>). When given, a
    /// connection (and every recovery) goes to one of them, tried in random order, instead of the host and port of
    /// <see cref="Uri"/>, which still gives the credentials and the virtual host. Empty: <see cref="Uri"/> alone.
    /// </summary>
    public string[] Endpoints { get; set; } = [];

    /// <summary>Shown in the management UI as the connection name; defaults to the service name.</summary>
    public string? ClientName { get; set; }

    /// <summary>Unacknowledged deliveries a consumer may hold (docs/architecture.md §3: 100–500).</summary>
    [Range(1, 5000)]
    public ushort Prefetch { get; set; } = 200;

    /// <summary>How long a publish may wait for the broker's confirm before it fails.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Publishes in flight per publisher channel before further publishes wait.</summary>
    [Range(1, 100_000)]
    public int MaxOutstandingConfirms { get; set; } = 2048;

    /// <summary>
    /// Delay before each retry of a failed handling (<c>RabbitMq__RetryDelays__0=00:00:01</c>, …); the count of
    /// entries is the number of retries, after the last one the message is parked in the queue's <c>.dead</c> queue.
    /// Empty means the defaults of <see cref="RetryPolicy"/>, which applies them (configuration binding merges arrays
    /// index by index, so a non-empty default here would leak into a shorter list).
    /// </summary>
    public TimeSpan[] RetryDelays { get; set; } = [];

    /// <summary>Quorum queue delivery limit: the broker's own backstop against a message that crashes its
    /// consumer.</summary>
    [Range(1, 1000)]
    public int DeliveryLimit { get; set; } = 20;

    /// <summary>The default of <see cref="MaxQueueLength"/>.</summary>
    public const int DefaultMaxQueueLength = 100_000;

    /// <summary>
    /// Ready messages a work queue holds before the broker refuses further publishes to it (<c>x-max-length</c> with
    /// <c>x-overflow: reject-publish</c>): the publisher gets a nack, and Ingest answers 503 with Retry-After. It
    /// bounds the broker's disk and memory and the staleness of what a stalled consumer will see once it resumes. The
    /// default, 100,000, is about 25 s of the ~4,000 readings/s the whole pipeline sustains on the 2-core reference
    /// machine (./nop bench), so a Processing restart or a partition fail-over (a few seconds) rides on the queue
    /// without a single 503, while the backlog stays a few tens of MB (~270-byte readings) and drains in well under a
    /// minute. The classifier gets every reading, a partition only its share, so the classifier is the first to fill.
    /// A 3.10 quorum queue enforces it asynchronously: once over the limit it tells the publishers' channels to refuse,
    /// so publishes already in flight at that moment are still taken (the queue may end over the limit by up to the
    /// publishers' unconfirmed messages), and it takes publishes again only once consumers brought it down to 80 % of
    /// the limit. Queue arguments cannot change on an existing queue: a queue declared with another value must be
    /// deleted (or the value kept) before a service with the new value starts (see
    /// <see cref="TopologyMismatchException"/>).
    /// </summary>
    [Range(1, 100_000_000)]
    public int MaxQueueLength { get; set; } = DefaultMaxQueueLength;

    /// <summary>How often automatic recovery tries to reconnect after a connection loss.</summary>
    public TimeSpan NetworkRecoveryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest back-off between start-up connection attempts.</summary>
    public TimeSpan MaxConnectBackoff { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a request waits for its reply by default.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The broker user of <see cref="Uri"/> (as the client reads it: <c>guest</c> when the URI names none),
    /// stamped as <c>user_id</c> on every message the service publishes.</summary>
    public string UserName => new RabbitMQ.Client.ConnectionFactory { Uri = Uri }.UserName;

    /// <summary>Whether the service declares NOP's exchanges and its queues at connect (the default). Off where an
    /// operator provisions the topology (docker compose loads <c>deploy/rabbitmq/definitions.json</c>) and the
    /// service's broker user has no configure permission: the service then only checks, passively, that its queues
    /// exist.</summary>
    public bool DeclareTopology { get; set; } = true;
}
