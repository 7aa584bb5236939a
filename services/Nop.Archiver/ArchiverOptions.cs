using System.ComponentModel.DataAnnotations;

namespace Nop.Archiver;

// The archiver's settings, bound from Archiver. Sources of the defaults: README.md ("Settings").
public sealed class ArchiverOptions
{
    public const string Section = "Archiver";

    // Where the CSV files and the position file go (relative paths: to the working directory).
    [Required]
    public string Directory { get; set; } = "archive";

    // Deliveries the broker may send before an ack. RabbitMQ requires a prefetch on a stream consumer; it is also the
    // largest batch, since a batch is what has arrived when the previous one is committed.
    [Range(1, 65_535)]
    public ushort Prefetch { get; set; } = 500;

    // Wait before connecting again after the broker went away or before the stream exists.
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}

// The broker, under the key every NOP service reads (RabbitMq__Uri in compose). Only these two keys: the archiver
// talks to RabbitMQ directly, without Nop.Messaging.
public sealed class BrokerOptions
{
    public const string Section = "RabbitMq";

    public Uri Uri { get; set; } = new("amqp://guest:guest@127.0.0.1:5672/");

    public string ClientName { get; set; } = "nop-archiver";
}
