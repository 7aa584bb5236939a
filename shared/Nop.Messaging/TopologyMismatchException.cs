namespace Nop.Messaging;

/// <summary>
/// A durable queue exists with arguments other than the ones this version declares, typically left by an older version
/// on a developer's broker (queue arguments cannot change once a queue exists; the broker answers PRECONDITION_FAILED).
/// </summary>
public sealed class TopologyMismatchException(string queue, string brokerReply, Exception inner) : Exception(
    $"Queue '{queue}' already exists with other arguments than this version declares " +
    $"(the broker said: {brokerReply}). " +
    $"Let its consumers drain it, then delete it so it is declared anew: rabbitmqctl delete_queue -p <vhost> {queue} " +
    "(or delete the virtual host on a throw-away broker). " +
    "Where the queues are provisioned from deploy/rabbitmq/definitions.json, " +
    "delete and re-import them the same way.", inner)
{
    /// <summary>The queue whose arguments differ.</summary>
    public string Queue { get; } = queue;
}
