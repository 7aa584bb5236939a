using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Nop.Contracts;
using Nop.ServiceDefaults;
using RabbitMQ.Client.Exceptions;

namespace Nop.Messaging;

/// <summary>Operator endpoints for the dead queues of the work queues this service declares.</summary>
public static class DeadLetterEndpoints
{
    /// <summary>
    /// Maps <c>GET /admin/dead-letters</c> (parked messages per queue) and <c>POST
    /// /admin/dead-letters/{queue}/replay?max=N</c>. Replaying is an operator action, not part of the public API:
    /// only a loopback caller with the admin token is answered (<see cref="AdminEndpoints.MapAdminGroup"/>; use
    /// <c>./nop dead</c> and <c>./nop replay-dead</c>, which send it).
    /// </summary>
    public static IEndpointRouteBuilder MapDeadLetterEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapAdminGroup("/admin/dead-letters");

        group.MapGet("/", async (
            RabbitMqConnection connection, IEnumerable<QueueDefinition> queues,
            IEnumerable<StreamReaderDefinition> readers, CancellationToken ct) =>
        {
            var conn = await connection.GetConnectionAsync(ct);
            await using var channel = await conn.CreateChannelAsync(cancellationToken: ct);
            var counts = new Dictionary<string, uint>();
            foreach (var queue in queues.Select(q => q.Name).Concat(readers.Select(r => r.Name)).Distinct())
            {
                counts[queue] = (await channel.QueueDeclarePassiveAsync(Queues.DeadOf(queue), ct)).MessageCount;
            }
            return TypedResults.Ok(counts);
        });

        group.MapPost("/{queue}/replay", async Task<Results<Ok<ReplayResult>, ProblemHttpResult>> (
            string queue, int? max, IEnumerable<QueueDefinition> queues, IEnumerable<StreamReaderDefinition> readers,
            DeadLetterReplayer replayer, CancellationToken ct) =>
        {
            // A stream reader's parked messages go back into its stream (bound to the retry exchange by the reader's
            // name), where the reader meets them again.
            if (!queues.Any(q => q.Name == queue) && !readers.Any(r => r.Name == queue))
            {
                return TypedResults.Problem($"This service has no work queue '{queue}'.",
                    statusCode: StatusCodes.Status404NotFound);
            }
            try
            {
                var replayed = await replayer.ReplayAsync(queue, max ?? int.MaxValue, ct);
                return TypedResults.Ok(new ReplayResult(queue, replayed));
            }
            catch (Exception ex) when (ex is MessagePublishException or AlreadyClosedException
                or OperationInterruptedException)
            {
                return TypedResults.Problem($"Replay stopped: {ex.Message}",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        });
        return app;
    }
}

/// <summary>How many parked messages a replay moved back to their work queue.</summary>
public sealed record ReplayResult(string Queue, int Replayed);
