using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Nop.Contracts;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Nop.Archiver;

/// <summary>
/// Reads the levels stream with plain RabbitMQ.Client (AMQP 0-9-1), on purpose without Nop.Messaging: a stream is read
/// like a queue, with three differences shown here. The consumer says where to start (<c>x-stream-offset</c>), a
/// prefetch is required, and an ack does not remove anything: it only gives the consumer credit for more. The position
/// is the consumer's own (kept with the CSV files by <see cref="CsvArchive"/>), so it can join late, stop, and resume.
/// </summary>
public sealed class StreamArchiver(
    IOptions<ArchiverOptions> options, IOptions<BrokerOptions> broker, ILogger<StreamArchiver> logger)
    : BackgroundService
{
    private const string OffsetArgument = "x-stream-offset";
    private readonly ArchiverOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var archive = CsvArchive.Open(_options.Directory, logger);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ArchiveAsync(archive, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            // The broker or the disk went away, or a connect timed out: try again. Anything else (an archive that
            // cannot be trusted, a stream that is no stream) stops the service.
            catch (Exception ex) when (ex is BrokerUnreachableException or OperationInterruptedException
                or AlreadyClosedException or ChannelClosedException or IOException or TimeoutException
                or OperationCanceledException)
            {
                archive.Discard();
                logger.LogWarning("Reading {Stream} stopped ({Error}); connecting again in {Delay}",
                    Queues.LevelsStream, ex.Message, _options.RetryDelay);
            }
            await Task.Delay(_options.RetryDelay, stoppingToken);
        }
    }

    private async Task ArchiveAsync(CsvArchive archive, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = broker.Value.Uri,
            ClientProvidedName = broker.Value.ClientName,
            // The loop above reconnects instead: automatic recovery would consume again from the offset given at the
            // first basic.consume, not from the archive's position.
            AutomaticRecoveryEnabled = false,
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            await channel.QueueDeclarePassiveAsync(Queues.LevelsStream, cancellationToken);
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == Constants.NotFound)
        {
            logger.LogWarning("{Stream} does not exist yet (History declares it); looking again in {Delay}",
                Queues.LevelsStream, _options.RetryDelay);
            return;
        }
        await channel.BasicQosAsync(0, _options.Prefetch, global: false, cancellationToken);

        // Deliveries are handed to this loop, which batches whatever has arrived; the body is copied because the
        // client reuses its buffer once the handler returns.
        var deliveries = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleReader = true });
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, e) =>
        {
            deliveries.Writer.TryWrite(new Delivery(e.DeliveryTag, OffsetOf(e.BasicProperties.Headers), e.Exchange,
                e.BasicProperties.Type, e.Body.ToArray()));
            return Task.CompletedTask;
        };
        channel.ChannelShutdownAsync += (_, e) =>
        {
            deliveries.Writer.TryComplete(new IOException($"channel closed: {e.ReplyText}"));
            return Task.CompletedTask;
        };
        consumer.UnregisteredAsync += (_, _) =>
        {
            deliveries.Writer.TryComplete(new IOException("the broker cancelled the consumer (stream deleted?)"));
            return Task.CompletedTask;
        };
        object start = archive.NextOffset is { } next ? next : "first";
        await channel.BasicConsumeAsync(Queues.LevelsStream, autoAck: false, consumerTag: string.Empty,
            noLocal: false, exclusive: false, new Dictionary<string, object?> { [OffsetArgument] = start }, consumer,
            cancellationToken);
        logger.LogInformation("Reading {Stream} from offset {Offset}", Queues.LevelsStream, start);

        while (await deliveries.Reader.WaitToReadAsync(cancellationToken))
        {
            ulong lastTag = 0;
            long? end = null;
            var rows = 0;
            for (var count = 0; count < _options.Prefetch && deliveries.Reader.TryRead(out var delivery); count++)
            {
                lastTag = delivery.Tag;
                if (delivery.Offset is not { } offset)
                {
                    throw new InvalidOperationException(
                        $"A delivery from {Queues.LevelsStream} without {OffsetArgument}: is it not a stream?");
                }
                var expected = end ?? archive.NextOffset ?? offset;
                // The broker reads a stream in chunks of messages. Should it send offsets from the start of the chunk
                // that holds the requested one (RabbitMQ filters them itself today), they are archived already.
                if (offset < expected)
                {
                    continue;
                }
                if (offset > expected)
                {
                    logger.LogWarning("Offsets {From} to {To} were not delivered: did retention remove them before " +
                        "they were archived?", expected, offset - 1);
                }
                rows += Archive(archive, delivery);
                end = offset + 1;
            }
            if (end is { } nextOffset)
            {
                archive.Commit(nextOffset);
                logger.LogDebug("Archived {Rows} window(s); next offset {Offset}", rows, nextOffset);
            }
            // After the commit: on a stream the ack only grants credit, and the position is ours, not the broker's.
            await channel.BasicAckAsync(lastTag, multiple: true, cancellationToken);
        }
    }

    // Only window levels become rows (a partition's NoiseLevelsMeasured, or an older Processing's single window);
    // threshold events share the stream and are passed over (their offsets count). So are messages that reached the
    // stream other than through nop.noise: History's replayed dead letters come back through its retry exchange,
    // copies of windows that are in the stream (and so in the files) already. The rows added.
    private int Archive(CsvArchive archive, Delivery delivery)
    {
        if (delivery.Exchange != Exchanges.Noise)
        {
            return 0;
        }
        try
        {
            var rows = 0;
            foreach (var level in Levels(delivery))
            {
                if (level is not null)
                {
                    archive.Add(level);
                    rows++;
                }
            }
            return rows;
        }
        catch (JsonException ex)
        {
            logger.LogWarning("Offset {Offset} is not a readable {Type}: {Error}; skipped", delivery.Offset,
                delivery.Type, ex.Message);
        }
        return 0;
    }

    private static IEnumerable<NoiseLevelMeasured?> Levels(Delivery delivery)
    {
        if (delivery.Type == NoiseLevelsMeasured.MessageType)
        {
            return JsonSerializer.Deserialize(delivery.Body, MessageTypes.JsonInfo<NoiseLevelsMeasured>())?.Windows
                ?? [];
        }
        return delivery.Type == NoiseLevelMeasured.MessageType
            ? [JsonSerializer.Deserialize(delivery.Body, MessageTypes.JsonInfo<NoiseLevelMeasured>())]
            : [];
    }

    // Every delivery from a stream carries its offset in this header (a signed 64-bit integer).
    private static long? OffsetOf(IDictionary<string, object?>? headers) =>
        headers?.TryGetValue(OffsetArgument, out var value) == true ? value switch
        {
            long l => l,
            int i => i,
            _ => null,
        } : null;

    private sealed record Delivery(ulong Tag, long? Offset, string Exchange, string? Type, byte[] Body);
}
