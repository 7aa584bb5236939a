namespace Nop.Notifier.Sending;

// The recipient could not be reached or failed (connection refused, time-out, SMTP 4xx, webhook 5xx): retried.
public sealed class DeliveryFailedException(string message, Exception? inner = null) : Exception(message, inner);

// The recipient refused it for good (webhook 4xx other than 408 and 429, SMTP 5xx for the sender or recipient):
// retrying cannot help.
public sealed class DeliveryRejectedException(string message, Exception? inner = null) : Exception(message, inner);

// Another handling holds the delivery (a second copy of its message): wait for it, through a retry.
public sealed class DeliveryBusyException(Guid deliveryId, DateTimeOffset until)
    : Exception($"Delivery {deliveryId} is being sent by another handler (claimed until {until:O}).");
