using Microsoft.AspNetCore.Http.HttpResults;
using Nop.ServiceDefaults;

namespace Nop.History.Levels;

public static class RebuildEndpoint
{
    // POST /admin/history/rebuild[?from=<time>]: ./nop history rebuild. Answers 202 with what will be replayed; the
    // rebuild itself runs in the reader (LevelReader), which logs its progress.
    public static IEndpointRouteBuilder MapRebuildEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapAdminGroup("/admin/history").MapPost("/rebuild",
            Results<Accepted<RebuildPlan>, ProblemHttpResult> (DateTimeOffset? from, LevelReader reader) =>
            {
                try
                {
                    return TypedResults.Accepted((string?)null, reader.RequestRebuild(from));
                }
                catch (ArgumentOutOfRangeException ex)
                {
                    return TypedResults.Problem(ex.Message.Split(" (Parameter")[0],
                        statusCode: StatusCodes.Status400BadRequest);
                }
                catch (InvalidOperationException ex)
                {
                    return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status409Conflict);
                }
            });
        return app;
    }
}
