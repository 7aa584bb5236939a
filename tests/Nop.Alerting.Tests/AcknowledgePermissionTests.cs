using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;
using Nop.Messaging;
using Serilog.Events;

namespace Nop.Alerting.Tests;

/// <summary>
/// Alerting applies AcknowledgeAlert only from the broker users of <c>Alerting:AcknowledgeUsers</c>, by the user_id the
/// broker validated; anyone else is answered "forbidden" (not retried, not dead-lettered) and logged.
/// </summary>
public sealed class AcknowledgePermissionTests
{
    [Fact]
    public async Task Only_the_configured_user_acknowledges_another_broker_user_is_answered_forbidden()
    {
        await using var bed = await AlertingTestBed.CreateAsync("ack-users");
        var dashboard = await bed.VirtualHost.CreateUserAsync("dashboard");
        var intruder = await bed.VirtualHost.CreateUserAsync("intruder");
        var app = await bed.StartAlertingAsync(settings: new Dictionary<string, string?>
        {
            ["Alerting:AcknowledgeUsers:0"] = UserOf(dashboard),
        });
        await bed.PublishAsync(Noise.Exceeded("s-1", level: 70));
        var alert = (await bed.AlertsWhenAsync(a => a.Count == 1, "the alert was raised")).Single();

        await using (var client = ClientAs(intruder))
        {
            var refused = await client.AcknowledgeAsync(alert.Id);
            refused.Outcome.ShouldBe(AcknowledgeOutcome.Forbidden);
            refused.Alert.ShouldBeNull();
        }
        app.Logs.Events.ShouldContain(e => e.Level == LogEventLevel.Warning
            && e.RenderMessage(null).Contains("Refused to acknowledge", StringComparison.Ordinal)
            && e.RenderMessage(null).Contains(UserOf(intruder), StringComparison.Ordinal));
        (await bed.AlertsWhenAsync(a => a.Count == 1, "still one alert")).Single().State.ShouldBe(AlertState.Open);

        await using (var client = ClientAs(dashboard))
        {
            (await client.AcknowledgeAsync(alert.Id)).Outcome.ShouldBe(AcknowledgeOutcome.Acknowledged);
        }
        // The refusal was an answer: nothing waits for a retry or sits in the dead queue.
        (await bed.CountMessagesAsync(Queues.RetryOf(Queues.AlertingCommands))).ShouldBe(0u);
        (await bed.CountMessagesAsync(Queues.DeadOf(Queues.AlertingCommands))).ShouldBe(0u);
    }

    [Fact]
    public async Task Outside_development_an_empty_list_refuses_every_acknowledgement_with_a_clear_log_line()
    {
        await using var bed = await AlertingTestBed.CreateAsync("ack-users-prod");
        var app = await bed.StartAlertingAsync(settings: new Dictionary<string, string?>
        {
            ["environment"] = "Production",
        });
        await bed.PublishAsync(Noise.Exceeded("s-1", level: 70));
        var alert = (await bed.AlertsWhenAsync(a => a.Count == 1, "the alert was raised")).Single();

        var result = await bed.Requests.RequestAsync<AcknowledgeAlert, AcknowledgeAlertResult>(
            RoutingKeys.AcknowledgeAlert, new AcknowledgeAlert(alert.Id, "olga", null));

        result.Outcome.ShouldBe(AcknowledgeOutcome.Forbidden);
        app.Logs.Events.ShouldContain(e => e.Level == LogEventLevel.Error
            && e.RenderMessage(null).Contains("Alerting:AcknowledgeUsers is empty outside Development",
                StringComparison.Ordinal));
    }

    private static string UserOf(Uri uri) => Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]);

    private static UserClient ClientAs(Uri user)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(new RabbitMqOptions { Uri = user, ClientName = "ack-tests" }));
        services.AddSingleton<RabbitMqConnection>();
        services.AddSingleton<MessagePublisher>();
        services.AddSingleton<RequestClient>();
        return new UserClient(services.BuildServiceProvider());
    }

    /// <summary>A requester connected as one broker user, as the Dashboard is.</summary>
    private sealed class UserClient(ServiceProvider services) : IAsyncDisposable
    {
        public Task<AcknowledgeAlertResult> AcknowledgeAsync(Guid alertId) =>
            services.GetRequiredService<RequestClient>().RequestAsync<AcknowledgeAlert, AcknowledgeAlertResult>(
                RoutingKeys.AcknowledgeAlert, new AcknowledgeAlert(alertId, "olga", null));

        public ValueTask DisposeAsync() => services.DisposeAsync();
    }
}
