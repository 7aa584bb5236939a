using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Nop.Notifier.Tests.Support;

/// <summary>
/// A real HTTP receiver of webhooks in the test process (Kestrel on 127.0.0.1 and a free port), behaving as a careful
/// receiver does: it verifies <c>X-Nop-Signature</c> with its own copy of the secret (401 when it does not match),
/// acts on each <c>Idempotency-Key</c> once and answers a repeat 200 without acting again. Each hook
/// (<c>/hooks/{name}</c>) can be told to answer 500, 400, 429…, or to hold its response until released.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Hook> _hooks = new(StringComparer.Ordinal);

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        receiver._app.MapPost("/hooks/{name}",
            (string name, HttpRequest request) => receiver.ReceiveAsync(name, request));
        await receiver._app.StartAsync();
        receiver.BaseAddress = new Uri(receiver._app.Urls.Single());
        return receiver;
    }

    /// <summary>A hook on this receiver that expects requests signed with <paramref name="secret"/>.</summary>
    public Hook Add(string name, string secret) =>
        _hooks[name] = new Hook(name, secret, new Uri(BaseAddress, $"/hooks/{name}"));

    public Hook this[string name] => _hooks[name];

    public async ValueTask DisposeAsync()
    {
        foreach (var hook in _hooks.Values)
            hook.Release();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }

    private async Task<IResult> ReceiveAsync(string name, HttpRequest request)
    {
        if (!_hooks.TryGetValue(name, out var hook))
            return Results.NotFound();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var key = request.Headers["Idempotency-Key"].ToString();
        var signed = Verify(hook.Secret, body, request.Headers["X-Nop-Signature"].ToString());
        var answer = hook.NextAnswer();
        // Acted on: a signed request answered 2xx whose key was not seen before; a repeat is answered but dropped.
        var repeat = signed && answer < 300 && !hook.Act(key);
        var received = new WebhookRequest(key, Encoding.UTF8.GetString(body), signed, repeat,
            signed ? answer : StatusCodes.Status401Unauthorized);
        var held = hook.Record(received, holdable: signed);
        if (!signed)
            return Results.Problem("X-Nop-Signature does not match.", statusCode: StatusCodes.Status401Unauthorized);
        await held;
        return Results.StatusCode(answer);
    }

    /// <summary>As a receiver checks a request: HMAC-SHA256 of the exact body with its secret, compared in constant
    /// time with the header's <c>sha256=&lt;hex&gt;</c>.</summary>
    public static bool Verify(string secret, byte[] body, string header)
    {
        const string Prefix = "sha256=";
        if (!header.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        byte[] given;
        try
        {
            given = Convert.FromHexString(header[Prefix.Length..]);
        }
        catch (FormatException)
        {
            return false;
        }
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body);
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }
}

/// <summary>One webhook endpoint of a <see cref="WebhookReceiver"/>, with what it was sent and how it answers.
/// </summary>
public sealed class Hook(string name, string secret, Uri url)
{
    private readonly ConcurrentQueue<int> _answers = new();
    private readonly ConcurrentQueue<WebhookRequest> _requests = new();
    private readonly ConcurrentDictionary<string, bool> _acted = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private TaskCompletionSource? _hold;
    private int _held;

    public string Name { get; } = name;
    public string Secret { get; } = secret;
    public Uri Url { get; } = url;

    /// <summary>Every request, in arrival order.</summary>
    public IReadOnlyCollection<WebhookRequest> Requests => _requests;

    /// <summary>Requests whose answer is being held right now.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>The next requests get these status codes, one each; then 200.</summary>
    public void Answer(params int[] statusCodes)
    {
        foreach (var code in statusCodes)
            _answers.Enqueue(code);
    }

    /// <summary>From now on every request is recorded (and acted on) but not answered until <see cref="Release"/>.
    /// </summary>
    public void Hold()
    {
        lock (_lock)
            _hold ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Answers the held requests and stops holding.</summary>
    public void Release()
    {
        lock (_lock)
        {
            _hold?.TrySetResult();
            _hold = null;
        }
    }

    /// <summary>The requests whose JSON has this stage.</summary>
    public IReadOnlyList<WebhookRequest> OfStage(string stage) =>
        _requests.Where(r => r.Json?["stage"]?.GetValue<string>() == stage).ToList();

    internal int NextAnswer() => _answers.TryDequeue(out var code) ? code : StatusCodes.Status200OK;

    internal bool Act(string key) => _acted.TryAdd(key, true);

    internal async Task Record(WebhookRequest request, bool holdable)
    {
        Task? hold;
        lock (_lock)
        {
            _requests.Enqueue(request);
            hold = holdable ? _hold?.Task : null;
            if (hold is not null)
                Interlocked.Increment(ref _held);
        }
        if (hold is null)
            return;
        try
        {
            await hold;
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }
    }
}

/// <summary>A request a hook received: its key, body, whether its signature matched, whether it repeated a key the
/// hook had acted on (and was dropped), and the status it was answered with.</summary>
public sealed record WebhookRequest(string IdempotencyKey, string Body, bool SignatureValid, bool Repeat, int Status)
{
    public JsonNode? Json { get; } = JsonNode.Parse(Body);
}
