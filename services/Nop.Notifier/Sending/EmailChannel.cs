using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Nop.Notifier.Subscriptions;

namespace Nop.Notifier.Sending;

// Sends the notification as a plain-text e-mail over SMTP (MailKit). Its Message-ID is the delivery id, the same on
// every attempt, so a mailbox or a mail client can recognise a repeat.
public sealed class EmailChannel(IOptions<NotifierOptions> options)
{
    public async Task SendAsync(SubscriptionOptions subscription, Notification notification,
        CancellationToken cancellationToken)
    {
        var smtp = options.Value.Smtp;
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(subscription.Email!));
        message.Subject = notification.Subject;
        message.MessageId = $"{notification.DeliveryId}@nop.notifier";
        message.Headers.Add("X-Nop-Delivery-Id", notification.DeliveryId.ToString());
        message.Body = new TextPart("plain") { Text = notification.Text };

        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        try
        {
            await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.User))
                await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
            await client.SendAsync(message, cancellationToken);
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500
            && ex.ErrorCode is SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.SenderNotAccepted)
        {
            throw new DeliveryRejectedException(
                $"The mail server refused {ex.Mailbox?.Address ?? "the message"}: {(int)ex.StatusCode} {ex.Message}",
                ex);
        }
        catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException
            or AuthenticationException or SslHandshakeException or SocketException or IOException
            or TimeoutException)
        {
            throw new DeliveryFailedException($"The mail server ({smtp.Host}:{smtp.Port}) failed: {ex.Message}", ex);
        }
        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (Exception ex) when (ex is SmtpProtocolException or IOException or SocketException)
        {
            // The message was accepted already; a failed QUIT does not undo that.
        }
    }
}
