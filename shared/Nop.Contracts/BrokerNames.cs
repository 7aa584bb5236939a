using System.Globalization;
using System.Text;

namespace Nop.Contracts;

/// <summary>Exchange names (docs/architecture.md §3).</summary>
public static class Exchanges
{
    /// <summary>Topic exchange Ingest publishes readings to; routing key <c>reading.&lt;bucket&gt;.&lt;sensorId&gt;</c>
    /// (<see cref="RoutingKeys.Reading"/>).</summary>
    public const string Readings = "nop.readings";
    /// <summary>The consistent-hash exchange that spread sensors over the aggregator partitions up to this version. A
    /// broker rebuilds its hash ring at boot in an order it does not keep, so after a restart a sensor could be routed
    /// to another partition than its windows were in. The services delete it when they declare the topology (and the
    /// compose set-up does).</summary>
    public const string LegacyReadingsPartitioned = "nop.readings.partitioned";
    /// <summary>Topic exchange for Processing's output.</summary>
    public const string Noise = "nop.noise";
    /// <summary>Topic exchange for Alerting's output.</summary>
    public const string Alerts = "nop.alerts";
    /// <summary>Direct exchange for commands and queries.</summary>
    public const string Commands = "nop.commands";
    /// <summary>Direct exchange to which each requester binds its exclusive reply queue by the queue's own name:
    /// responders publish replies here, so they reach reply queues and never a work queue (no amq.default).</summary>
    public const string Replies = "nop.replies";

    /// <summary>
    /// The service that owns a work queue: its name up to the first dot (<c>processing</c>, <c>alerting</c>,
    /// <c>history</c>). Each service has retry and dead exchanges of its own, so its broker user writes only those.
    /// </summary>
    public static string ServiceOf(string queue) =>
        queue.IndexOf('.', StringComparison.Ordinal) is > 0 and var dot ? queue[..dot] : queue;

    /// <summary>
    /// Direct exchange <c>nop.retry.&lt;service&gt;</c> of the service owning <paramref name="queue"/>: routes a failed
    /// message to a <c>.retry.N</c> delay queue (bound by that queue's name), and back to the work queue (bound by its
    /// own name) when the delay expires or an operator replays it.
    /// </summary>
    public static string RetryOf(string queue) => "nop.retry." + ServiceOf(queue);

    /// <summary>Direct exchange <c>nop.dead.&lt;service&gt;</c> routing a parked message, by its work queue's name, to
    /// that queue's <c>.dead</c> queue; the work queue's dead-letter exchange.</summary>
    public static string DeadOf(string queue) => "nop.dead." + ServiceOf(queue);

    /// <summary>Fanout exchange on which Processing instances exchange heartbeats to share the aggregator
    /// partitions.</summary>
    public const string ProcessingInstances = "nop.processing.instances";
}

/// <summary>Durable queue names. Each work queue <c>q</c> has one delay queue per retry, <c>q.retry.1</c> …
/// <c>q.retry.N</c>, and <c>q.dead</c> beside it.</summary>
public static class Queues
{
    /// <summary>Stateless per-reading handlers (competing consumers).</summary>
    public const string ProcessingClassifier = "processing.classifier";
    /// <summary>Prefix of the aggregator partition queues <c>processing.aggregator.p0</c> … <c>pN-1</c>.</summary>
    public const string ProcessingAggregatorPrefix = "processing.aggregator.p";
    /// <summary>Noise events that Alerting turns into alerts.</summary>
    public const string AlertingNoise = "alerting.noise";
    /// <summary>Commands to Alerting.</summary>
    public const string AlertingCommands = "alerting.commands";
    /// <summary>Queries to Alerting (request/reply).</summary>
    public const string AlertingQueries = "alerting.queries";
    /// <summary>Window levels and level-alert episodes that History stores (single active consumer).</summary>
    public const string HistoryLevels = "history.levels";
    /// <summary>Queries to History (request/reply).</summary>
    public const string HistoryQueries = "history.queries";
    /// <summary>Alert events that Notifier turns into notifications.</summary>
    public const string NotifierAlerts = "notifier.alerts";
    /// <summary>Notifier's planned deliveries, one message each (competing consumers).</summary>
    public const string NotifierDeliveries = "notifier.deliveries";
    /// <summary>Queries to Notifier (request/reply).</summary>
    public const string NotifierQueries = "notifier.queries";
    /// <summary>The maintenance process manager's queue (in Alerting): operators' requests and the participants'
    /// <see cref="MaintenanceStepCompleted"/> answers.</summary>
    public const string AlertingMaintenance = "alerting.maintenance";
    /// <summary>Maintenance steps for Processing.</summary>
    public const string ProcessingMaintenanceSteps = "processing.maintenance-steps";
    /// <summary>Maintenance steps for Alerting.</summary>
    public const string AlertingMaintenanceSteps = "alerting.maintenance-steps";
    /// <summary>Maintenance steps for History.</summary>
    public const string HistoryMaintenanceSteps = "history.maintenance-steps";
    /// <summary>The levels stream: an append-only log (a RabbitMQ stream, retention by age and size) of every
    /// window level and threshold event on <see cref="Exchanges.Noise"/>, which any consumer can read from any
    /// offset it still holds.</summary>
    public const string LevelsStream = "nop.levels.stream";

    /// <summary>The name of aggregator partition <paramref name="partition"/>.</summary>
    public static string AggregatorPartition(int partition) =>
        ProcessingAggregatorPrefix + partition.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The delay queue of retry <paramref name="step"/> (1 for the first retry) of a work queue: one queue per delay,
    /// so a short delay never waits behind a longer one (a message expires only at the head of its queue). Every
    /// retried message passes through step 1 first.
    /// </summary>
    public static string RetryOf(string queue, int step = 1) =>
        $"{queue}.retry.{step.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The single delay queue of versions before per-delay queues; no longer declared, deleted once
    /// empty.</summary>
    public static string LegacyRetryOf(string queue) => queue + ".retry";

    /// <summary>The dead-letter parking queue of a work queue.</summary>
    public static string DeadOf(string queue) => queue + ".dead";
}

/// <summary>
/// Routing keys (docs/architecture.md §3). Sensor ids never contain dots, so they are safe in topic keys.
/// </summary>
public static class RoutingKeys
{
    /// <summary>A sensor's readings on <see cref="Exchanges.Readings"/> (<see cref="ReadingBatchReceived"/>):
    /// <c>reading.&lt;bucket&gt;.&lt;sensorId&gt;</c>, the bucket the aggregator partitions bind
    /// (<see cref="ReadingBuckets"/>).</summary>
    public static string Reading(string sensorId) =>
        "reading." + ReadingBuckets.Of(sensorId).ToString(CultureInfo.InvariantCulture) + "." + sensorId;

    /// <summary>Binding pattern: the readings of every sensor in <paramref name="bucket"/>.</summary>
    public static string ReadingBucket(int bucket) =>
        "reading." + bucket.ToString(CultureInfo.InvariantCulture) + ".*";
    /// <summary>A sensor's <see cref="NoiseSpikeDetected"/> on <see cref="Exchanges.Noise"/>.</summary>
    public static string Spike(string sensorId) => "noise.spike." + sensorId;
    /// <summary>A sensor's single <see cref="NoiseLevelMeasured"/> on <see cref="Exchanges.Noise"/> (an older
    /// Processing's).</summary>
    public static string Level(string sensorId) => "noise.level." + sensorId;
    /// <summary>An aggregator partition's <see cref="NoiseLevelsMeasured"/> on <see cref="Exchanges.Noise"/>.</summary>
    public static string Levels(int partition) => "noise.levels." + partition.ToString(CultureInfo.InvariantCulture);
    /// <summary>A sensor's <see cref="NoiseThresholdExceeded"/> on <see cref="Exchanges.Noise"/>.</summary>
    public static string ThresholdExceeded(string sensorId) => "noise.threshold.exceeded." + sensorId;
    /// <summary>A sensor's <see cref="NoiseThresholdCleared"/> on <see cref="Exchanges.Noise"/>.</summary>
    public static string ThresholdCleared(string sensorId) => "noise.threshold.cleared." + sensorId;
    /// <summary>A sensor's <see cref="SensorFaultDetected"/> on <see cref="Exchanges.Noise"/>.</summary>
    public static string SensorFault(string sensorId) => "sensor.fault." + sensorId;
    /// <summary>A sensor's <see cref="Nop.Contracts.SensorFaultCleared"/> on <see cref="Exchanges.Noise"/>.</summary>
    public static string SensorFaultCleared(string sensorId) => "sensor.cleared." + sensorId;

    /// <summary>Binding pattern: every sensor's readings.</summary>
    public const string AllReadings = "reading.#";
    /// <summary>Binding pattern: every sensor's spikes.</summary>
    public const string AllSpikes = "noise.spike.*";
    /// <summary>Binding pattern: every sensor's single window levels (an older Processing's).</summary>
    public const string AllLevels = "noise.level.*";
    /// <summary>Binding pattern: every partition's windows (<see cref="NoiseLevelsMeasured"/>); bound together with
    /// <see cref="AllLevels"/>.</summary>
    public const string AllLevelBatches = "noise.levels.*";
    /// <summary>Binding pattern: every sensor's threshold crossings, exceeded and cleared.</summary>
    public const string AllThresholds = "noise.threshold.#";
    /// <summary>Binding pattern: every sensor's faults.</summary>
    public const string AllSensorFaults = "sensor.fault.*";
    /// <summary>Binding pattern: every sensor's cleared faults.</summary>
    public const string AllSensorFaultsCleared = "sensor.cleared.*";

    /// <summary><see cref="Nop.Contracts.AlertRaised"/> on <see cref="Exchanges.Alerts"/>.</summary>
    public const string AlertRaised = "alert.raised";
    /// <summary><see cref="Nop.Contracts.AlertEscalated"/> on <see cref="Exchanges.Alerts"/>.</summary>
    public const string AlertEscalated = "alert.escalated";
    /// <summary><see cref="Nop.Contracts.AlertAcknowledged"/> on <see cref="Exchanges.Alerts"/>.</summary>
    public const string AlertAcknowledged = "alert.acknowledged";
    /// <summary><see cref="Nop.Contracts.AlertResolved"/> on <see cref="Exchanges.Alerts"/>.</summary>
    public const string AlertResolved = "alert.resolved";
    /// <summary>Binding pattern: every alert event.</summary>
    public const string AllAlerts = "alert.*";

    /// <summary>The <see cref="Nop.Contracts.AcknowledgeAlert"/> command on <see cref="Exchanges.Commands"/>.</summary>
    public const string AcknowledgeAlert = "alerting.acknowledge";
    /// <summary>Alert queries (request/reply) on <see cref="Exchanges.Commands"/>.</summary>
    public const string AlertQuery = "alerting.query";
    /// <summary>History queries (request/reply) on <see cref="Exchanges.Commands"/>.</summary>
    public const string HistoryQuery = "history.query";
    /// <summary>Notifier's <see cref="Nop.Contracts.DeliverNotification"/> on <see cref="Exchanges.Commands"/>.
    /// </summary>
    public const string DeliverNotification = "notifier.deliver";
    /// <summary>Notifier queries (request/reply) on <see cref="Exchanges.Commands"/>.</summary>
    public const string NotifierQuery = "notifier.query";
    /// <summary>Maintenance requests (<see cref="Nop.Contracts.StartMaintenance"/>,
    /// <see cref="Nop.Contracts.EndMaintenance"/>, queries; request/reply) to the process manager on
    /// <see cref="Exchanges.Commands"/>.</summary>
    public const string MaintenanceRequest = "maintenance.request";
    /// <summary>A participant's <see cref="Nop.Contracts.MaintenanceStepCompleted"/> on
    /// <see cref="Exchanges.Commands"/>.</summary>
    public const string MaintenanceCompleted = "maintenance.completed";
    /// <summary>A <see cref="Nop.Contracts.MaintenanceStepCommand"/> to <paramref name="participant"/> on
    /// <see cref="Exchanges.Commands"/>.</summary>
    public static string MaintenanceStep(string participant) => "maintenance.step." + participant;
}

/// <summary>AMQP header names of the NOP envelope beyond the standard properties.</summary>
public static class EnvelopeHeaders
{
    /// <summary>Message id of the message whose handling caused this one.</summary>
    public const string CausationId = "causation-id";
    /// <summary>W3C trace context.</summary>
    public const string TraceParent = "traceparent";
    /// <summary>How many times handling has failed so far (0 on first delivery).</summary>
    public const string Attempt = "x-nop-attempt";
    /// <summary>The work queue a retried or parked message belongs to.</summary>
    public const string OriginalQueue = "x-nop-queue";
    /// <summary>Exception type of the last failure of a parked message.</summary>
    public const string ExceptionType = "x-nop-exception-type";
    /// <summary>Exception message of the last failure of a parked message (at most 2,000 characters).</summary>
    public const string ExceptionMessage = "x-nop-exception-message";
    /// <summary>Exception with stack trace of the last failure of a parked message (at most 8,000
    /// characters).</summary>
    public const string ExceptionStackTrace = "x-nop-exception-stacktrace";
    /// <summary>When the message was parked.</summary>
    public const string DeadLetteredAt = "x-nop-dead-lettered-at";
    /// <summary>Why the message was parked: <c>handler-failed</c>, <c>rejected</c> (the handler said retrying cannot
    /// help) or <c>undeserialisable</c>.</summary>
    public const string DeadLetterReason = "x-nop-dead-letter-reason";
    /// <summary>On a retried or parked message: the broker-validated <c>user_id</c> of its original publisher, kept
    /// here because the service republishing it may not claim another user's id. Trusted only on a delivery through
    /// the queue's own retry exchange, which only its service may write.</summary>
    public const string OriginalUserId = "x-nop-user-id";
    /// <summary>On a reply: the message id of the request it answers.</summary>
    public const string InReplyTo = "x-nop-in-reply-to";
    /// <summary>On a reply: the request failed; the value is the error text.</summary>
    public const string ReplyError = "x-nop-reply-error";
    /// <summary>On a request: when the requester stops waiting, in Unix milliseconds (UTC); it must not be acted on
    /// later.</summary>
    public const string Deadline = "x-nop-deadline";

    /// <summary>
    /// A <see cref="TraceParent"/> value that starts a new trace: "00-" random trace id "-" random span id "-01",
    /// written into one string (this runs for every publish that has no trace to continue). Random as
    /// ActivityTraceId.CreateRandom's are (not cryptographic), without its hex strings.
    /// </summary>
    public static string NewTraceParent() => string.Create(55, 0, static (chars, _) =>
    {
        Span<byte> ids = stackalloc byte[24];
        Random.Shared.NextBytes(ids);
        "00-".CopyTo(chars);
        Convert.TryToHexStringLower(ids[..16], chars[3..], out _);
        chars[35] = '-';
        Convert.TryToHexStringLower(ids[16..], chars[36..], out _);
        "-01".CopyTo(chars[52..]);
    });
}

/// <summary>
/// How readings are partitioned by sensor: the publisher puts the sensor's bucket into the routing key
/// (<see cref="RoutingKeys.Reading"/>), and aggregator partition p of n binds the buckets b with b mod n = p
/// (<see cref="PartitionOf"/>). A pure function of the sensor id and the partition count, so a sensor's readings
/// reach the same partition before and after a broker restart, on every node of a cluster, whatever the order in
/// which the broker recovers its bindings (RabbitMQ's consistent-hash exchange keeps its ring in memory and rebuilds it
/// at boot in an order it does not guarantee: a sensor could move to another partition, away from its open windows).
/// The same idea as RabbitMQ's super streams and Kafka's default partitioner: the publisher hashes the key.
/// </summary>
public static class ReadingBuckets
{
    /// <summary>The number of buckets, and so the most aggregator partitions there can be. Fixed: the routing keys
    /// of readings in queues and of every publisher depend on it.</summary>
    public const int Count = 64;

    /// <summary>The sensor's bucket: the 32-bit FNV-1a hash of the id's UTF-8 bytes, modulo <see cref="Count"/>
    /// (FNV-1a: small, fast and specified, so a publisher in any language computes the same).</summary>
    public static int Of(string sensorId)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(sensorId))
        {
            hash = (hash ^ b) * 16777619u;
        }
        return (int)(hash % Count);
    }

    /// <summary>The aggregator partition (of <paramref name="partitions"/>) that binds <paramref name="bucket"/>.
    /// </summary>
    public static int PartitionOf(int bucket, int partitions) => bucket % partitions;

    /// <summary>The buckets aggregator partition <paramref name="partition"/> of <paramref name="partitions"/> binds.
    /// </summary>
    public static IEnumerable<int> OfPartition(int partition, int partitions) =>
        Enumerable.Range(0, Count).Where(b => PartitionOf(b, partitions) == partition);
}
