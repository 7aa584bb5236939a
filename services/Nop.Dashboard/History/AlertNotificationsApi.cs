using System.ComponentModel;
using System.Text.RegularExpressions;
using Nop.Contracts;

namespace Nop.Dashboard.History;

/// <summary>Who was notified about an alert. <paramref name="RecipientsMasked"/> is true for a viewer who is not
/// signed in: e-mail addresses are personal data, so such a viewer sees <c>o•••@nop.local</c>.</summary>
public sealed record AlertNotificationsView(
    Guid AlertId, bool RecipientsMasked, IReadOnlyList<NotificationEntry> Items);

// GET /api/alerts/{alertId}/notifications: Notifier's record of an alert's notifications, asked over request/reply.
// Readable like the alert history, but only a signed-in operator sees whole e-mail addresses (in Detail too, where a
// mail server's refusal may quote one). A webhook's recipient is its host only (Notifier never gives its path).
public static partial class AlertNotificationsApi
{
    public const string Name = "GetAlertNotifications";
    public const string Mask = "•••";

    public static IEndpointRouteBuilder MapAlertNotificationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/alerts/{alertId}/notifications", GetAsync)
            .WithTags("Alerts")
            .WithName(Name)
            .WithSummary("Who was notified about an alert, by which channel, when, and whether it was delivered")
            .WithDescription("One entry per (stage, subscription) in the order Notifier planned them; an alert "
                + "nobody was notified about has none. Without an operator's sign-in the e-mail recipients are "
                + "masked (first letter and domain kept: o•••@nop.local) and recipientsMasked is true.")
            .Produces<AlertNotificationsView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> GetAsync(
        [Description("The alert's id (a GUID).")] string alertId,
        ServiceQueries queries, HttpContext http)
    {
        if (!Guid.TryParse(alertId, out var id))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["alertId"] = ["Not an alert id (a GUID such as 0193a5c2-7b1e-7c3d-9f00-1a2b3c4d5e6f)."],
            });
        }
        var answer = await queries.AskAsync<GetAlertNotifications, AlertNotifications>(RoutingKeys.NotifierQuery,
            new GetAlertNotifications(id), http);
        if (answer is null)
        {
            return queries.Unavailable(http, "Notifier");
        }
        var signedIn = http.User.Identity?.IsAuthenticated == true;
        var items = signedIn ? answer.Items : answer.Items.Select(Masked).ToList();
        return TypedResults.Ok(new AlertNotificationsView(answer.AlertId, !signedIn, items));
    }

    private static NotificationEntry Masked(NotificationEntry entry) => entry with
    {
        Recipient = entry.Channel == NotificationChannel.Email ? MaskAddress(entry.Recipient) : entry.Recipient,
        Detail = entry.Detail is null ? null : Address().Replace(entry.Detail, m => MaskAddress(m.Value)),
    };

    /// <summary><c>operator@nop.local</c> → <c>o•••@nop.local</c>; without a usable <c>@</c>, all of it is
    /// masked.</summary>
    public static string MaskAddress(string address)
    {
        var at = address.LastIndexOf('@');
        return at <= 0 || at == address.Length - 1 ? Mask : address[..1] + Mask + address[at..];
    }

    // Loose on purpose: anything shaped like an address in free text is masked.
    [GeneratedRegex(@"[^\s<>()""',;:@]+@[A-Za-z0-9.-]+", RegexOptions.CultureInvariant)]
    private static partial Regex Address();
}
