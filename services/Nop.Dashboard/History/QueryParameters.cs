using System.Globalization;
using System.Text.RegularExpressions;
using Nop.Contracts;

namespace Nop.Dashboard.History;

// A levels request as understood: [From, To) at one resolution, in one format.
public sealed record LevelQuery(DateTimeOffset From, DateTimeOffset To, LevelResolution Resolution,
    HistoryFormat Format);

// An indicators request: local dates From to To (both included) per span.
public sealed record IndicatorQuery(DateOnly From, DateOnly To, IndicatorSpan Span, HistoryFormat Format);

// Reads the query strings of the history API. Every bad value is reported under its parameter's name, so a 400
// says which one to fix; nothing half-understood is passed on to History.
public static partial class QueryParameters
{
    // The longest range each resolution answers: a bound on the work of one query and the size of one answer
    // (2 days of minutes is 2,880 points; 93 days of hours 2,232; 3 years of days 1,096).
    public static readonly TimeSpan MaxMinuteRange = TimeSpan.FromDays(2);
    public static readonly TimeSpan MaxHourRange = TimeSpan.FromDays(93);
    public static readonly TimeSpan MaxDayRange = TimeSpan.FromDays(3 * 365 + 1);
    public const int MaxIndicatorYears = 10;

    // The range when none is given.
    public static readonly TimeSpan DefaultRange = TimeSpan.FromHours(24);

    public static LevelQuery? Levels(string? from, string? to, string? resolution, string? format,
        DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        var end = Time(to, "to", errors) ?? now;
        var start = Time(from, "from", errors) ?? end - DefaultRange;
        var step = resolution is null ? (LevelResolution?)null : Resolution(resolution, errors);
        var shape = Format(format, allowFiware: true, errors);
        if (errors.Count > 0)
        {
            return null;
        }
        if (start >= end)
        {
            errors["from"] = ["'from' must be before 'to'."];
            return null;
        }
        var chosen = step ?? ByRange(end - start);
        var cap = Cap(chosen);
        if (end - start > cap)
        {
            errors["to"] = [string.Create(CultureInfo.InvariantCulture,
                $"The range is longer than {cap.TotalDays:0.#} days, the most resolution={Name(chosen)} answers.")];
            return null;
        }
        return new LevelQuery(start, end, chosen, shape!.Value);
    }

    public static IndicatorQuery? Indicators(string? from, string? to, string? span, string? format,
        DateOnly today, Dictionary<string, string[]> errors)
    {
        var last = Date(to, "to", errors) ?? today;
        var first = Date(from, "from", errors) ?? last.AddDays(-29);
        IndicatorSpan? kind = span switch
        {
            null or "day" => IndicatorSpan.Day,
            "month" => IndicatorSpan.Month,
            "year" => IndicatorSpan.Year,
            _ => null,
        };
        if (kind is null)
        {
            errors["span"] = ["Use day, month or year."];
        }
        var shape = Format(format, allowFiware: false, errors);
        if (errors.Count > 0)
        {
            return null;
        }
        if (first > last)
        {
            errors["from"] = ["'from' must not be after 'to'."];
            return null;
        }
        if (last >= first.AddYears(MaxIndicatorYears))
        {
            errors["to"] = [$"The range is longer than {MaxIndicatorYears} years."];
            return null;
        }
        return new IndicatorQuery(first, last, kind!.Value, shape!.Value);
    }

    public static HistoryFormat? Format(string? value, bool allowFiware, Dictionary<string, string[]> errors)
    {
        HistoryFormat? format = value switch
        {
            null or "json" => HistoryFormat.Json,
            "csv" => HistoryFormat.Csv,
            "fiware" when allowFiware => HistoryFormat.Fiware,
            _ => null,
        };
        if (format is null)
        {
            errors["format"] = [allowFiware ? "Use json, csv or fiware." : "Use json or csv."];
        }
        return format;
    }

    // A calendar date, yyyy-MM-dd.
    public static DateOnly? Date(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None,
                out var date))
        {
            return date;
        }
        errors[name] = ["Not a date: use yyyy-MM-dd."];
        return null;
    }

    // A page number or size: a whole number in [min, max]; null (the default) when absent.
    public static int? Number(string? value, string name, int min, int max, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            && number >= min && number <= max)
        {
            return number;
        }
        errors[name] = [string.Create(CultureInfo.InvariantCulture, $"Use a whole number from {min} to {max}.")];
        return null;
    }

    public static TimeSpan Cap(LevelResolution resolution) => resolution switch
    {
        LevelResolution.Minute => MaxMinuteRange,
        LevelResolution.Hour => MaxHourRange,
        _ => MaxDayRange,
    };

    public static string Name(LevelResolution resolution) => resolution switch
    {
        LevelResolution.Minute => "minute",
        LevelResolution.Hour => "hour",
        _ => "day",
    };

    // Without a resolution: minutes for a few hours, hours up to their cap, days beyond.
    private static LevelResolution ByRange(TimeSpan range) =>
        range <= TimeSpan.FromHours(6) ? LevelResolution.Minute
        : range <= MaxHourRange ? LevelResolution.Hour
        : LevelResolution.Day;

    private static LevelResolution? Resolution(string value, Dictionary<string, string[]> errors)
    {
        LevelResolution? resolution = value switch
        {
            "minute" => LevelResolution.Minute,
            "hour" => LevelResolution.Hour,
            "day" => LevelResolution.Day,
            _ => null,
        };
        if (resolution is null)
        {
            errors["resolution"] = ["Use minute, hour or day."];
        }
        return resolution;
    }

    // An ISO 8601 instant with its offset (Z or ±hh:mm): a time without one would be read in this server's zone.
    // An unescaped '+' in a query string arrives as a space, so " 01:00" at the end is read as "+01:00".
    // An instant, ISO 8601 with an offset (also for the maintenance API's body).
    public static DateTimeOffset? Time(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }
        var text = value;
        if (SpaceOffset().Match(text) is { Success: true } space)
        {
            text = text[..space.Index] + "+" + text[(space.Index + 1)..];
        }
        if (IsoInstant().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }
        errors[name] = ["Not an ISO 8601 time with an offset: use e.g. 2026-11-30T10:00:00Z or "
            + "2026-11-30T11:00:00%2B01:00."];
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex IsoInstant();

    [GeneratedRegex(@" \d{2}:\d{2}$")]
    private static partial Regex SpaceOffset();
}
