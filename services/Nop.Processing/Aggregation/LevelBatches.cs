using System.Globalization;
using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Processing.Aggregation;

// The windows a checkpoint closed go out as NoiseLevelsMeasured, at most MaxWindows each, instead of a message per
// window: with 1 s readings posted a minute at a time every packet closes a window, and a confirmed message per window
// cost the broker about a third of what the readings themselves cost (docs/benchmark.md, tenth round). Every other
// event stays a message of its own, keyed by its sensor.
public static class LevelBatches
{
    // A window with a full distribution is 1–2 KB of JSON: a message stays a few hundred KB at most.
    public const int MaxWindows = 200;

    // The outbox key of a partition's level messages: the relay publishes them one after another, so a sensor's
    // windows stay in event-time order across messages as they are within one.
    public static string Key(int partition) => "levels." + partition.ToString(CultureInfo.InvariantCulture);

    // The outputs with their windows combined, in a checkpoint's order: each level message where its first window
    // was. The message id is derived from the windows' own ids, so a message the relay sends again is recognised.
    public static IReadOnlyList<AggregatorOutput> Combine(int partition, IReadOnlyList<AggregatorOutput> outputs)
    {
        var combined = new List<AggregatorOutput>();
        var windows = new List<AggregatorOutput>();
        var slot = -1;
        foreach (var output in outputs)
        {
            if (output.Message is not NoiseLevelMeasured)
            {
                combined.Add(output);
                continue;
            }
            if (windows.Count == 0)
            {
                slot = combined.Count;
                combined.Add(output); // replaced below
            }
            windows.Add(output);
            if (windows.Count == MaxWindows)
            {
                combined[slot] = Message(partition, windows);
                windows.Clear();
            }
        }
        if (windows.Count > 0)
        {
            combined[slot] = Message(partition, windows);
        }
        return combined;
    }

    private static AggregatorOutput Message(int partition, List<AggregatorOutput> windows) =>
        new(Key(partition), RoutingKeys.Levels(partition),
            DeterministicId.For([NoiseLevelsMeasured.MessageType, .. windows.Select(w => w.MessageId)]),
            windows[0].CorrelationId,
            new NoiseLevelsMeasured(windows.ConvertAll(w => (NoiseLevelMeasured)w.Message)));
}
