using System.ComponentModel.DataAnnotations;
using MailKit.Security;

namespace Nop.Notifier.Sending;

// The mail server Notifier sends through (section Notifier:Smtp).
public sealed class SmtpOptions
{
    public string Host { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    // None, StartTls, SslOnConnect, or Auto (STARTTLS when the server offers it).
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTls;

    public string? User { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "NOP <nop@nop.local>";

    // Per command. MailKit's default; RFC 5321 §4.5.3.2 asks clients to wait up to 10 min for the reply to the end of
    // the data, since giving up early makes the server deliver and the client send again: a duplicate.
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);
}

// How webhooks are called (section Notifier:Webhook).
public sealed class WebhookOptions
{
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
