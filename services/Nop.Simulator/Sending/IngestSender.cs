using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Nop.Simulator.Generation;
using Nop.Simulator.Running;

namespace Nop.Simulator.Sending;

// The counters a run reports.
public sealed class Counters
{
    private long _sent, _accepted, _rejected, _unconfirmed, _throttled, _unavailable, _failedAttempts;

    // Readings handed to Ingest (each once, however often its request is retried).
    public long Sent => Interlocked.Read(ref _sent);
    public long Accepted => Interlocked.Read(ref _accepted);
    // Readings Ingest refused for good (4xx other than 429).
    public long Rejected => Interlocked.Read(ref _rejected);
    // Readings given up on when the run stopped before Ingest confirmed them.
    public long Unconfirmed => Interlocked.Read(ref _unconfirmed);
    // 429 answers.
    public long Throttled => Interlocked.Read(ref _throttled);
    // 503 answers.
    public long Unavailable => Interlocked.Read(ref _unavailable);
    // Attempts that got no answer or a 5xx other than 503.
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    internal void AddSent(int n) => Interlocked.Add(ref _sent, n);
    internal void AddAccepted(int n) => Interlocked.Add(ref _accepted, n);
    internal void AddRejected(int n) => Interlocked.Add(ref _rejected, n);
    internal void AddUnconfirmed(int n) => Interlocked.Add(ref _unconfirmed, n);
    internal void CountThrottled() => Interlocked.Increment(ref _throttled);
    internal void CountUnavailable() => Interlocked.Increment(ref _unavailable);
    internal void CountFailedAttempt() => Interlocked.Increment(ref _failedAttempts);
}

// Posts one sensor's batches until Ingest confirms them: 429 and 503 are retried after their Retry-After, no answer and
// other 5xx with back-off, each retry with the same body (same reading ids), so a retry is never counted twice
// downstream.
public sealed class IngestSender(HttpClient http, Uri baseAddress, SemaphoreSlim gate, Counters counters,
    TimeProvider time, TextWriter log)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private int _reportedRejections;

    // Posts batch; returns when it is accepted, refused, or abort fires.
    public async Task SendAsync(SimulatedSensor sensor, IReadOnlyList<SimulatedReading> batch, CancellationToken abort)
    {
        counters.AddSent(batch.Count);
        var body = JsonSerializer.SerializeToUtf8Bytes(new ReadingBatch(batch),
            SimulatorJsonContext.Default.ReadingBatch);
        var correlationId = Guid.CreateVersion7().ToString();
        var backoff = TimeSpan.FromMilliseconds(250);
        try
        {
            while (true)
            {
                TimeSpan wait;
                await gate.WaitAsync(abort);
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseAddress, "/api/readings"))
                    {
                        Content = new ByteArrayContent(body),
                    };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    request.Headers.Add("X-Api-Key", sensor.ApiKey);
                    request.Headers.Add("X-Correlation-Id", correlationId);
                    using var response = await http.SendAsync(request, abort);
                    switch (response.StatusCode)
                    {
                        case HttpStatusCode.Accepted:
                            var answer = await response.Content.ReadFromJsonAsync(
                                SimulatorJsonContext.Default.AcceptedAnswer, abort);
                            counters.AddAccepted(answer?.Accepted ?? batch.Count);
                            return;
                        case HttpStatusCode.TooManyRequests:
                            counters.CountThrottled();
                            wait = RetryAfter(response) ?? TimeSpan.FromSeconds(1);
                            break;
                        case HttpStatusCode.ServiceUnavailable:
                            counters.CountUnavailable();
                            wait = RetryAfter(response) ?? TimeSpan.FromSeconds(1);
                            break;
                        case >= HttpStatusCode.InternalServerError:
                            counters.CountFailedAttempt();
                            wait = NextBackoff(ref backoff);
                            break;
                        default:
                            counters.AddRejected(batch.Count);
                            await ReportRejectionAsync(sensor, response, abort);
                            return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Ingest not reachable (not started yet, restarting): keep the batch and try again.
                    counters.CountFailedAttempt();
                    wait = NextBackoff(ref backoff);
                }
                catch (TaskCanceledException) when (!abort.IsCancellationRequested)
                {
                    counters.CountFailedAttempt(); // HttpClient time-out
                    wait = NextBackoff(ref backoff);
                }
                finally
                {
                    gate.Release();
                }
                await Task.Delay(wait, time, abort);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            counters.AddUnconfirmed(batch.Count);
        }
    }

    private static TimeSpan NextBackoff(ref TimeSpan backoff)
    {
        var wait = backoff;
        backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        return wait;
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.Zero,
        _ => null,
    };

    private async Task ReportRejectionAsync(SimulatedSensor sensor, HttpResponseMessage response,
        CancellationToken cancellationToken)
    {
        // A few examples are enough to see what is wrong; the summary has the count.
        if (Interlocked.Increment(ref _reportedRejections) > 5)
        {
            return;
        }
        var problem = await response.Content.ReadAsStringAsync(cancellationToken);
        var shown = problem.Length > 500 ? problem[..500] + "..." : problem;
        await log.WriteLineAsync($"{sensor.Id}: {(int)response.StatusCode} {response.ReasonPhrase}: {shown}");
    }
}
