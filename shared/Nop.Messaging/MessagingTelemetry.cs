using System.Diagnostics;
using System.Diagnostics.Metrics;
using Nop.Contracts;
using Nop.ServiceDefaults;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Nop.Messaging;

/// <summary>
/// The broker layer's spans and metrics, named by the OpenTelemetry messaging semantic conventions
/// (https://opentelemetry.io/docs/specs/semconv/messaging/messaging-spans/, .../messaging-metrics/,
/// .../rabbitmq/). A publish is a Producer span <c>publish &lt;exchange&gt;</c> whose context travels in the envelope's
/// <c>traceparent</c> header; handling a delivery is a Consumer span <c>process &lt;queue&gt;</c>, its child, current
/// while the handler runs, so the handler's logs and publishes belong to it. Both cost next to nothing while nobody
/// listens: <see cref="ActivitySource.StartActivity(string, ActivityKind, ActivityContext,
/// IEnumerable{KeyValuePair{string, object?}}, IEnumerable{ActivityLink}, DateTimeOffset)"/> returns null and the
/// histograms record into no aggregation.
/// </summary>
public static class MessagingTelemetry
{
    /// <summary>The name of the activity source and of the meter (<c>Nop.Messaging</c>).</summary>
    public const string Name = "Nop.Messaging";

    /// <summary>Values of <c>nop.outcome</c> on <c>messaging.process.duration</c>.</summary>
    public static class Outcomes
    {
        /// <summary>Handled and acknowledged (also: a duplicate skipped, a request answered, with its error when
        /// it failed, which <c>error.type</c> then names).</summary>
        public const string Ok = "ok";

        /// <summary>The handler failed; the message waits in a retry queue (or was returned to its queue).</summary>
        public const string Retried = "retried";

        /// <summary>Parked in the queue's dead-letter queue.</summary>
        public const string Dead = "dead";
    }

    internal static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Publish to confirm, per exchange (Prometheus: messaging_client_operation_duration_seconds).</summary>
    private static readonly Histogram<double> PublishDuration = Meter.CreateHistogram(
        "messaging.client.operation.duration", "s", "Time from publish to the broker's confirm.",
        tags: null, advice: Telemetry.SecondsAdvice);

    /// <summary>Delivery to settlement, per queue and outcome (Prometheus: messaging_process_duration_seconds).
    /// </summary>
    private static readonly Histogram<double> ProcessDuration = Meter.CreateHistogram(
        "messaging.process.duration", "s", "Time to handle a delivery, from its arrival to its settlement.",
        tags: null, advice: Telemetry.SecondsAdvice);

    private const string System = "rabbitmq";

    /// <summary>
    /// Starts the Producer span of a publish as a child of the current activity, else of the <c>traceparent</c> the
    /// properties already carry (the cause's, e.g. from an outbox row), and writes its own context into that header
    /// so the consumer's span becomes its child. Null (and the header untouched) while nobody listens.
    /// </summary>
    internal static Activity? StartPublish(string exchange, string routingKey, BasicProperties properties)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        var parent = Activity.Current?.Context
            ?? ParentOf(MessageEnvelope.HeaderString(properties.Headers, EnvelopeHeaders.TraceParent)) ?? default;
        var activity = Source.StartActivity("publish " + exchange, ActivityKind.Producer, parent);
        if (activity is null)
        {
            return null;
        }
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("messaging.system", System);
            activity.SetTag("messaging.operation.name", "publish");
            activity.SetTag("messaging.operation.type", "send");
            activity.SetTag("messaging.destination.name", exchange);
            activity.SetTag("messaging.rabbitmq.destination.routing_key", routingKey);
            activity.SetTag("messaging.message.id", properties.MessageId);
            activity.SetTag("messaging.message.conversation_id", properties.CorrelationId);
        }
        properties.Headers ??= new Dictionary<string, object?>();
        properties.Headers[EnvelopeHeaders.TraceParent] = activity.Id;
        return activity;
    }

    /// <summary>
    /// Starts the Consumer span of a delivery that a consumer of its own received (not a <see cref="ConsumerHost"/>:
    /// e.g. the Dashboard's live feed on server-named queues), as <see cref="ConsumerHost"/> does for its own;
    /// dispose it when handled. Null while nobody listens.
    /// </summary>
    /// <param name="subscription">A stable name for the queue (server-named queues change at every declaration).
    /// </param>
    /// <param name="delivery">The delivery.</param>
    public static Activity? StartProcess(string subscription, BasicDeliverEventArgs delivery) =>
        Source.HasListeners()
            ? StartProcess(subscription, MessageEnvelope.From(delivery.BasicProperties, delivery.Exchange,
                delivery.RoutingKey, delivery.Redelivered))
            : null;

    /// <summary>Starts the Consumer span of a delivery, a child of the context in its <c>traceparent</c> (a root
    /// when it has none), and makes it current. Null while nobody listens.</summary>
    internal static Activity? StartProcess(string queue, MessageEnvelope envelope)
    {
        if (!Source.HasListeners())
        {
            return null;
        }
        // Whatever is current on the consumer's dispatch loop is not this message's cause.
        Activity.Current = null;
        var activity = Source.StartActivity("process " + queue, ActivityKind.Consumer,
            ParentOf(envelope.TraceParent) ?? default);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", System);
            activity.SetTag("messaging.operation.name", "process");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.destination.name", envelope.Exchange);
            activity.SetTag("messaging.destination.subscription.name", queue);
            activity.SetTag("messaging.rabbitmq.destination.routing_key", envelope.RoutingKey);
            activity.SetTag("messaging.message.id", envelope.MessageId);
            activity.SetTag("messaging.message.conversation_id", envelope.CorrelationId);
        }
        return activity;
    }

    /// <summary>Marks a span failed with the class of its error (<c>error.type</c>).</summary>
    internal static void Failed(Activity? activity, Exception error)
    {
        if (activity is null)
        {
            return;
        }
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
        activity.SetTag("error.type", ErrorType(error));
    }

    // Low cardinality, as error.type must be: a failed publish by its kind (Nacked, Unroutable, TimedOut, ...).
    private static string ErrorType(Exception error) =>
        error is MessagePublishException publish ? publish.Failure.ToString() : error.GetType().FullName!;

    /// <summary>Records a publish's confirm latency; <paramref name="error"/> when it failed.</summary>
    internal static void RecordPublish(string exchange, long startedTimestamp, Exception? error)
    {
        if (!PublishDuration.Enabled)
        {
            return;
        }
        var tags = new TagList
        {
            { "messaging.system", System },
            { "messaging.operation.name", "publish" },
            { "messaging.destination.name", exchange },
        };
        if (error is not null)
        {
            tags.Add("error.type", ErrorType(error));
        }
        PublishDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tags);
    }

    /// <summary>Records a handling's duration with its <paramref name="outcome"/> (<see cref="Outcomes"/>).</summary>
    internal static void RecordProcess(string queue, long startedTimestamp, string outcome, Exception? error = null)
    {
        if (!ProcessDuration.Enabled)
        {
            return;
        }
        var tags = new TagList
        {
            { "messaging.system", System },
            { "messaging.operation.name", "process" },
            { "messaging.destination.subscription.name", queue },
            { "nop.outcome", outcome },
        };
        if (error is not null)
        {
            tags.Add("error.type", ErrorType(error));
        }
        ProcessDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tags);
    }

    private static ActivityContext? ParentOf(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, isRemote: true, out var context)
            ? context
            : null;
}
