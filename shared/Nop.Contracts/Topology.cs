namespace Nop.Contracts;

/// <summary>Exchange names (DESIGN §3).</summary>
public static class Exchanges
{
    /// <summary>Topic exchange Ingest publishes readings to; routing key <c>reading.&lt;sensorId&gt;</c>.</summary>
    public const string Readings = "nop.readings";
    /// <summary>Consistent-hash exchange bound from <see cref="Readings"/>; spreads sensors over the aggregator partitions.</summary>
    public const string ReadingsPartitioned = "nop.readings.partitioned";
    /// <summary>Topic exchange for Processing's output.</summary>
    public const string Noise = "nop.noise";
    /// <summary>Topic exchange for Alerting's output.</summary>
    public const string Alerts = "nop.alerts";
    /// <summary>Direct exchange for commands and queries.</summary>
    public const string Commands = "nop.commands";
    /// <summary>Direct exchange routing a failed message, by its work queue's name, to that queue's <c>.retry</c> queue.</summary>
    public const string Retry = "nop.retry";
    /// <summary>Direct exchange routing a parked message, by its work queue's name, to that queue's <c>.dead</c> queue.</summary>
    public const string Dead = "nop.dead";
    /// <summary>Fanout exchange on which Processing instances exchange heartbeats to share the aggregator partitions.</summary>
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

    /// <summary>The name of aggregator partition <paramref name="partition"/>.</summary>
    public static string AggregatorPartition(int partition) => ProcessingAggregatorPrefix + partition.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The delay queue of retry <paramref name="step"/> (1 for the first retry) of a work queue: one queue per delay, so
    /// a short delay never waits behind a longer one (a message expires only at the head of its queue). Every retried
    /// message passes through step 1 first.
    /// </summary>
    public static string RetryOf(string queue, int step = 1) =>
        $"{queue}.retry.{step.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The single delay queue of versions before per-delay queues; no longer declared, deleted once empty.</summary>
    public static string LegacyRetryOf(string queue) => queue + ".retry";

    /// <summary>The dead-letter parking queue of a work queue.</summary>
    public static string DeadOf(string queue) => queue + ".dead";
}

/// <summary>Routing keys (DESIGN §3). Sensor ids never contain dots, so they are safe in topic keys.</summary>
public static class RoutingKeys
{
    public static string Reading(string sensorId) => "reading." + sensorId;
    public static string Spike(string sensorId) => "noise.spike." + sensorId;
    public static string Level(string sensorId) => "noise.level." + sensorId;
    public static string ThresholdExceeded(string sensorId) => "noise.threshold.exceeded." + sensorId;
    public static string ThresholdCleared(string sensorId) => "noise.threshold.cleared." + sensorId;
    public static string SensorFault(string sensorId) => "sensor.fault." + sensorId;
    public static string SensorFaultCleared(string sensorId) => "sensor.cleared." + sensorId;

    public const string AllReadings = "reading.*";
    public const string AllSpikes = "noise.spike.*";
    public const string AllLevels = "noise.level.*";
    public const string AllThresholds = "noise.threshold.#";
    public const string AllSensorFaults = "sensor.fault.*";
    public const string AllSensorFaultsCleared = "sensor.cleared.*";

    public const string AlertRaised = "alert.raised";
    public const string AlertEscalated = "alert.escalated";
    public const string AlertAcknowledged = "alert.acknowledged";
    public const string AlertResolved = "alert.resolved";
    public const string AllAlerts = "alert.*";

    public const string AcknowledgeAlert = "alerting.acknowledge";
    public const string AlertQuery = "alerting.query";
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
    /// <summary>Exception type, message and stack trace of the last failure of a parked message.</summary>
    public const string ExceptionType = "x-nop-exception-type";
    public const string ExceptionMessage = "x-nop-exception-message";
    public const string ExceptionStackTrace = "x-nop-exception-stacktrace";
    /// <summary>When the message was parked.</summary>
    public const string DeadLetteredAt = "x-nop-dead-lettered-at";
    /// <summary>Why the message was parked: <c>handler-failed</c> or <c>undeserialisable</c>.</summary>
    public const string DeadLetterReason = "x-nop-dead-letter-reason";
    /// <summary>On a reply: the message id of the request it answers.</summary>
    public const string InReplyTo = "x-nop-in-reply-to";
    /// <summary>On a reply: the request failed; the value is the error text.</summary>
    public const string ReplyError = "x-nop-reply-error";
    /// <summary>On a request: when the requester stops waiting, in Unix milliseconds (UTC); it must not be acted on later.</summary>
    public const string Deadline = "x-nop-deadline";
}
