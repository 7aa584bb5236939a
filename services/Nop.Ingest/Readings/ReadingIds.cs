using System.Globalization;
using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Ingest.Readings;

/// <summary>Ids that make a re-posted reading, and a re-posted request, recognisable downstream.</summary>
public static class ReadingIds
{
    /// <summary>
    /// The id of a reading posted without one: its <paramref name="measuredAt"/> as a UTC instant in one fixed form
    /// (<c>2026-11-23T10:15:30.0000000Z</c>), so <c>10:15:30Z</c> and <c>11:15:30.000+01:00</c> get the same id. A
    /// sensor measures one level per instant, so a re-post of the reading after a 503 or a time-out carries the same id
    /// and is counted once.
    /// </summary>
    public static string FromMeasuredAt(DateTimeOffset measuredAt) =>
        measuredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The message id of the <see cref="ReadingBatchReceived"/> of <paramref name="sensorId"/> with these reading
    /// ids, in order: the <see cref="DeterministicId"/> of the message type, sensor and reading ids. A request posted
    /// twice becomes messages with the same ids, which the consumers' inboxes drop the second time.
    /// </summary>
    public static string MessageId(string sensorId, IEnumerable<string> readingIds) =>
        DeterministicId.For([ReadingBatchReceived.MessageType, sensorId, .. readingIds]);
}
