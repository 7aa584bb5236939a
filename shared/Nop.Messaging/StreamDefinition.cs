using System.Globalization;
using RabbitMQ.Client;

namespace Nop.Messaging;

/// <summary>
/// A RabbitMQ stream (a queue of type <c>stream</c>): an append-only log that keeps its messages after they were read,
/// until its retention discards them, so any reader can start at any offset it still holds. <see cref="Topology"/>
/// declares it with its retention arguments and binds it.
/// </summary>
/// <param name="Name">The stream's name (see <see cref="Nop.Contracts.Queues"/>).</param>
/// <param name="Bindings">The exchanges and routing keys whose messages it appends.</param>
/// <param name="Retention">How long and how much it keeps.</param>
public sealed record StreamDefinition(string Name, IReadOnlyList<QueueBinding> Bindings, StreamRetention Retention);

/// <summary>
/// A stream's retention: the broker discards whole segment files, oldest first, once they are older than
/// <see cref="MaxAge"/> or the stream is larger than <see cref="MaxLengthBytes"/>; it looks when a segment fills up,
/// so a stream holds up to one segment (<see cref="MaxSegmentSizeBytes"/>) beyond either limit
/// (https://www.rabbitmq.com/docs/streams#retention).
/// </summary>
public sealed record StreamRetention
{
    /// <summary>Messages older than this go (<c>x-max-age</c>); whole seconds, at least one.</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromDays(35);

    /// <summary>The stream's size bound (<c>x-max-length-bytes</c>).</summary>
    public long MaxLengthBytes { get; init; } = 20_000_000_000;

    /// <summary>The size of a segment file (<c>x-stream-max-segment-size-bytes</c>): the unit retention discards.
    /// </summary>
    public int MaxSegmentSizeBytes { get; init; } = 500_000_000;

    /// <summary><see cref="MaxAge"/> as the broker reads it: a number and one unit of D, h, m or s, the largest that
    /// states it exactly (35 days is <c>35D</c>), so the value reads the same in the management UI and
    /// definitions.json.</summary>
    public string MaxAgeArgument
    {
        get
        {
            var seconds = (long)MaxAge.TotalSeconds;
            var (value, unit) = seconds % 86_400 == 0 ? (seconds / 86_400, "D")
                : seconds % 3_600 == 0 ? (seconds / 3_600, "h")
                : seconds % 60 == 0 ? (seconds / 60, "m")
                : (seconds, "s");
            return value.ToString(CultureInfo.InvariantCulture) + unit;
        }
    }

    /// <summary>The declaration arguments of a stream with this retention.</summary>
    public Dictionary<string, object?> Arguments() => new()
    {
        ["x-queue-type"] = "stream",
        ["x-max-age"] = MaxAgeArgument,
        ["x-max-length-bytes"] = MaxLengthBytes,
        ["x-stream-max-segment-size-bytes"] = MaxSegmentSizeBytes,
    };
}

/// <summary>Where a stream reader starts: the consumer argument <c>x-stream-offset</c>.</summary>
public readonly record struct StreamOffset
{
    private StreamOffset(string? named, long? offset, DateTimeOffset? timestamp) =>
        (Named, Offset, Timestamp) = (named, offset, timestamp);

    /// <summary>"first", "last" or "next", or null.</summary>
    public string? Named { get; }

    /// <summary>A numeric offset, or null.</summary>
    public long? Offset { get; }

    /// <summary>A point in time (the stream starts at the first chunk written at or after it), or null.</summary>
    public DateTimeOffset? Timestamp { get; }

    /// <summary>The oldest message the stream still holds.</summary>
    public static StreamOffset First { get; } = new("first", null, null);

    /// <summary>Only messages appended after the reader subscribed.</summary>
    public static StreamOffset Next { get; } = new("next", null, null);

    /// <summary>The message at <paramref name="offset"/> (or the first the stream holds, when retention discarded
    /// it).</summary>
    public static StreamOffset At(long offset) => new(null, offset, null);

    /// <summary>The messages appended at or after <paramref name="timestamp"/> (second precision).</summary>
    public static StreamOffset From(DateTimeOffset timestamp) => new(null, null, timestamp);

    /// <summary>The value of the <c>x-stream-offset</c> consumer argument.</summary>
    public object Argument => Offset is { } offset ? offset
        : Timestamp is { } at ? new AmqpTimestamp(at.ToUnixTimeSeconds())
        : Named ?? "next";

    /// <inheritdoc />
    public override string ToString() => Offset is { } offset ? offset.ToString(CultureInfo.InvariantCulture)
        : Timestamp is { } at ? at.ToString("O", CultureInfo.InvariantCulture)
        : Named ?? "next";
}
