using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Nop.Ingest.Sensors;

namespace Nop.Ingest.Readings;

// The outcome of parsing a request body: readings, or field-level errors (never both).
public sealed record ParseResult(IReadOnlyList<ParsedReading> Readings, IDictionary<string, string[]>? Errors)
{
    public bool IsValid => Errors is null;

    // How many readings the body carried: a batch's length, else 1 (one reading, or a body that is no readings at
    // all). What a refused body counts as in nop.ingest.readings.refused.
    public int Posted { get; init; } = 1;
}

// Parses and validates a body of one reading or {"readings": [...]} (docs/architecture.md §2). It walks the JSON itself
// rather than deserialising, so every problem is reported against its field (readings[3].laeq), all of them at once,
// including wrong types, unknown and repeated fields, and numbers that are not finite.
public static partial class ReadingParser
{
    // Errors beyond this many fields are summarised, so a bad batch of 1,000 gets a bounded answer.
    public const int MaxReportedErrors = 100;

    // Messages per field beyond this many are summarised too: one object may repeat a field thousands of times within
    // the body limit, and each repeat is an error of that one field. A real reading's field has at most three.
    public const int MaxErrorsPerField = 5;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        MaxDepth = 16,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Disallow,
    };

    public static ParseResult Parse(ReadOnlyMemory<byte> body, DateTimeOffset now, IngestOptions options)
    {
        var errors = new Errors();
        if (body.IsEmpty)
        {
            errors.Add("body", "The request body is empty.");
            return errors.Result();
        }
        // JsonDocument does not check the UTF-8 inside strings until they are read: check it all first.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            errors.Add("body", "The body is not valid UTF-8.");
            return errors.Result();
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException ex)
        {
            errors.Add("body", $"The body is not valid JSON: {ex.Message}");
            return errors.Result();
        }

        using (document)
        {
            var root = document.RootElement;
            var readings = new List<ParsedReading>();
            var posted = 1;
            string? sensorId = null;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("readings", out var batch))
            {
                posted = batch.ValueKind == JsonValueKind.Array ? Math.Max(1, batch.GetArrayLength()) : 1;
                ParseBatch(root, now, options, readings, errors);
            }
            else if (ParseReading(root, -1, now, options, errors, ref sensorId) is { } single)
            {
                readings.Add(single);
            }
            return errors.Count > 0
                ? errors.Result() with { Posted = posted }
                : new ParseResult(readings, null) { Posted = readings.Count };
        }
    }

    private static void ParseBatch(JsonElement root, DateTimeOffset now, IngestOptions options,
        List<ParsedReading> readings, Errors errors)
    {
        JsonElement? array = null;
        foreach (var property in root.EnumerateObject())
        {
            if (property.NameEquals("readings") && array is null)
            {
                array = property.Value;
            }
            else
            {
                errors.Add(FieldName(string.Empty, property.Name),
                    property.NameEquals("readings") ? "appears more than once." : "is not a known field.");
            }
        }
        var items = array!.Value;
        if (items.ValueKind != JsonValueKind.Array)
        {
            errors.Add("readings", "must be an array of readings.");
            return;
        }
        var count = items.GetArrayLength();
        if (count == 0)
        {
            errors.Add("readings", "must contain at least one reading.");
            return;
        }
        if (count > options.MaxBatchSize)
        {
            errors.Add("readings", $"must contain at most {options.MaxBatchSize} readings, not {count}.");
            return;
        }

        readings.Capacity = count;
        var index = 0;
        var firstIndexOf = new Dictionary<(string, string), int>(count);
        string? sensorId = null;
        foreach (var item in items.EnumerateArray())
        {
            if (ParseReading(item, index, now, options, errors, ref sensorId) is { } reading)
            {
                readings.Add(reading);
                // Two copies of one reading in one request are a client bug; refusing them keeps a reading id once per
                // published batch. Two readings without ids at one instant are ambiguous (which one is a re-post?).
                if (!firstIndexOf.TryAdd((reading.SensorId, reading.ReadingId), index))
                {
                    var first = firstIndexOf[(reading.SensorId, reading.ReadingId)];
                    var prefix = Prefix(index);
                    errors.Add(reading.IdDerived ? prefix + ".measuredAt" : prefix + ".readingId", reading.IdDerived
                        ? $"duplicates readings[{first}]: same sensorId and measuredAt without a readingId, so the two "
                            + "cannot be told apart; send a readingId for each or one reading per instant."
                        : $"duplicates readings[{first}] (same sensorId and readingId).");
                }
            }
            index++;
        }
    }

    // index: the reading's place in the batch, or -1 for a body of one reading. Field names for errors are built only
    // when there is an error: a valid reading allocates little more than its reading id and itself.
    // lastSensorId: the sensor id of the previous valid reading; a batch is usually one sensor's, so its string is
    // reused and its pattern not checked again.
    private static ParsedReading? ParseReading(JsonElement element, int index, DateTimeOffset now,
        IngestOptions options, Errors errors, ref string? lastSensorId)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(index >= 0 ? Prefix(index) : "body", "must be a JSON object (a reading).");
            return null;
        }

        var before = errors.Count;
        string? sensorId = null, readingId = null;
        DateTimeOffset? measuredAt = null;
        double? laeq = null, lamax = null, duration = null;
        var seen = Field.None;
        HashSet<string>? unknown = null;
        foreach (var property in element.EnumerateObject())
        {
            var field = KnownField(property);
            if (field == Field.None)
            {
                unknown ??= new HashSet<string>(StringComparer.Ordinal);
                errors.Add(FieldName(Prefix(index), property.Name),
                    unknown.Add(property.Name) ? "is not a known field." : "appears more than once.");
                continue;
            }
            if ((seen & field) != 0)
            {
                errors.Add(FieldName(Prefix(index), property.Name), "appears more than once.");
                continue;
            }
            seen |= field;
            var value = property.Value;
            string? error = null;
            switch (field)
            {
                case Field.SensorId:
                    if (value.ValueKind == JsonValueKind.String && lastSensorId is not null
                        && value.ValueEquals(lastSensorId))
                    {
                        sensorId = lastSensorId;
                        break;
                    }
                    sensorId = String(value, required: true, ref error);
                    if (sensorId is not null && !SensorCatalog.SensorIdPattern().IsMatch(sensorId))
                    {
                        error = $"must match {ReadingLimits.SensorIdPattern} (lower-case letters, digits, hyphens).";
                    }
                    break;
                case Field.ReadingId:
                    readingId = String(value, required: false, ref error);
                    if (readingId is not null && !ReadingIdPattern().IsMatch(readingId))
                    {
                        error = $"must be 1 to {ReadingLimits.ReadingIdMaxLength} characters of A-Z, a-z, "
                            + "0-9, '.', '_', ':' or '-', starting with a letter or digit.";
                    }
                    break;
                case Field.MeasuredAt:
                    measuredAt = Timestamp(value, now, options, ref error);
                    break;
                case Field.Laeq:
                    laeq = Level(value, required: true, ref error);
                    break;
                case Field.Lamax:
                    lamax = Level(value, required: false, ref error);
                    break;
                case Field.DurationSeconds:
                    duration = Number(value, required: false, ref error);
                    if (duration is not (null or (> 0 and <= ReadingLimits.MaxDurationSeconds)))
                    {
                        error = "must be more than 0 and at most 86400 seconds.";
                    }
                    break;
            }
            if (error is not null)
            {
                errors.Add(FieldName(Prefix(index), NameOf(field)), error);
            }
        }

        Require(seen, Field.SensorId, index, errors);
        Require(seen, Field.MeasuredAt, index, errors);
        Require(seen, Field.Laeq, index, errors);
        if (laeq is { } eq && lamax is { } max && max < eq)
        {
            var average = eq.ToString(CultureInfo.InvariantCulture);
            errors.Add(FieldName(Prefix(index), "lamax"), $"must not be below laeq ({average}): "
                + "the maximum level of an interval is at least its average.");
        }
        if (errors.Count != before)
        {
            return null;
        }
        lastSensorId = sensorId;
        return new ParsedReading(sensorId!, readingId ?? ReadingIds.FromMeasuredAt(measuredAt!.Value),
            readingId is null, measuredAt!.Value, laeq!.Value, lamax, duration);
    }

    // The fields of a reading, as flags of the ones seen.
    [Flags]
    private enum Field
    {
        None = 0,
        SensorId = 1,
        ReadingId = 2,
        MeasuredAt = 4,
        Laeq = 8,
        Lamax = 16,
        DurationSeconds = 32,
    }

    // Compares the (unescaped) name without making a string of it.
    private static Field KnownField(JsonProperty property) =>
        property.NameEquals("sensorId"u8) ? Field.SensorId
        : property.NameEquals("readingId"u8) ? Field.ReadingId
        : property.NameEquals("measuredAt"u8) ? Field.MeasuredAt
        : property.NameEquals("laeq"u8) ? Field.Laeq
        : property.NameEquals("lamax"u8) ? Field.Lamax
        : property.NameEquals("durationSeconds"u8) ? Field.DurationSeconds
        : Field.None;

    private static string NameOf(Field field) => field switch
    {
        Field.SensorId => "sensorId",
        Field.ReadingId => "readingId",
        Field.MeasuredAt => "measuredAt",
        Field.Laeq => "laeq",
        Field.Lamax => "lamax",
        _ => "durationSeconds",
    };

    private static string Prefix(int index) =>
        index < 0 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $"readings[{index}]");

    private static void Require(Field seen, Field field, int index, Errors errors)
    {
        if ((seen & field) == 0)
        {
            errors.Add(FieldName(Prefix(index), NameOf(field)), "is required.");
        }
    }

    // The helpers below set error (a field has at most one) and return null when the value is not valid.
    private static string? String(JsonElement value, bool required, ref string? error)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Null when !required:
                return null;
            default:
                error = $"must be a string, not {Describe(value.ValueKind)}.";
                return null;
        }
    }

    private static double? Number(JsonElement value, bool required, ref string? error)
    {
        if (value.ValueKind == JsonValueKind.Null && !required)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Number)
        {
            error = $"must be a number, not {Describe(value.ValueKind)}.";
            return null;
        }
        if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            error = "must be a finite number.";
            return null;
        }
        return number;
    }

    private static double? Level(JsonElement value, bool required, ref string? error)
    {
        var level = Number(value, required, ref error);
        if (level is < ReadingLimits.MinLevel or > ReadingLimits.MaxLevel)
        {
            error = string.Create(CultureInfo.InvariantCulture,
                $"must be between {ReadingLimits.MinLevel} and {ReadingLimits.MaxLevel} dB, not {level.Value}.");
            return null;
        }
        return level;
    }

    private static DateTimeOffset? Timestamp(JsonElement value, DateTimeOffset now, IngestOptions options,
        ref string? error)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            error = $"must be an ISO 8601 timestamp string, not {Describe(value.ValueKind)}.";
            return null;
        }
        if (!UtcTimestamp.TryParse(JsonMarshal.GetRawUtf8Value(value), out var utc))
        {
            // Whatever the fast path does not take (escapes, other digits, leap seconds, far-off years) is judged here.
            var text = value.GetString()!;
            // An explicit offset is required: a timestamp without one would be read in whatever zone Ingest runs in.
            if (!TimestampPattern().IsMatch(text)
                || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces,
                    out var parsed))
            {
                error = "must be an ISO 8601 timestamp with a UTC offset, e.g. 2026-11-23T10:15:30Z.";
                return null;
            }
            utc = parsed.ToUniversalTime();
        }
        if (utc > now + options.MaxClockSkew)
        {
            error = $"is more than {options.MaxClockSkew.TotalMinutes:0.#} minutes in the future "
                + $"(server time {now:O}).";
            return null;
        }
        if (utc < now - options.MaxReadingAge)
        {
            error = $"is more than {options.MaxReadingAge.TotalHours:0.#} hours in the past "
                + $"(server time {now:O}).";
            return null;
        }
        return utc;
    }

    private static string FieldName(string prefix, string name)
    {
        // Field names come from the client: keep the error keys short and printable.
        var safe = name.Length <= 64 && !name.Any(char.IsControl) ? name : "(invalid field name)";
        return prefix.Length == 0 ? safe : $"{prefix}.{safe}";
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    [GeneratedRegex(ReadingLimits.ReadingIdPattern, RegexOptions.CultureInvariant)]
    private static partial Regex ReadingIdPattern();

    [GeneratedRegex(ReadingLimits.MeasuredAtPattern, RegexOptions.CultureInvariant)]
    private static partial Regex TimestampPattern();

    // Field errors in the shape of ValidationProblem, bounded in number: at most MaxReportedErrors fields and
    // MaxErrorsPerField messages each, with how many were left out (OWASP Error Handling Cheat Sheet: answers stay
    // small and generic; an attacker must not make the server build a response as large as the request).
    private sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _droppedPerField = new(StringComparer.Ordinal);
        private int _dropped;
        private int _count;

        public int Count => _count;

        public void Add(string field, string message)
        {
            _count++;
            if (_errors.TryGetValue(field, out var list))
            {
                if (list.Count < MaxErrorsPerField)
                {
                    list.Add(message);
                }
                else
                {
                    _droppedPerField[field] = _droppedPerField.GetValueOrDefault(field) + 1;
                }
            }
            else if (_errors.Count < MaxReportedErrors)
            {
                _errors[field] = [message];
            }
            else
            {
                _dropped++;
            }
        }

        public ParseResult Result()
        {
            var result = _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
            foreach (var (field, dropped) in _droppedPerField)
            {
                result[field] = [.. result[field], $"{dropped} more error(s) of this field left out."];
            }
            if (_dropped > 0)
            {
                result["$"] = [$"{_dropped} more field(s) have errors; only the first {MaxReportedErrors} are listed."];
            }
            return new ParseResult([], result);
        }
    }
}
