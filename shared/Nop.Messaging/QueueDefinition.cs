namespace Nop.Messaging;

/// <summary>A binding of a queue to an exchange.</summary>
public sealed record QueueBinding(string Exchange, string RoutingKey);

/// <summary>A durable work queue: a quorum queue with a delivery limit, its <c>.retry.N</c> and <c>.dead</c> queues,
/// and its bindings. <see cref="Topology"/> declares it.</summary>
/// <param name="Name">The work queue's name (see <see cref="Nop.Contracts.Queues"/>).</param>
/// <param name="Bindings">The exchanges and routing keys its messages come from.</param>
/// <param name="SingleActiveConsumer">Whether the broker delivers to one consumer at a time while the others wait:
/// one instance then handles the queue in order, and another takes over when it stops.</param>
/// <param name="StaleBindings">Bindings an earlier configuration may have left on the queue, removed when it is
/// declared (unbinding one that does not exist is no error).</param>
public sealed record QueueDefinition(
    string Name, IReadOnlyList<QueueBinding> Bindings, bool SingleActiveConsumer = false,
    IReadOnlyList<QueueBinding>? StaleBindings = null);
