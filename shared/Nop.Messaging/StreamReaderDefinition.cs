namespace Nop.Messaging;

/// <summary>
/// A service's reader of a stream. A stream message cannot be requeued or dead-lettered by the broker, so a message
/// the reader cannot handle is parked by the reader itself in <c>&lt;Name&gt;.dead</c>, like a work queue's.
/// </summary>
/// <param name="Name">The reader's name, <c>&lt;service&gt;.&lt;what&gt;</c>: names its dead queue and the
/// service's retry and dead exchanges (see <see cref="Nop.Contracts.Exchanges.ServiceOf"/>).</param>
/// <param name="Stream">The stream it reads.</param>
public sealed record StreamReaderDefinition(string Name, StreamDefinition Stream);
