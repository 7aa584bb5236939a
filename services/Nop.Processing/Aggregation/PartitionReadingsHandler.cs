using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Processing.Aggregation;

// Consumes a partition queue (processing.aggregator.pN): hands each batch to its partition, which defers the
// ack to its checkpoint. Single readings of the previous Ingest are taken as batches of one for one release.
public sealed class PartitionReadingsHandler(PartitionRegistry partitions)
    : IMessageHandler<ReadingBatchReceived>, IMessageHandler<ReadingReceived>
{
    public Task HandleAsync(ReadingBatchReceived message, MessageContext context,
        CancellationToken cancellationToken) =>
        partitions.ForQueue(context.Queue).HandleAsync(message, context, cancellationToken);

    public Task HandleAsync(ReadingReceived message, MessageContext context, CancellationToken cancellationToken) =>
        HandleAsync(ReadingBatchReceived.From(message), context, cancellationToken);
}
