using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Nop.Notifier.Subscriptions;

namespace Nop.Notifier.Sending;

// POSTs the notification's JSON to the subscription's URL, signed with its secret
// (X-Nop-Signature: sha256=<lower-case hex HMAC-SHA256 of the exact body bytes>) and carrying the delivery id as
// Idempotency-Key, the same on every attempt, so a receiver can drop a repeat. Redirects are not followed.
public sealed class WebhookChannel(HttpClient http, IOptions<NotifierOptions> options)
{
    public const string SignatureHeader = "X-Nop-Signature";
    public const string IdempotencyHeader = "Idempotency-Key";

    public async Task SendAsync(SubscriptionOptions subscription, Notification notification,
        CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(notification.Payload,
            NotifierJsonContext.Default.WebhookPayload);
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Url);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Sign(subscription.Secret!, body));
        request.Headers.Add(IdempotencyHeader, notification.DeliveryId.ToString());

        var timeout = options.Value.Webhook.Timeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DeliveryFailedException($"The webhook did not answer within {timeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException ex)
        {
            throw new DeliveryFailedException($"The webhook could not be reached: {ex.Message}", ex);
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
                return;
            var what = $"The webhook answered {status} {response.ReasonPhrase}.";
            // 408 and 429 say "later"; any other 4xx (and a redirect) says the request itself is wrong.
            if (status is >= 300 and < 500 and not 408 and not 429)
                throw new DeliveryRejectedException(what);
            throw new DeliveryFailedException(what);
        }
    }

    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
