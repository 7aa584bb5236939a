using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Nop.Dashboard.OpenApi;

// The document's title and description.
internal sealed class DashboardDocumentTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context,
        CancellationToken cancellationToken)
    {
        document.Info.Title = "NOP Dashboard API";
        document.Info.Description =
            "Noise history for people and open-data portals: levels per minute, hour or day, the day indicators "
            + "(Lday, Levening, Lnight, Lden) and their monthly and yearly averages, each sensor's alerts and who was "
            + "notified of an alert, and each sensor's maintenance, which a signed-in operator starts and ends. The "
            + "Dashboard asks History, Alerting and Notifier over RabbitMQ; reading is public (e-mail recipients "
            + "masked unless an operator is signed in). Errors are RFC 7807 "
            + "ProblemDetails: 400 names each bad parameter, 503 (with Retry-After) means a service did not answer "
            + "in time.";
        return Task.CompletedTask;
    }
}
