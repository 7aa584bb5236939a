using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Nop.Contracts;
using Nop.Dashboard.Sensors;

namespace Nop.Dashboard.History;

// The history API, public like the live page: levels and indicators of the past, asked of History over RabbitMQ.
// JSON by default, CSV for spreadsheets and FIWARE NoiseLevelObserved entities for open-data portals.
public static class HistoryApi
{
    public const string LevelsName = "GetSensorLevels";
    public const string DayName = "GetDayIndicators";
    public const string IndicatorsName = "GetSensorIndicators";

    private const string Caps = "Ranges are capped by resolution: minute ≤ 2 days, hour ≤ 93 days, day ≤ 3 years.";

    public static IEndpointRouteBuilder MapHistoryApi(this IEndpointRouteBuilder app)
    {
        var history = app.MapGroup("/api/history").WithTags("History");
        history.MapGet("/sensors/{sensorId}/levels", LevelsAsync)
            .WithName(LevelsName)
            .WithSummary("The levels of one sensor in [from, to): LAeq, LAmax, L10, L50, L90 and coverage per point")
            .WithDescription("Energy averages and percentiles from the merged level distributions, one point per "
                + "minute (window), local clock hour or local day, oldest first; only points with data. " + Caps
                + " format=csv gives CSV with a header row; format=fiware gives FIWARE NoiseLevelObserved entities "
                + "(key-values), with day points also LAeq_d, LAeq_e, LAeq_n and Lden.")
            .Produces<IReadOnlyList<LevelPoint>>()
            .WithMetadata(new CsvExport(HistoryCsv.LevelHeader))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        history.MapGet("/days/{date}", DayAsync)
            .WithName(DayName)
            .WithSummary("Every sensor's day indicators for one local day: Lday, Levening, Lnight, Lden")
            .WithDescription("One entry per sensor with data that day (in History's time zone), ordered by sensor "
                + "id, with coverage, minutes above the zone's limit and level-alert episodes, overall and per period "
                + "(day, evening, night). Lden is null unless every period is sufficiently covered. format=csv gives "
                + "CSV with a header row.")
            .Produces<IReadOnlyList<SensorDayIndicators>>()
            .WithMetadata(new CsvExport(HistoryCsv.DayHeader))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        history.MapGet("/sensors/{sensorId}/indicators", IndicatorsAsync)
            .WithName(IndicatorsName)
            .WithSummary("One sensor's Lden, Lnight, Lday and Levening per day, month or year")
            .WithDescription("Months and years are energy averages over their valid days (all periods sufficiently "
                + $"covered). from and to are local dates, both included; the range is capped at "
                + $"{QueryParameters.MaxIndicatorYears} years. format=csv gives CSV with a header row.")
            .Produces<IReadOnlyList<IndicatorPoint>>()
            .WithMetadata(new CsvExport(HistoryCsv.IndicatorHeader))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> LevelsAsync(
        [Description("The sensor's id.")] string sensorId,
        [Description("Start, ISO 8601 with an offset (Z or ±hh:mm; encode + as %2B). Default: to − 24 h.")]
        string? from,
        [Description("End (excluded), ISO 8601 with an offset. Default: now.")] string? to,
        [Description("minute, hour or day. Default by range: minute up to 6 h, hour up to 93 days, else day. "
            + Caps)]
        string? resolution,
        [Description("json (default), csv or fiware.")] string? format,
        SensorCatalog catalog, ServiceQueries queries, TimeProvider time, HttpContext http)
    {
        var errors = new Dictionary<string, string[]>();
        if (QueryParameters.Levels(from, to, resolution, format, time.GetUtcNow(), errors) is not { } query)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var sensor = catalog.Find(sensorId);
        if (sensor is null && !SensorIds.IsValid(sensorId))
        {
            return UnknownSensor(sensorId);
        }
        var series = await queries.AskAsync<GetLevels, LevelSeries>(RoutingKeys.HistoryQuery,
            new GetLevels(sensorId, query.From, query.To, query.Resolution), http);
        if (series is null)
        {
            return queries.Unavailable(http, "History");
        }
        // A sensor outside the catalogue is known by its data (it may have been added since the Dashboard started).
        if (sensor is null && series.Items.Count == 0)
        {
            return UnknownSensor(sensorId);
        }
        switch (query.Format)
        {
            case HistoryFormat.Csv:
                return TypedResults.File(HistoryCsv.Levels(series.Items), HistoryCsv.ContentType,
                    $"nop-levels-{sensorId}-{Stamp(query.From)}-{Stamp(query.To)}.csv");
            case HistoryFormat.Fiware:
                IReadOnlyList<IndicatorPoint>? days = null;
                if (query.Resolution == LevelResolution.Day && series.Items.Count > 0)
                {
                    var indicators = await queries.AskAsync<GetIndicators, IndicatorSeries>(RoutingKeys.HistoryQuery,
                        new GetIndicators(sensorId, FiwareEntities.LocalDate(series.Items[0]),
                            FiwareEntities.LocalDate(series.Items[^1]), IndicatorSpan.Day), http);
                    if (indicators is null)
                    {
                        return queries.Unavailable(http, "History");
                    }
                    days = indicators.Items;
                }
                return TypedResults.Json<JsonNode>(FiwareEntities.Of(sensorId, sensor, series.Items, days));
            default:
                return TypedResults.Ok(series.Items);
        }
    }

    private static async Task<IResult> DayAsync(
        [Description("The local date, yyyy-MM-dd.")] string date,
        [Description("json (default) or csv.")] string? format,
        ServiceQueries queries, HttpContext http)
    {
        var errors = new Dictionary<string, string[]>();
        var day = QueryParameters.Date(date, "date", errors);
        var shape = QueryParameters.Format(format, allowFiware: false, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var table = await queries.AskAsync<GetDayIndicators, DayIndicatorTable>(RoutingKeys.HistoryQuery,
            new GetDayIndicators(day!.Value), http);
        if (table is null)
        {
            return queries.Unavailable(http, "History");
        }
        return shape == HistoryFormat.Csv
            ? TypedResults.File(HistoryCsv.Days(table.Items), HistoryCsv.ContentType, $"nop-day-{date}.csv")
            : TypedResults.Ok(table.Items);
    }

    private static async Task<IResult> IndicatorsAsync(
        [Description("The sensor's id.")] string sensorId,
        [Description("First local date, yyyy-MM-dd. Default: to − 29 days.")] string? from,
        [Description("Last local date (included), yyyy-MM-dd. Default: today (UTC).")] string? to,
        [Description("day (default), month or year.")] string? span,
        [Description("json (default) or csv.")] string? format,
        SensorCatalog catalog, ServiceQueries queries, TimeProvider time, HttpContext http)
    {
        var errors = new Dictionary<string, string[]>();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (QueryParameters.Indicators(from, to, span, format, today, errors) is not { } query)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var sensor = catalog.Find(sensorId);
        if (sensor is null && !SensorIds.IsValid(sensorId))
        {
            return UnknownSensor(sensorId);
        }
        var series = await queries.AskAsync<GetIndicators, IndicatorSeries>(RoutingKeys.HistoryQuery,
            new GetIndicators(sensorId, query.From, query.To, query.Span), http);
        if (series is null)
        {
            return queries.Unavailable(http, "History");
        }
        if (sensor is null && series.Items.Count == 0)
        {
            return UnknownSensor(sensorId);
        }
        return query.Format == HistoryFormat.Csv
            ? TypedResults.File(HistoryCsv.Indicators(series.Items), HistoryCsv.ContentType,
                $"nop-indicators-{sensorId}-{query.From:yyyy-MM-dd}-{query.To:yyyy-MM-dd}.csv")
            : TypedResults.Ok(series.Items);
    }

    internal static IResult UnknownSensor(string sensorId) =>
        TypedResults.Problem(title: "Unknown sensor.", detail: $"No sensor '{sensorId}' is known.",
            statusCode: StatusCodes.Status404NotFound);

    private static string Stamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture);
}
