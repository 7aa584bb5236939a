using System.Buffers;
using Serilog.Core;
using Serilog.Events;

namespace Nop.ServiceDefaults;

/// <summary>
/// Replaces control characters in every string a log event carries (message arguments, request paths, correlation
/// ids, nested in structures and lists too) with U+FFFD, so text a client sent (a user name, a sensor or reading id, a
/// header) cannot start a new line that looks like another event, or hide text with escape sequences: log injection,
/// OWASP Logging Cheat Sheet ("Event data sources", sanitise CR/LF and delimiters) and CWE-117. Applied once, last,
/// to every event of every service, rather than at each call site where a user-supplied value is logged.
/// </summary>
/// <remarks>
/// Replaced: C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F, with NEL) and the Unicode line and paragraph separators
/// U+2028/U+2029. The message template is the developer's text and stays as is; exception stack traces keep their
/// lines (the JSON formatters escape them).
/// </remarks>
public sealed class ControlCharacterEnricher : ILogEventEnricher
{
    /// <summary>What a control character becomes: the Unicode replacement character.</summary>
    public const char Replacement = '\uFFFD';

    private static readonly SearchValues<char> Controls = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c),
            '\u2028', '\u2029']);

    /// <inheritdoc />
    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        List<LogEventProperty>? changed = null;
        foreach (var (name, value) in logEvent.Properties)
        {
            if (Clean(value) is { } clean)
            {
                (changed ??= []).Add(new LogEventProperty(name, clean));
            }
        }
        foreach (var property in changed ?? [])
        {
            logEvent.AddOrUpdateProperty(property);
        }
    }

    /// <summary><paramref name="text"/> with its control characters replaced.</summary>
    public static string Clean(string text)
    {
        var first = text.AsSpan().IndexOfAny(Controls);
        if (first < 0)
        {
            return text;
        }
        return string.Create(text.Length, (text, first), static (span, state) =>
        {
            state.text.AsSpan().CopyTo(span);
            for (var i = state.first; i < span.Length; i++)
            {
                if (Controls.Contains(span[i]))
                {
                    span[i] = Replacement;
                }
            }
        });
    }

    // The value with control characters replaced, or null when it has none (most events: nothing is allocated).
    private static LogEventPropertyValue? Clean(LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: string text }:
                var clean = Clean(text);
                return ReferenceEquals(clean, text) ? null : new ScalarValue(clean);
            case ScalarValue { Value: char c }:
                return Controls.Contains(c) ? new ScalarValue(Replacement) : null;
            case ScalarValue { Value: { } other } when other is not (IFormattable or bool):
                // PathString, HostString, StringValues…: logged through ToString, so checked as the text they become.
                var rendered = other.ToString() ?? "";
                var cleaned = Clean(rendered);
                return ReferenceEquals(cleaned, rendered) ? null : new ScalarValue(cleaned);
            case SequenceValue sequence:
                return CleanAll(sequence.Elements, elements => new SequenceValue(elements));
            case StructureValue structure:
                var properties = structure.Properties.Select(p => Clean(p.Value) is { } v
                    ? new LogEventProperty(p.Name, v) : null).ToArray();
                return properties.All(p => p is null) ? null : new StructureValue(
                    structure.Properties.Select((p, i) => properties[i] ?? p), structure.TypeTag);
            case DictionaryValue dictionary:
                var entries = dictionary.Elements.Select(e => (Key: Clean(e.Key), Value: Clean(e.Value))).ToArray();
                return entries.All(e => e.Key is null && e.Value is null) ? null : new DictionaryValue(
                    dictionary.Elements.Select((e, i) => new KeyValuePair<ScalarValue, LogEventPropertyValue>(
                        (ScalarValue?)entries[i].Key ?? e.Key, entries[i].Value ?? e.Value)));
            default:
                return null;
        }
    }

    private static LogEventPropertyValue? CleanAll(IReadOnlyList<LogEventPropertyValue> elements,
        Func<IEnumerable<LogEventPropertyValue>, LogEventPropertyValue> create)
    {
        var cleaned = elements.Select(Clean).ToArray();
        return cleaned.All(c => c is null) ? null : create(elements.Select((e, i) => cleaned[i] ?? e));
    }
}
