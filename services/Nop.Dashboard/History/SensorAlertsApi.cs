using System.ComponentModel;
using Nop.Contracts;
using Nop.Dashboard.Sensors;

namespace Nop.Dashboard.History;

// GET /api/alerts/sensors/{sensorId}: one sensor's alerts, newest first, paged, from Alerting (which stores them),
// with who acknowledged each and their comment. Public like the live page, which shows the open ones anyway.
public static class SensorAlertsApi
{
    public const string Name = "GetSensorAlerts";
    public const int MaxPageSize = 200;

    public static IEndpointRouteBuilder MapSensorAlertsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/alerts/sensors/{sensorId}", GetAsync)
            .WithTags("Alerts")
            .WithName(Name)
            .WithSummary("One sensor's alerts (any state), newest first, paged")
            .Produces<AlertPage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> GetAsync(
        [Description("The sensor's id.")] string sensorId,
        [Description("Page number from 1 (default 1).")] string? page,
        [Description("Alerts per page, 1 to 200 (default 50).")] string? pageSize,
        SensorCatalog catalog, ServiceQueries queries, HttpContext http)
    {
        var errors = new Dictionary<string, string[]>();
        var number = QueryParameters.Number(page, "page", 1, int.MaxValue, errors) ?? 1;
        var size = QueryParameters.Number(pageSize, "pageSize", 1, MaxPageSize, errors) ?? 50;
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var sensor = catalog.Find(sensorId);
        if (sensor is null && !SensorIds.IsValid(sensorId))
        {
            return HistoryApi.UnknownSensor(sensorId);
        }
        var alerts = await queries.AskAsync<GetSensorAlerts, AlertPage>(RoutingKeys.AlertQuery,
            new GetSensorAlerts(sensorId, number, size), http);
        if (alerts is null)
        {
            return queries.Unavailable(http, "Alerting");
        }
        if (sensor is null && alerts.Items.Count == 0 && number == 1)
        {
            return HistoryApi.UnknownSensor(sensorId);
        }
        return TypedResults.Ok(alerts);
    }
}
