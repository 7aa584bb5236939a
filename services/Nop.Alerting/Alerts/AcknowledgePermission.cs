using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Alerting.Alerts;

// Who may acknowledge alerts: the broker users of Alerting:AcknowledgeUsers, by the AMQP user_id that RabbitMQ
// validates against the publishing connection's user (https://www.rabbitmq.com/docs/validated-user-id). Without it,
// any service allowed to write nop.commands could acknowledge. Empty list: everyone in Development (./nop up --local
// runs every service as one broker user), nobody elsewhere: fail closed (OWASP ASVS 4.0.3 V4.1.5), each refusal
// logged with the fix, while alerts and queries keep working.
public sealed class AcknowledgePermission(
    IOptions<AlertingOptions> options, IHostEnvironment environment, ILogger<AcknowledgePermission> logger)
{
    private readonly HashSet<string> _users = new(options.Value.AcknowledgeUsers, StringComparer.Ordinal);

    public bool Allows(MessageEnvelope envelope, AcknowledgeAlert request)
    {
        if (_users.Count == 0 && environment.IsDevelopment())
        {
            return true;
        }
        if (envelope.UserId is { } user && _users.Contains(user))
        {
            return true;
        }
        if (_users.Count == 0)
        {
            logger.LogError("Refused to acknowledge alert {AlertId} for {AcknowledgedBy}: Alerting:AcknowledgeUsers " +
                "is empty outside Development; set it to the Dashboard's broker user (e.g. nop-dashboard)",
                request.AlertId, request.AcknowledgedBy);
        }
        else
        {
            logger.LogWarning("Refused to acknowledge alert {AlertId} for {AcknowledgedBy}: published by broker " +
                "user {UserId}, not one of Alerting:AcknowledgeUsers", request.AlertId, request.AcknowledgedBy,
                envelope.UserId ?? "(none)");
        }
        return false;
    }
}
