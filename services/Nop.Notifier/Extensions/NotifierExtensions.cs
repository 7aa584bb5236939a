using Nop.Contracts;
using Nop.Messaging;
using Nop.Notifier.Data;
using Nop.Notifier.Sending;
using Nop.Notifier.Planning;
using Nop.Notifier.Queries;
using Nop.Notifier.Subscriptions;
using Nop.Persistence;
using Nop.ServiceDefaults;

namespace Nop.Notifier.Extensions;

// Composes Notifier: its database, the alert-event consumer that plans deliveries, the delivery consumer that sends
// them, the scheduler (escalation, quiet hours, digests), the query answerer and the outbox relay.
public static class NotifierExtensions
{
    public static IHostApplicationBuilder AddNotifier(this IHostApplicationBuilder builder)
    {
        if (builder.Configuration[$"{NotifierOptions.Section}:SubscriptionsPath"] is { Length: > 0 } path)
            builder.Configuration.AddJsonFile(Path.GetFullPath(path), optional: false, reloadOnChange: false);
        var services = builder.Services;
        services.AddValidatedOptions<NotifierOptions>(NotifierOptions.Section);
        builder.AddNotifierDatabase();

        services.AddSingleton<SubscriptionCatalog>();
        services.AddSingleton<NotificationWriter>();
        services.AddSingleton<NotifierMetrics>();
        services.AddSingleton<EmailChannel>();
        // No redirects (a webhook that moved must be reconfigured, not followed with the signed body); the time-out
        // is the channel's own, per attempt.
        services.AddHttpClient<WebhookChannel>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddScoped<NotifierChanges>();
        services.AddScoped<NotificationPlanner>();
        services.AddNopInbox<NotifierDbContext>();

        // Single active consumer, one at a time: each alert's events are planned in the order Alerting published them.
        services.AddConsumer(Topology.NotifierAlerts, c => c
            .Handle<AlertRaised, AlertEventHandlers>()
            .Handle<AlertEscalated, AlertEventHandlers>()
            .Handle<AlertAcknowledged, AlertEventHandlers>()
            .Handle<AlertResolved, AlertEventHandlers>()
            .UseInbox());
        var concurrency = builder.Configuration.GetSection(NotifierOptions.Section).Get<NotifierOptions>()
            ?.DeliveryConcurrency ?? 8;
        services.AddConsumer(Topology.NotifierDeliveries, c =>
        {
            c.Handle<DeliverNotification, DeliverNotificationHandler>();
            c.Concurrency = concurrency;
        });
        services.AddConsumer(Topology.NotifierQueries, c =>
        {
            c.Answer<GetAlertNotifications, AlertNotifications, GetAlertNotificationsHandler>();
            c.Concurrency = 4; // Read-only.
        });

        services.AddNopOutbox<NotifierDbContext>(Exchanges.Commands).BindConfiguration("Notifier:Outbox");
        services.AddSingleton<NotificationScheduler>();
        services.AddHostedService(provider => provider.GetRequiredService<NotificationScheduler>());
        return builder;
    }
}
