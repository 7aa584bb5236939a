using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.Messaging;
using Nop.Testing;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Nop.Compose.Tests;

/// <summary>
/// deploy/rabbitmq/definitions.json on the real (local) broker, in a fresh virtual host with its users renamed for the
/// test: it lists the topology the code declares, and its per-service permissions hold.
/// </summary>
public sealed class RabbitMqDefinitionsTests : IAsyncLifetime
{
    private const int Partitions = 8;
    private static readonly string[] ServiceUsers =
        ["nop-ingest", "nop-processing", "nop-alerting", "nop-dashboard", "nop-history", "nop-notifier"];

    private readonly HttpClient _management = CreateManagementClient();
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..8];
    private readonly string _password = "pw-" + Guid.NewGuid().ToString("N");
    private VirtualHost _vhost = null!;

    public async Task InitializeAsync() => _vhost = await TestBroker.CreateVirtualHostAsync("definitions");

    public async Task DisposeAsync()
    {
        foreach (var user in ServiceUsers)
        {
            using var _ = await _management.DeleteAsync(new Uri($"api/users/{user}-{_suffix}", UriKind.Relative));
        }
        await _vhost.DisposeAsync();
        _management.Dispose();
    }

    [Fact]
    public async Task Definitions_list_exactly_the_topology_the_code_declares()
    {
        var factory = new ConnectionFactory { Uri = _vhost.Uri };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await Topology.DeclareExchangesAsync(channel);
            QueueDefinition[] queues = [Topology.ProcessingClassifier, Topology.AlertingNoise,
                Topology.AlertingCommands, Topology.AlertingQueries, Topology.HistoryQueries,
                Topology.AlertingMaintenance, Topology.ProcessingMaintenanceSteps, Topology.AlertingMaintenanceSteps,
                Topology.HistoryMaintenanceSteps,
                .. Enumerable.Range(0, Partitions).Select(p => Topology.AggregatorPartition(p, Partitions))];
            // The services' defaults: a broker provisioned from the file behaves as one the services declared
            // themselves.
            var defaults = new RabbitMqOptions();
            foreach (var queue in queues)
            {
                await Topology.DeclareQueueAsync(channel, queue, defaults.DeliveryLimit, defaults.MaxQueueLength);
            }
            // Notifier retries a delivery more often and over longer (its appsettings.json): one queue per delay.
            foreach (var queue in new[] { Topology.NotifierAlerts, Topology.NotifierDeliveries,
                         Topology.NotifierQueries })
            {
                await Topology.DeclareQueueAsync(channel, queue, defaults.DeliveryLimit, defaults.MaxQueueLength,
                    NotifierRetrySteps());
            }
            // The levels stream with History's default retention, and History's reader of it (its dead queue).
            var stream = Topology.LevelsStream(new StreamRetention());
            await Topology.DeclareStreamAsync(channel, stream);
            await Topology.DeclareStreamReaderAsync(channel, Topology.HistoryLevelsReader(stream));
        }
        var declared = await GetJsonAsync($"api/definitions/{Uri.EscapeDataString(_vhost.Name)}");
        var listed = ReadDefinitions();

        ExchangesIn(listed).ShouldBe(ExchangesIn(declared), ignoreOrder: true);
        QueuesIn(listed).ShouldBe(QueuesIn(declared), ignoreOrder: true);
        BindingsIn(listed).ShouldBe(BindingsIn(declared), ignoreOrder: true);
    }

    [Fact]
    public async Task Ingest_user_may_publish_readings_and_is_refused_everywhere_else()
    {
        await ImportDefinitionsAsync();
        var ingest = UserUri("nop-ingest");

        (await TryAsync(ingest, ch => PublishAsync(ch, Exchanges.Readings, RoutingKeys.Reading("dev-001"))))
            .ShouldBeNull();
        (await TryAsync(ingest, ch => PublishAsync(ch, Exchanges.Alerts, RoutingKeys.AlertRaised))).ShouldBeRefused();
        (await TryAsync(ingest, ch => PublishAsync(ch, Exchanges.Noise, RoutingKeys.Spike("dev-001"))))
            .ShouldBeRefused();
        (await TryAsync(ingest, ch => ch.ExchangeDeclareAsync(Exchanges.Readings, ExchangeType.Topic, durable: true)))
            .ShouldBeRefused();
        (await TryAsync(ingest, ch => ch.BasicGetAsync(Queues.ProcessingClassifier, autoAck: false))).ShouldBeRefused();

        // What Ingest published reached the consumers' queues (the imported bindings route it).
        (await TestBroker.CountReadyAsync(_vhost, Queues.ProcessingClassifier)).ShouldBe(1u);
    }

    [Fact]
    public async Task Each_service_user_may_do_its_own_work_and_not_another_services()
    {
        await ImportDefinitionsAsync();
        var processing = UserUri("nop-processing");
        var alerting = UserUri("nop-alerting");
        var dashboard = UserUri("nop-dashboard");
        var history = UserUri("nop-history");

        (await TryAsync(processing, ch => ch.BasicGetAsync(Queues.ProcessingClassifier, autoAck: false)))
            .ShouldBeNull();
        (await TryAsync(processing, ch => PublishAsync(ch, Exchanges.Noise, RoutingKeys.Level("dev-001"))))
            .ShouldBeNull();
        (await TryAsync(processing, ch => PublishAsync(ch, Exchanges.RetryOf(Queues.ProcessingClassifier),
            Queues.ProcessingClassifier))).ShouldBeNull();
        (await TryAsync(processing, ch => PublishAsync(ch, Exchanges.Readings, RoutingKeys.Reading("dev-001"))))
            .ShouldBeRefused();
        (await TryAsync(processing, ch => ch.BasicGetAsync(Queues.AlertingNoise, autoAck: false))).ShouldBeRefused();
        // Its heartbeat queue (how instances share the partitions) is server-named, bound to nop.processing.instances.
        (await TryAsync(processing, async ch =>
        {
            var queue = await ch.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
            await ch.QueueBindAsync(queue.QueueName, Exchanges.ProcessingInstances, string.Empty);
            await PublishAsync(ch, Exchanges.ProcessingInstances, string.Empty);
        })).ShouldBeNull();
        (await TryAsync(processing, async ch =>
            await ch.QueueDeclareAsync("processing.durable", durable: true, exclusive: false, autoDelete: false)))
            .ShouldBeRefused();

        (await TryAsync(alerting, ch => ch.BasicGetAsync(Queues.AlertingCommands, autoAck: false))).ShouldBeNull();
        (await TryAsync(alerting, ch => PublishAsync(ch, Exchanges.Alerts, RoutingKeys.AlertRaised))).ShouldBeNull();
        (await TryAsync(alerting, ch => PublishAsync(ch, Exchanges.Noise, RoutingKeys.Spike("dev-001"))))
            .ShouldBeRefused();
        (await TryAsync(alerting, ch => ch.BasicGetAsync(Queues.ProcessingClassifier, autoAck: false)))
            .ShouldBeRefused();

        // The Dashboard's live queues are server-named (amq.gen-...), bound to the three event exchanges.
        (await TryAsync(dashboard, async ch =>
        {
            var queue = await ch.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
            await ch.QueueBindAsync(queue.QueueName, Exchanges.Readings, RoutingKeys.AllReadings);
            await ch.QueueBindAsync(queue.QueueName, Exchanges.Alerts, RoutingKeys.AllAlerts);
        })).ShouldBeNull();
        (await TryAsync(dashboard, ch => PublishAsync(ch, Exchanges.Commands, RoutingKeys.AcknowledgeAlert)))
            .ShouldBeNull();
        (await TryAsync(dashboard, ch => PublishAsync(ch, Exchanges.Alerts, RoutingKeys.AlertRaised)))
            .ShouldBeRefused();
        (await TryAsync(dashboard, ch => ch.BasicGetAsync(Queues.AlertingCommands, autoAck: false))).ShouldBeRefused();
        (await TryAsync(dashboard, async ch =>
            await ch.QueueDeclareAsync("dashboard.durable", durable: true, exclusive: false, autoDelete: false)))
            .ShouldBeRefused();

        // History reads its own queues (levels from nop.noise, queries from nop.commands), replies through
        // nop.replies and retries or parks what it cannot handle through its own exchanges; it publishes no events and
        // reads nobody else's.
        // History reads the levels stream (a stream is consumed with a prefetch, never got).
        (await TryAsync(history, async ch =>
        {
            await ch.BasicQosAsync(0, 10, false);
            await ch.BasicConsumeAsync(Queues.LevelsStream, autoAck: false, new AsyncEventingBasicConsumer(ch));
        })).ShouldBeNull();
        (await TryAsync(history, ch => ch.BasicGetAsync(Queues.HistoryQueries, autoAck: false))).ShouldBeNull();
        (await TryAsync(history, ch => ch.BasicGetAsync(Queues.DeadOf(Queues.HistoryLevels), autoAck: false)))
            .ShouldBeNull();
        (await TryAsync(history, ch => PublishAsync(ch, Exchanges.Replies, "amq.gen-reply"))).ShouldBeNull();
        // Replaying its reader's dead queue appends to the stream through History's retry exchange.
        (await TryAsync(history, ch => PublishAsync(ch, Exchanges.RetryOf(Queues.HistoryLevels),
            Queues.HistoryLevels))).ShouldBeNull();
        (await TryAsync(history, ch => PublishAsync(ch, Exchanges.Noise, RoutingKeys.Level("dev-001"))))
            .ShouldBeRefused();
        (await TryAsync(history, ch => PublishAsync(ch, Exchanges.Alerts, RoutingKeys.AlertRaised)))
            .ShouldBeRefused();
        (await TryAsync(history, ch => ch.BasicGetAsync(Queues.AlertingNoise, autoAck: false))).ShouldBeRefused();
        (await TryAsync(history, async ch =>
            await ch.QueueDeclareAsync("history.durable", durable: true, exclusive: false, autoDelete: false)))
            .ShouldBeRefused();
    }

    [Fact]
    public async Task Notifier_user_consumes_its_queues_sends_its_deliveries_and_replies_and_nothing_else()
    {
        await ImportDefinitionsAsync();
        var notifier = UserUri("nop-notifier");

        // An alert event Alerting publishes reaches notifier.alerts; Notifier consumes it there.
        (await TryAsync(UserUri("nop-alerting"), ch => PublishAsync(ch, Exchanges.Alerts, RoutingKeys.AlertRaised)))
            .ShouldBeNull();
        await Eventually.TrueAsync(async () => await TestBroker.CountReadyAsync(_vhost, Queues.NotifierAlerts) == 1,
            TimeSpan.FromSeconds(10), "the alert event routed to notifier.alerts");
        var consumed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var connection = await new ConnectionFactory { Uri = notifier }.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
                consumed.TrySetResult(delivery.RoutingKey);
            };
            await channel.BasicConsumeAsync(Queues.NotifierAlerts, autoAck: false, consumer);
            (await consumed.Task.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBe(RoutingKeys.AlertRaised);
        }

        // Its outbox sends each planned delivery to nop.commands, which routes it to its own delivery queue.
        (await TryAsync(notifier, ch => PublishAsync(ch, Exchanges.Commands, RoutingKeys.DeliverNotification)))
            .ShouldBeNull();
        await Eventually.TrueAsync(
            async () => await TestBroker.CountReadyAsync(_vhost, Queues.NotifierDeliveries) == 1,
            TimeSpan.FromSeconds(10), "the delivery routed to notifier.deliveries");
        (await TryAsync(notifier, ch => ch.BasicGetAsync(Queues.NotifierDeliveries, autoAck: true))).ShouldBeNull();
        (await TryAsync(notifier, ch => ch.BasicGetAsync(Queues.NotifierQueries, autoAck: false))).ShouldBeNull();
        (await TryAsync(notifier, ch => ch.BasicGetAsync(Queues.DeadOf(Queues.NotifierDeliveries), autoAck: false)))
            .ShouldBeNull();
        (await TryAsync(notifier, ch => PublishAsync(ch, Exchanges.Replies, "amq.gen-reply"))).ShouldBeNull();
        (await TryAsync(notifier, ch => PublishAsync(ch, Exchanges.RetryOf(Queues.NotifierDeliveries),
            Queues.RetryOf(Queues.NotifierDeliveries, NotifierRetrySteps())))).ShouldBeNull();
        (await TryAsync(notifier, ch => PublishAsync(ch, Exchanges.DeadOf(Queues.NotifierDeliveries),
            Queues.NotifierDeliveries))).ShouldBeNull();

        // It publishes no events and reads nobody else's queues, and declares nothing.
        (await TryAsync(notifier, ch => PublishAsync(ch, Exchanges.Alerts, RoutingKeys.AlertRaised)))
            .ShouldBeRefused();
        (await TryAsync(notifier, ch => PublishAsync(ch, Exchanges.Noise, RoutingKeys.Level("dev-001"))))
            .ShouldBeRefused();
        (await TryAsync(notifier, ch => PublishAsync(ch, Exchanges.Readings, RoutingKeys.Reading("dev-001"))))
            .ShouldBeRefused();
        (await TryAsync(notifier, ch => ch.BasicGetAsync(Queues.AlertingNoise, autoAck: false))).ShouldBeRefused();
        (await TryAsync(notifier, ch => ch.BasicGetAsync(Queues.HistoryQueries, autoAck: false))).ShouldBeRefused();
        (await TryAsync(notifier, async ch =>
            await ch.QueueDeclareAsync("notifier.durable", durable: true, exclusive: false, autoDelete: false)))
            .ShouldBeRefused();
        (await TryAsync(notifier, async ch =>
            await ch.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true)))
            .ShouldBeRefused();
    }

    [Fact]
    public async Task No_service_user_may_write_the_default_exchange_or_another_services_retry_and_dead_exchanges()
    {
        await ImportDefinitionsAsync();
        string[] owners = ["processing", "alerting", "history", "notifier"];

        foreach (var service in ServiceUsers)
        {
            var user = UserUri(service);
            // The default exchange reaches every queue by its name: here another service's work queue.
            (await TryAsync(user, ch => PublishAsync(ch, "", Queues.AlertingCommands))).ShouldBeRefused();
            foreach (var owner in owners)
            {
                var queue = owner switch
                {
                    "processing" => Queues.ProcessingClassifier,
                    "alerting" => Queues.AlertingCommands,
                    "history" => Queues.HistoryLevels,
                    _ => Queues.NotifierDeliveries,
                };
                var retry = await TryAsync(user, ch => PublishAsync(ch, Exchanges.RetryOf(queue), queue));
                var dead = await TryAsync(user, ch => PublishAsync(ch, Exchanges.DeadOf(queue), queue));
                if (service == $"nop-{owner}")
                {
                    retry.ShouldBeNull($"{service} retries its own {queue}");
                    dead.ShouldBeNull($"{service} parks its own {queue}'s messages");
                }
                else
                {
                    retry.ShouldBeRefused();
                    dead.ShouldBeRefused();
                }
            }
        }
        // Nothing got into a work queue except through its own service.
        (await TestBroker.CountReadyAsync(_vhost, Queues.AlertingCommands)).ShouldBe(1u);
    }

    [Fact]
    public async Task Dashboard_requests_are_answered_by_alerting_history_and_notifier_through_the_replies_exchange()
    {
        await ImportDefinitionsAsync();
        await using var dashboard = BrokerClient(UserUri("nop-dashboard"));
        var requests = dashboard.GetRequiredService<RequestClient>();

        var page = requests.RequestAsync<GetOpenAlerts, AlertPage>(RoutingKeys.AlertQuery, new GetOpenAlerts());
        await AnswerOneAsync(UserUri("nop-alerting"), Queues.AlertingQueries);
        (await page).Page.ShouldBe(1);

        var levels = requests.RequestAsync<GetLevels, LevelSeries>(RoutingKeys.HistoryQuery,
            new GetLevels("dev-001", DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow,
                LevelResolution.Minute));
        await AnswerOneAsync(UserUri("nop-history"), Queues.HistoryQueries);
        (await levels).SensorId.ShouldBe("dev-001");

        var alertId = Guid.NewGuid();
        var notified = requests.RequestAsync<GetAlertNotifications, AlertNotifications>(RoutingKeys.NotifierQuery,
            new GetAlertNotifications(alertId));
        await AnswerOneAsync(UserUri("nop-notifier"), Queues.NotifierQueries, alertId);
        (await notified).AlertId.ShouldBe(alertId);
    }

    // Read from the file alone (the class's fixture still makes a virtual host, so not tagged Unit).
    [Fact]
    public void No_permission_lets_a_user_write_the_default_exchange()
    {
        foreach (var permission in ReadDefinitions()["permissions"]!.AsArray())
        {
            var write = permission!["write"]!.GetValue<string>();
            Regex.IsMatch("amq.default", write).ShouldBeFalse($"{permission["user"]} may write amq.default");
        }
    }

    /// <summary>Answers one request of <paramref name="queue"/> as the responders do (ReplySender): to
    /// nop.replies with the request's reply-to as the routing key.</summary>
    private static async Task AnswerOneAsync(Uri user, string queue, Guid alertId = default)
    {
        await using var responder = BrokerClient(user);
        await using var connection = await new ConnectionFactory { Uri = user }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        BasicGetResult? request = null;
        await Eventually.TrueAsync(
            async () => (request = await channel.BasicGetAsync(queue, autoAck: true)) is not null,
            TimeSpan.FromSeconds(10), $"a request arrives on {queue}");
        var publisher = responder.GetRequiredService<MessagePublisher>();
        var (type, body) = queue switch
        {
            Queues.AlertingQueries => (AlertPage.MessageType, JsonSerializer.SerializeToUtf8Bytes(
                new AlertPage([], 1, 50, 0), MessageTypes.JsonInfo<AlertPage>())),
            Queues.NotifierQueries => (AlertNotifications.MessageType, JsonSerializer.SerializeToUtf8Bytes(
                new AlertNotifications(alertId, []), MessageTypes.JsonInfo<AlertNotifications>())),
            _ => (LevelSeries.MessageType, JsonSerializer.SerializeToUtf8Bytes(
                new LevelSeries("dev-001", LevelResolution.Minute, []), MessageTypes.JsonInfo<LevelSeries>())),
        };
        var properties = publisher.CreateProperties(type);
        properties.Headers![EnvelopeHeaders.InReplyTo] = request!.BasicProperties.MessageId;
        await publisher.PublishRawAsync(Exchanges.Replies, request.BasicProperties.ReplyTo!, properties, body,
            mandatory: true);
    }

    /// <summary>A service's broker client as the services build it, connected as <paramref name="user"/> to a
    /// provisioned broker (no declarations).</summary>
    private static ServiceProvider BrokerClient(Uri user)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(Options.Create(new RabbitMqOptions { Uri = user, DeclareTopology = false }));
        services.AddSingleton<RabbitMqConnection>();
        services.AddSingleton<MessagePublisher>();
        services.AddSingleton<RequestClient>();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Service_users_have_no_password_until_the_setup_job_gives_them_one()
    {
        await ImportDefinitionsAsync(setPasswords: false);

        var factory = new ConnectionFactory { Uri = UserUri("nop-ingest") };
        await Should.ThrowAsync<BrokerUnreachableException>(async () => await factory.CreateConnectionAsync());
    }

    private static async Task PublishAsync(IChannel channel, string exchange, string routingKey) =>
        await channel.BasicPublishAsync(exchange, routingKey, mandatory: false,
            new BasicProperties { Persistent = true }, "{}"u8.ToArray());

    /// <summary>
    /// Runs <paramref name="action"/> as a user on a confirm channel; null when the broker allowed it, else its
    /// refusal.
    /// </summary>
    private static async Task<string?> TryAsync(Uri user, Func<IChannel, Task> action)
    {
        var factory = new ConnectionFactory { Uri = user };
        await using var connection = await factory.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true));
        try
        {
            await action(channel);
            // A refused publish closes the channel asynchronously: a round trip afterwards makes it visible.
            await channel.ExchangeDeclarePassiveAsync(Exchanges.Readings);
            return null;
        }
        catch (Exception ex) when (ex is OperationInterruptedException or AlreadyClosedException or PublishException)
        {
            return channel.CloseReason?.ReplyText ?? ex.Message;
        }
        finally
        {
            await channel.DisposeAsync();
        }
    }

    private Uri UserUri(string user) =>
        new UriBuilder(_vhost.Uri) { UserName = $"{user}-{_suffix}", Password = _password }.Uri;

    /// <summary>
    /// definitions.json moved into the test's virtual host, users renamed, then what rabbitmq-setup does.
    /// </summary>
    private async Task ImportDefinitionsAsync(bool setPasswords = true)
    {
        var definitions = ReadDefinitions();
        definitions["vhosts"] = new JsonArray(new JsonObject { ["name"] = _vhost.Name });
        foreach (var key in new[] { "permissions", "exchanges", "queues", "bindings", "policies" })
        {
            foreach (var item in definitions[key]?.AsArray() ?? [])
            {
                item!["vhost"] = _vhost.Name;
            }
        }
        foreach (var user in definitions["users"]!.AsArray())
        {
            user!["name"] = $"{user["name"]}-{_suffix}";
        }
        foreach (var permission in definitions["permissions"]!.AsArray())
        {
            permission!["user"] = $"{permission["user"]}-{_suffix}";
        }
        using (var import =
            await _management.PostAsJsonAsync(new Uri("api/definitions", UriKind.Relative), definitions))
        {
            import.EnsureSuccessStatusCode();
        }
        if (!setPasswords)
        {
            return;
        }
        foreach (var user in ServiceUsers)
        {
            using var put = await _management.PutAsJsonAsync(new Uri($"api/users/{user}-{_suffix}", UriKind.Relative),
                new { password = _password, tags = "" });
            put.EnsureSuccessStatusCode();
        }
    }

    /// <summary>The retry delays of Notifier's appsettings.json: one <c>.retry.N</c> queue each.</summary>
    private static int NotifierRetrySteps() =>
        JsonNode.Parse(File.ReadAllText(Repo.PathOf("services/Nop.Notifier/appsettings.json")))!
            ["RabbitMq"]!["RetryDelays"]!.AsArray().Count;

    private static JsonObject ReadDefinitions() =>
        JsonNode.Parse(File.ReadAllText(Repo.PathOf("deploy/rabbitmq/definitions.json")))!.AsObject();

    private async Task<JsonObject> GetJsonAsync(string path) =>
        JsonNode.Parse(await _management.GetStringAsync(new Uri(path, UriKind.Relative)))!.AsObject();

    private static IEnumerable<string> ExchangesIn(JsonObject definitions) => definitions["exchanges"]!.AsArray()
        .Select(e =>
            $"{e!["name"]} {e["type"]} durable={e["durable"]} auto_delete={e["auto_delete"]} internal={e["internal"]}");

    private static IEnumerable<string> QueuesIn(JsonObject definitions) => definitions["queues"]!.AsArray()
        .Select(q =>
            $"{q!["name"]} durable={q["durable"]} auto_delete={q["auto_delete"]} {Sorted(q["arguments"]!.AsObject())}");

    private static IEnumerable<string> BindingsIn(JsonObject definitions) => definitions["bindings"]!.AsArray()
        .Select(b => $"{b!["source"]} -> {b["destination_type"]} {b["destination"]} [{b["routing_key"]}]");

    private static string Sorted(JsonObject arguments) =>
        string.Join(", ",
            arguments.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}={a.Value?.ToJsonString()}"));

    private static HttpClient CreateManagementClient()
    {
        var uri = TestBroker.ManagementUri;
        var http = new HttpClient
        {
            BaseAddress = new Uri(uri.GetLeftPart(UriPartial.Authority)),
            Timeout = TimeSpan.FromSeconds(30)
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(uri.UserInfo))));
        return http;
    }
}

internal static class RefusalAssertions
{
    public static void ShouldBeRefused(this string? refusal)
    {
        refusal.ShouldNotBeNull("the broker allowed it");
        refusal.ShouldContain("ACCESS_REFUSED");
    }
}
