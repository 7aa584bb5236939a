using System.Globalization;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;
using Nop.ServiceDefaults;

namespace Nop.Dashboard.History;

// Asks History or Alerting over RabbitMQ request/reply for an HTTP request. A service that does not answer in time
// (down, its queue missing, or failing) is a 503 with Retry-After, never a 500: the page and a portal retry later.
public sealed class ServiceQueries(RequestClient requests, IOptions<DashboardOptions> options,
    ILogger<ServiceQueries> logger)
{
    public async Task<TReply?> AskAsync<TRequest, TReply>(string routingKey, TRequest request, HttpContext http)
        where TRequest : IMessage where TReply : class, IMessage
    {
        try
        {
            return await requests.RequestAsync<TRequest, TReply>(routingKey, request, http.GetCorrelationId(),
                options.Value.RequestTimeout, http.RequestAborted);
        }
        catch (Exception ex) when (ex is RequestTimeoutException or RequestFailedException or MessagePublishException)
        {
            logger.LogWarning("{Query} to {RoutingKey} failed: {Error}", TRequest.MessageType, routingKey, ex.Message);
            return null;
        }
    }

    // The 503 for a service that did not answer; Retry-After is one request timeout, rounded up.
    public IResult Unavailable(HttpContext http, string service,
        string detail = "Nothing is wrong with the request; try again in a moment.")
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(options.Value.RequestTimeout.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(title: $"{service} did not answer in time.",
            detail: detail,
            statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}
