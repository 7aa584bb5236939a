using System.Globalization;
using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Ingest.Readings;

// Ids that make a re-posted reading, and a re-posted request, recognisable downstream.
public static class ReadingIds
{
    // The id of a reading posted without one: its measuredAt as a UTC instant in one fixed form
    // (2026-11-23T10:15:30.0000000Z), so 10:15:30Z and 11:15:30.000+01:00 get the same id. A
    // sensor measures one level per instant, so a re-post of the reading after a 503 or a time-out carries the same id
    // and is counted once.
    public static string FromMeasuredAt(DateTimeOffset measuredAt) =>
        measuredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    // The message id of the ReadingBatchReceived of sensorId with these reading
    // ids, in order: the DeterministicId of the message type, sensor and reading ids. A request posted
    // twice becomes messages with the same ids, which the consumers' inboxes drop the second time.
    public static string MessageId(string sensorId, IEnumerable<string> readingIds) =>
        DeterministicId.For([ReadingBatchReceived.MessageType, sensorId, .. readingIds]);
}
