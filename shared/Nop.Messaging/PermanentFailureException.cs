namespace Nop.Messaging;

/// <summary>
/// Thrown by a handler when retrying cannot help (a webhook answered 400, a mail server refused the recipient): the
/// delivery is parked in the queue's <c>.dead</c> queue at once, with reason <c>rejected</c> and this exception's
/// message, instead of waiting out the retry delays.
/// </summary>
public sealed class PermanentFailureException(string message, Exception? inner = null) : Exception(message, inner);
