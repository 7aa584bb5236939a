using System.Globalization;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting.Display;

namespace Nop.ServiceDefaults.Elasticsearch;

/// <summary>Writes a Serilog event as an Elastic Common Schema (ECS) document.</summary>
internal static class EcsDocument
{
    public const string EcsVersion = "8.11.0";

    // Written at the top level under their own names, so Kibana columns and filters find them in every service.
    private static readonly string[] TopLevelProperties = ["CorrelationId", "MessageId", "MessageType", "SensorId"];

    // Already mapped to ECS fields below; repeating them under fields.* would only add noise.
    private const string ServiceProperty = "Service";
    private const string EnvironmentProperty = "Environment";
    private const string SourceContextProperty = "SourceContext";

    private static readonly string HostName = Environment.MachineName;

    // Strings without quotes, like the console's {Message:lj}: "Reading r-1 from sensor-7", not "Reading \"r-1\"...".
    private static readonly MessageTemplateTextFormatter MessageFormatter =
        new("{Message:lj}", CultureInfo.InvariantCulture);

    public static void Write(Utf8JsonWriter writer, LogEvent logEvent, string? defaultServiceName)
    {
        var service = logEvent.Properties.TryGetValue(ServiceProperty, out var serviceValue)
            ? AsText(serviceValue)
            : defaultServiceName;

        writer.WriteStartObject();
        // Milliseconds in UTC: what every Elasticsearch date mapping accepts.
        writer.WriteString("@timestamp",
            logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        writer.WriteString("message", RenderMessage(logEvent));
        writer.WriteString("log.level", logEvent.Level.ToString());
        if (logEvent.Properties.TryGetValue(SourceContextProperty, out var sourceContext))
            writer.WriteString("log.logger", AsText(sourceContext));
        writer.WriteString("ecs.version", EcsVersion);
        writer.WriteString("host.name", HostName);

        if (service is not null)
        {
            writer.WriteString("service.name", service);
            writer.WriteString("event.dataset", Dataset(service));
        }
        if (logEvent.Properties.TryGetValue(EnvironmentProperty, out var environment))
            writer.WriteString("service.environment", AsText(environment));

        if (logEvent.TraceId is { } traceId)
            writer.WriteString("trace.id", traceId.ToHexString());
        if (logEvent.SpanId is { } spanId)
            writer.WriteString("span.id", spanId.ToHexString());

        if (logEvent.Exception is { } exception)
        {
            writer.WriteString("error.type", exception.GetType().FullName);
            writer.WriteString("error.message", exception.Message);
            writer.WriteString("error.stack_trace", exception.ToString());
        }

        foreach (var name in TopLevelProperties)
        {
            if (logEvent.Properties.TryGetValue(name, out var value))
                writer.WriteString(name, AsText(value));
        }

        foreach (var (name, value) in logEvent.Properties)
        {
            if (name is ServiceProperty or EnvironmentProperty or SourceContextProperty ||
                Array.IndexOf(TopLevelProperties, name) >= 0)
            {
                continue;
            }
            writer.WritePropertyName("fields." + name);
            WriteValue(writer, value);
        }

        writer.WriteEndObject();
    }

    private static string RenderMessage(LogEvent logEvent)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        MessageFormatter.Format(logEvent, text);
        return text.ToString();
    }

    // "Nop.Ingest" -> "nop.ingest": ECS datasets are lower case, and "nop.nop.ingest" would repeat itself.
    internal static string Dataset(string service)
    {
        var name = service.ToLowerInvariant();
        return name.StartsWith("nop.", StringComparison.Ordinal) ? name : "nop." + name;
    }

    private static string AsText(LogEventPropertyValue value) => value is ScalarValue { Value: { } scalar }
        ? Convert.ToString(scalar, CultureInfo.InvariantCulture) ?? ""
        : value.ToString(null, CultureInfo.InvariantCulture);

    // Scalars keep their JSON type so Kibana can sort and range over numbers. Structures and sequences are
    // written as their rendered text: nested objects from arbitrary log properties would grow the data stream's
    // mapping without bound and make documents fail on type conflicts.
    private static void WriteValue(Utf8JsonWriter writer, LogEventPropertyValue value)
    {
        if (value is not ScalarValue scalar)
        {
            writer.WriteStringValue(value.ToString(null, CultureInfo.InvariantCulture));
            return;
        }

        switch (scalar.Value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int i: writer.WriteNumberValue(i); break;
            case long l: writer.WriteNumberValue(l); break;
            case uint ui: writer.WriteNumberValue(ui); break;
            case ulong ul: writer.WriteNumberValue(ul); break;
            case short sh: writer.WriteNumberValue(sh); break;
            case ushort us: writer.WriteNumberValue(us); break;
            case byte by: writer.WriteNumberValue(by); break;
            case sbyte sb: writer.WriteNumberValue(sb); break;
            case decimal m: writer.WriteNumberValue(m); break;
            // JSON has no NaN or infinity; those go as text rather than fail the document.
            case double d when double.IsFinite(d): writer.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): writer.WriteNumberValue(f); break;
            case DateTime dt: writer.WriteStringValue(dt); break;
            case DateTimeOffset dto: writer.WriteStringValue(dto); break;
            case TimeSpan ts: writer.WriteStringValue(ts.ToString("c", CultureInfo.InvariantCulture)); break;
            case var other: writer.WriteStringValue(Convert.ToString(other, CultureInfo.InvariantCulture)); break;
        }
    }
}
