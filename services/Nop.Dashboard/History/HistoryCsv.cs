using System.Globalization;
using System.Text;
using System.Text.Json;
using Nop.Contracts;

namespace Nop.Dashboard.History;

// The CSV answers: a header row, then one row per item; invariant culture, times as ISO 8601 UTC, levels with one
// decimal, shares of time with three, an empty field where there is no value. Lines end with CRLF (RFC 4180).
public static class HistoryCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    public static readonly string LevelHeader = "start,end,laeq,lamax,l10,l50,l90,coverage";

    public static readonly string DayHeader = "sensorId,zone,lday,levening,lnight,lden,coverage,exceedanceMinutes,"
        + "alertEpisodes,dayLevel,dayCoverage,daySufficient,dayExceedanceMinutes,eveningLevel,eveningCoverage,"
        + "eveningSufficient,eveningExceedanceMinutes,nightLevel,nightCoverage,nightSufficient,nightExceedanceMinutes";

    public static readonly string IndicatorHeader =
        "from,to,lden,lnight,lday,levening,days,validDays,exceedanceMinutes,alertEpisodes";

    public static byte[] Levels(IEnumerable<LevelPoint> points) => Write(LevelHeader, points, p =>
        [Time(p.Start), Time(p.End), Db(p.Laeq), Db(p.Lamax), Db(p.L10), Db(p.L50), Db(p.L90), Share(p.Coverage)]);

    public static byte[] Days(IEnumerable<SensorDayIndicators> rows) => Write(DayHeader, rows, r =>
        [Text(r.SensorId), ZoneName(r.Zone), Db(r.Lday), Db(r.Levening), Db(r.Lnight), Db(r.Lden),
            Share(r.Coverage), Db(r.ExceedanceMinutes), Whole(r.AlertEpisodes), .. Period(r.Day),
            .. Period(r.Evening), .. Period(r.Night)]);

    public static byte[] Indicators(IEnumerable<IndicatorPoint> points) => Write(IndicatorHeader, points, p =>
        [Date(p.From), Date(p.To), Db(p.Lden), Db(p.Lnight), Db(p.Lday), Db(p.Levening), Whole(p.Days),
            Whole(p.ValidDays), Db(p.ExceedanceMinutes), Whole(p.AlertEpisodes)]);

    // The zone as the contracts write it (residential, ...).
    public static string ZoneName(Zone zone) =>
        JsonSerializer.Serialize(zone, NopJsonContext.Default.Zone).Trim('"');

    private static string[] Period(PeriodIndicator p) =>
        [Db(p.Level), Share(p.Coverage), p.Sufficient ? "true" : "false", Db(p.ExceedanceMinutes)];

    private static byte[] Write<T>(string header, IEnumerable<T> items, Func<T, string[]> fields)
    {
        var csv = new StringBuilder(header).Append("\r\n");
        foreach (var item in items)
        {
            csv.AppendJoin(',', fields(item)).Append("\r\n");
        }
        return Encoding.UTF8.GetBytes(csv.ToString());
    }

    private static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Db(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "";

    private static string Share(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Whole(int value) => value.ToString(CultureInfo.InvariantCulture);

    // Quoted when it holds a comma, quote or line break (RFC 4180).
    private static string Text(string value) => value.AsSpan().IndexOfAny(",\"\r\n") < 0
        ? value
        : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
