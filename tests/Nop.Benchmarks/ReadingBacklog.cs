using Nop.Contracts;
using RabbitMQ.Client;

namespace Nop.Benchmarks;

/// <summary>Readings a queue sample found waiting.</summary>
public sealed record BacklogSample(double At, long Accepted, long Classifier, long Aggregator);

/// <summary>
/// Readings waiting in the classifier's queue and in the aggregator partitions: messages ready (exact and immediate
/// over AMQP, unlike the management statistics) times the readings a message carries (one for an Ingest that
/// publishes a message per reading, a packet's for one that publishes per request and sensor).
/// </summary>
public sealed class ReadingBacklog(IChannel monitor, int partitions, double readingsPerMessage)
{
    public double ReadingsPerMessage => readingsPerMessage;

    public async Task<BacklogSample> SampleAsync(LoadGenerator load, double at)
    {
        var accepted = load.Accepted;
        var classifier = (await monitor.QueueDeclarePassiveAsync(Queues.ProcessingClassifier)).MessageCount;
        long aggregator = 0;
        for (var i = 0; i < partitions; i++)
        {
            aggregator += (await monitor.QueueDeclarePassiveAsync(Queues.AggregatorPartition(i))).MessageCount;
        }
        return new BacklogSample(at, accepted, (long)(classifier * readingsPerMessage),
            (long)(aggregator * readingsPerMessage));
    }
}
