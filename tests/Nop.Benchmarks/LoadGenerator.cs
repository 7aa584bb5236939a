using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Nop.Testing;

namespace Nop.Benchmarks;

/// <summary>
/// Batched HTTP posts to Ingest as sensors of <c>deploy/sensors.bench.json</c> (500 sensors, key <c>dev-key-&lt;id&gt;</c>):
/// each batch is one sensor's readings (a key only owns its sensor), levels 30–40 dB(A) so no threshold, spike or
/// stuck rule fires. A 429 or 503 is retried with the same body after a short pause, as the simulator does.
/// </summary>
public sealed class LoadGenerator(Uri ingest, IReadOnlyList<string> sensors, string run) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 256, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = ingest,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private long _next;
    private long _accepted;
    private long _retries;
    private long _failures;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Retries => Interlocked.Read(ref _retries);

    public long Failures => Interlocked.Read(ref _failures);

    public static IReadOnlyList<string> BenchSensors()
    {
        using var catalogue = JsonDocument.Parse(File.ReadAllText(CataloguePath));
        return catalogue.RootElement.GetProperty("sensors").EnumerateArray().Select(s => s.GetProperty("id").GetString()!).ToArray();
    }

    public static string CataloguePath => Path.Combine(Repository.Root, "deploy", "sensors.bench.json");

    /// <summary>Posts batches back to back until <paramref name="stop"/> fires.</summary>
    public async Task RunFlatOutAsync(int senders, int batchSize, CancellationToken stop)
    {
        await Task.WhenAll(Enumerable.Range(0, senders).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                await PostBatchAsync(batchSize, CancellationToken.None);
            }
        }));
    }

    /// <summary>Posts batches at <paramref name="readingsPerSecond"/> (open loop: a slow answer does not slow the offer).</summary>
    public async Task RunPacedAsync(double readingsPerSecond, int batchSize, CancellationToken stop)
    {
        var interval = batchSize / readingsPerSecond;
        var started = Stopwatch.GetTimestamp();
        var inFlight = new List<Task>();
        for (long n = 0; !stop.IsCancellationRequested; n++)
        {
            var due = n * interval - Stopwatch.GetElapsedTime(started).TotalSeconds;
            if (due > 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(due), stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
            inFlight.RemoveAll(t => t.IsCompleted);
            inFlight.Add(PostBatchAsync(batchSize, CancellationToken.None));
        }
        await Task.WhenAll(inFlight);
    }

    /// <summary>One reading of <paramref name="sensorId"/>; returns when Ingest answered 202.</summary>
    public Task PostOneAsync(string sensorId, string readingId, double laeq, double lamax, CancellationToken cancellationToken) =>
        PostAsync(sensorId, Body([(readingId, DateTimeOffset.UtcNow, laeq, lamax)], sensorId), 1, cancellationToken);

    public void Dispose() => _http.Dispose();

    private Task PostBatchAsync(int batchSize, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _next);
        var sensor = sensors[(int)(n % sensors.Count)];
        var now = DateTimeOffset.UtcNow;
        var readings = new (string, DateTimeOffset, double, double)[batchSize];
        for (var i = 0; i < batchSize; i++)
        {
            var laeq = 30 + Random.Shared.Next(0, 100) / 10.0;
            readings[i] = ($"{run}-{n}-{i}", now.AddMilliseconds(-10 * (batchSize - i)), laeq, laeq + 5);
        }
        return PostAsync(sensor, Body(readings, sensor), batchSize, cancellationToken);
    }

    private async Task PostAsync(string sensorId, byte[] body, int count, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/readings") { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Add("X-Api-Key", "dev-key-" + sensorId);
            try
            {
                using var response = await _http.SendAsync(request, cancellationToken);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    Interlocked.Add(ref _accepted, count);
                    return;
                }
                if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable))
                {
                    Interlocked.Increment(ref _failures);
                    Console.WriteLine($"      unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Counted as a retry below.
            }
            Interlocked.Increment(ref _retries);
            await Task.Delay(100, cancellationToken);
        }
        Interlocked.Increment(ref _failures);
    }

    private static byte[] Body(IReadOnlyList<(string Id, DateTimeOffset At, double Laeq, double Lamax)> readings, string sensorId)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("readings");
            foreach (var (id, at, laeq, lamax) in readings)
            {
                json.WriteStartObject();
                json.WriteString("sensorId", sensorId);
                json.WriteString("readingId", id);
                json.WriteString("measuredAt", at.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
                json.WriteNumber("laeq", laeq);
                json.WriteNumber("lamax", lamax);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
