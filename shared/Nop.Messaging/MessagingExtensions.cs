using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Nop.Messaging;

/// <summary>Registers the broker layer in a service.</summary>
public static class MessagingExtensions
{
    /// <summary>
    /// Adds the connection, publisher, request client, dead-letter replayer, a start-up connector and the
    /// <c>rabbitmq</c> readiness check; options come from the <c>RabbitMq</c> section and are validated on start.
    /// </summary>
    public static IHostApplicationBuilder AddNopMessaging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RabbitMqOptions>()
            .BindConfiguration(RabbitMqOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.RetryDelays.All(d => d > TimeSpan.Zero), "RabbitMq:RetryDelays must be positive.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<RabbitMqConnection>();
        builder.Services.TryAddSingleton<MessagePublisher>();
        builder.Services.TryAddSingleton<RequestClient>();
        builder.Services.TryAddSingleton<DeadLetterReplayer>();
        builder.Services.AddHostedService<BrokerConnector>();
        builder.Services.AddHealthChecks().AddCheck<RabbitMqHealthCheck>("rabbitmq", tags: ["ready"]);
        builder.Services.AddHealthChecks().AddCheck<ConsumersHealthCheck>("consumers", tags: ["ready"]);
        return builder;
    }

    /// <summary>Declares <paramref name="queue"/> (with its retry and dead queues) at connect and after every
    /// recovery.</summary>
    public static IServiceCollection AddQueue(this IServiceCollection services, QueueDefinition queue)
    {
        services.AddSingleton(queue);
        return services;
    }

    /// <summary>Declares <paramref name="queue"/> and consumes it with the handlers <paramref name="configure"/>
    /// names.</summary>
    public static IServiceCollection AddConsumer(this IServiceCollection services, QueueDefinition queue,
        Action<ConsumerBuilder> configure)
    {
        var builder = new ConsumerBuilder(services, queue);
        configure(builder);
        services.AddQueue(queue);
        services.AddSingleton<IHostedService>(provider =>
            ActivatorUtilities.CreateInstance<ConsumerHost>(provider, builder));
        return services;
    }

    /// <summary>Declares the stream of <paramref name="reader"/> and the reader's dead queue, and reads the stream
    /// with the handlers <paramref name="configure"/> names (<see cref="StreamReaderHost"/>).</summary>
    public static IServiceCollection AddStreamReader(this IServiceCollection services,
        StreamReaderDefinition reader, Action<StreamReaderBuilder> configure)
    {
        var builder = new StreamReaderBuilder(services, reader);
        configure(builder);
        services.AddSingleton(reader);
        services.AddSingleton<IHostedService>(provider =>
            ActivatorUtilities.CreateInstance<StreamReaderHost>(provider, builder));
        return services;
    }
}
