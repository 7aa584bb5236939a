using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Dashboard.History;
using Nop.Dashboard.Sensors;
using Nop.Messaging;

namespace Nop.Dashboard.Maintenance;

/// <summary>The body of <c>POST /api/maintenance</c>. Times are ISO 8601 with an offset, read as strings so that a time
/// without one is refused rather than read in the server's zone (as in the history API).</summary>
public sealed record StartMaintenanceRequest(
    [property: Description("The sensor's id, as the sensor catalogue names it.")] string? SensorId,
    [property: Description("Start of the maintenance, ISO 8601 with an offset (e.g. 2026-12-01T10:00:00Z).")]
    string? From,
    [property: Description("End of the maintenance (excluded), ISO 8601 with an offset; in the future, after from.")]
    string? To,
    [property: Description("Why, 1 to 500 characters: shown with the maintenance and given to every participant.")]
    string? Reason);

/// <summary>The answer to a started maintenance: its id (also in Location) and where it stands.</summary>
public sealed record MaintenanceAccepted(Guid MaintenanceId, MaintenanceDetails? Maintenance);

// The operator's maintenance of a sensor (docs/architecture.md §13): the Dashboard checks the request at the edge and
// asks Alerting's process manager over RabbitMQ request/reply (maintenance.request on nop.commands); Alerting runs the
// steps, so the answers are 202 and the page follows the state with GET. Starting and ending need a signed-in
// operator and a page of this origin (SameOriginFilter); reading is open like the alert history.
public static class MaintenanceApi
{
    public const string StartName = "StartMaintenance";
    public const string GetName = "GetMaintenance";
    public const string EndName = "EndMaintenance";
    public const string SensorName = "GetSensorMaintenance";
    public const string IdempotencyHeader = "Idempotency-Key";
    public const int MaxReasonLength = 500;
    public const int MaxIdempotencyKeyLength = 128;
    public const int MaxSensorLimit = 100;

    public static IEndpointRouteBuilder MapMaintenanceApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/maintenance", StartAsync)
            .RequireAuthorization()
            .AddEndpointFilter<SameOriginFilter>()
            .WithTags("Maintenance")
            .WithName(StartName)
            .WithSummary("Start maintenance of a sensor over [from, to) (signed-in operator)")
            .WithDescription("Checks the request (a known sensor, from before to, to in the future, at most "
                + "Dashboard:MaxMaintenanceDuration long, a reason of 1 to 500 characters) and asks Alerting to "
                + "start it; 202 means accepted and under way: GET the Location to follow its state (starting, "
                + "active, ending, ended, failed, compensated) and steps. An Idempotency-Key makes a repeated request "
                + "(after a 503) name the same maintenance instead of starting another. 401 without an operator's "
                + "session, 403 from another site's page, 409 when Alerting finds it conflicts with the maintenance "
                + "the id or key already names.")
            .Produces<MaintenanceAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .Produces(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/api/maintenance/{maintenanceId}", GetAsync)
            .WithTags("Maintenance")
            .WithName(GetName)
            .WithSummary("One maintenance: its period, state and each participant's steps with their outcomes")
            .Produces<MaintenanceDetails>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapDelete("/api/maintenance/{maintenanceId}", EndAsync)
            .RequireAuthorization()
            .AddEndpointFilter<SameOriginFilter>()
            .WithTags("Maintenance")
            .WithName(EndName)
            .WithSummary("End a maintenance now, before its to (signed-in operator)")
            .WithDescription("Asks Alerting to run the end steps (in reverse order); 202 with the maintenance, "
                + "whose state is then ending. 409 when it cannot be ended (already ended, compensated or failed).")
            .Produces<MaintenanceDetails>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .Produces(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/api/sensors/{sensorId}/maintenance", GetSensorAsync)
            .WithTags("Maintenance")
            .WithName(SensorName)
            .WithSummary("A sensor's maintenances: those not ended, and the latest ended ones, newest first")
            .Produces<MaintenanceList>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> StartAsync(
        StartMaintenanceRequest request,
        [FromHeader(Name = IdempotencyHeader), Description("Optional: the same key from the same operator names "
            + "the same maintenance, so a request repeated after a 503 starts nothing twice (1 to 128 visible "
            + "ASCII characters).")]
        string? idempotencyKey,
        SensorCatalog catalog, ServiceQueries queries, IOptionsMonitor<DashboardOptions> options,
        TimeProvider time, HttpContext http, ILogger<StartMaintenanceRequest> logger)
    {
        var user = http.User.Identity?.Name;
        if (string.IsNullOrEmpty(user))
        {
            return TypedResults.Unauthorized();
        }
        var errors = new Dictionary<string, string[]>();
        var start = Validate(request, idempotencyKey, catalog, options.CurrentValue.MaxMaintenanceDuration,
            time.GetUtcNow(), errors);
        if (start is null)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var id = idempotencyKey is null ? Guid.CreateVersion7() : KeyedId(user, idempotencyKey);
        var command = new StartMaintenance(id, start.Value.SensorId, start.Value.From, start.Value.To,
            start.Value.Reason, user);
        var reply = await queries.AskAsync<StartMaintenance, MaintenanceReply>(RoutingKeys.MaintenanceRequest,
            command, http);
        if (reply is null)
        {
            // The deadline on the request stops Alerting acting on it late, but an answer lost on the way back is
            // possible: say how to find out, and how to repeat it safely.
            return queries.Unavailable(http, "Alerting",
                "The maintenance may not have started. Look at the sensor's maintenances before trying again, or "
                + "repeat the request with the same Idempotency-Key.");
        }
        logger.LogInformation("{User} asked for maintenance {MaintenanceId} of {SensorId} from {From} to {To}: "
            + "{Outcome}", user, id, command.SensorId, command.From, command.To, reply.Outcome);
        return reply.Outcome switch
        {
            MaintenanceOutcome.Ok => TypedResults.Accepted($"/api/maintenance/{id}",
                new MaintenanceAccepted(id, reply.Maintenance)),
            MaintenanceOutcome.Conflict => Refused(StatusCodes.Status409Conflict,
                "The maintenance conflicts with what Alerting has.", reply.Detail),
            _ => Refused(StatusCodes.Status400BadRequest, "Alerting refused the maintenance.", reply.Detail),
        };
    }

    private static async Task<IResult> GetAsync(
        [Description("The maintenance's id (a GUID).")] string maintenanceId, ServiceQueries queries,
        HttpContext http)
    {
        if (ParseId(maintenanceId) is not { } id)
        {
            return BadId();
        }
        var reply = await queries.AskAsync<GetMaintenance, MaintenanceReply>(RoutingKeys.MaintenanceRequest,
            new GetMaintenance(id), http);
        if (reply is null)
        {
            return queries.Unavailable(http, "Alerting");
        }
        return reply is { Outcome: MaintenanceOutcome.Ok, Maintenance: { } details }
            ? TypedResults.Ok(details)
            : NotFound();
    }

    private static async Task<IResult> EndAsync(
        [Description("The maintenance's id (a GUID).")] string maintenanceId, ServiceQueries queries,
        HttpContext http, ILogger<StartMaintenanceRequest> logger)
    {
        var user = http.User.Identity?.Name;
        if (string.IsNullOrEmpty(user))
        {
            return TypedResults.Unauthorized();
        }
        if (ParseId(maintenanceId) is not { } id)
        {
            return BadId();
        }
        var reply = await queries.AskAsync<EndMaintenance, MaintenanceReply>(RoutingKeys.MaintenanceRequest,
            new EndMaintenance(id, user), http);
        if (reply is null)
        {
            return queries.Unavailable(http, "Alerting");
        }
        logger.LogInformation("{User} asked to end maintenance {MaintenanceId}: {Outcome}", user, id, reply.Outcome);
        return reply.Outcome switch
        {
            MaintenanceOutcome.Ok when reply.Maintenance is { } details => TypedResults.Accepted(
                $"/api/maintenance/{id}", details),
            MaintenanceOutcome.Ok or MaintenanceOutcome.NotFound => NotFound(),
            MaintenanceOutcome.Conflict => Refused(StatusCodes.Status409Conflict,
                "The maintenance cannot be ended now.", reply.Detail),
            _ => Refused(StatusCodes.Status400BadRequest, "Alerting refused to end the maintenance.", reply.Detail),
        };
    }

    private static async Task<IResult> GetSensorAsync(
        [Description("The sensor's id.")] string sensorId,
        [Description("Ended maintenances to include at most, 1 to 100 (default 20); those not ended are always "
            + "listed.")]
        string? limit,
        SensorCatalog catalog, ServiceQueries queries, HttpContext http)
    {
        var errors = new Dictionary<string, string[]>();
        var count = QueryParameters.Number(limit, "limit", 1, MaxSensorLimit, errors) ?? 20;
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var sensor = catalog.Find(sensorId);
        if (sensor is null && !SensorIds.IsValid(sensorId))
        {
            return HistoryApi.UnknownSensor(sensorId);
        }
        var list = await queries.AskAsync<GetSensorMaintenance, MaintenanceList>(RoutingKeys.MaintenanceRequest,
            new GetSensorMaintenance(sensorId, count), http);
        if (list is null)
        {
            return queries.Unavailable(http, "Alerting");
        }
        // A sensor outside the catalogue is known by its maintenances (as by its data in the history API).
        if (sensor is null && list.Items.Count == 0)
        {
            return HistoryApi.UnknownSensor(sensorId);
        }
        return TypedResults.Ok(list);
    }

    /// <summary>The request as StartMaintenance takes it, or null with every problem in
    /// <paramref name="errors"/> under the field's name.</summary>
    public static (string SensorId, DateTimeOffset From, DateTimeOffset To, string Reason)? Validate(
        StartMaintenanceRequest request, string? idempotencyKey, SensorCatalog catalog, TimeSpan maxDuration,
        DateTimeOffset now, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(request.SensorId))
        {
            errors["sensorId"] = ["Required."];
        }
        else if (catalog.Find(request.SensorId) is null)
        {
            errors["sensorId"] = ["No sensor has this id."];
        }
        var from = Required(request.From, "from", errors);
        var to = Required(request.To, "to", errors);
        var reason = request.Reason?.Trim() ?? "";
        if (reason.Length is 0 or > MaxReasonLength)
        {
            errors["reason"] = [string.Create(CultureInfo.InvariantCulture,
                $"Give a reason of 1 to {MaxReasonLength} characters.")];
        }
        if (idempotencyKey is not null && !ValidKey(idempotencyKey))
        {
            errors[IdempotencyHeader] = [string.Create(CultureInfo.InvariantCulture,
                $"Use 1 to {MaxIdempotencyKeyLength} visible ASCII characters.")];
        }
        if (from is { } start && to is { } end)
        {
            if (start >= end)
            {
                errors["from"] = ["'from' must be before 'to'."];
            }
            else if (end - start > maxDuration)
            {
                errors["to"] = [string.Create(CultureInfo.InvariantCulture,
                    $"A maintenance lasts at most {maxDuration.TotalDays:0.##} days ")
                    + "(Dashboard:MaxMaintenanceDuration)."];
            }
            else if (end <= now)
            {
                errors["to"] = ["'to' must be in the future: a maintenance that has ended cannot be started."];
            }
        }
        if (errors.Count > 0)
        {
            return null;
        }
        return (request.SensorId!, from!.Value, to!.Value, reason);
    }

    // The maintenance an operator's key names: the same key from the same operator is the same maintenance, on
    // every replica and after a restart, with nothing stored here.
    public static Guid KeyedId(string user, string idempotencyKey) =>
        Guid.Parse(DeterministicId.For("nop.dashboard.maintenance", user, idempotencyKey));

    private static bool ValidKey(string key) =>
        key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is > ' ' and < '\x7f');

    private static DateTimeOffset? Required(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors[name] = ["Required."];
            return null;
        }
        return QueryParameters.Time(value, name, errors);
    }

    private static Guid? ParseId(string value) => Guid.TryParse(value, out var id) ? id : null;

    private static ValidationProblem BadId() => TypedResults.ValidationProblem(new Dictionary<string, string[]>
    {
        ["maintenanceId"] = ["Not a maintenance id (a GUID such as 0193a5c2-7b1e-7c3d-9f00-1a2b3c4d5e6f)."],
    });

    private static ProblemHttpResult NotFound() => TypedResults.Problem(title: "No maintenance has this id.",
        statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult Refused(int status, string title, string? detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: status);
}
