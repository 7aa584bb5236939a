using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Nop.Testing;

namespace Nop.Benchmarks;

/// <summary>
/// Posts what sensors send, as the sensors of <c>deploy/sensors.bench.json</c> (500 sensors, key
/// <c>dev-key-&lt;id&gt;</c>): one packet per request, a sensor-minute of <see cref="PacketReadings"/> one-second
/// readings (client reading ids, <c>durationSeconds: 1</c>, consecutive <c>measuredAt</c> seconds at the end of each
/// second), levels 30–40 dB(A) so no threshold, spike or stuck rule fires. Sensors take turns, and each sensor's
/// packets follow each other in event time, so its windows fill and close in order. A 429 or 503 is retried with the
/// same body after a short pause, as the simulator does. Counts readings, not requests.
/// </summary>
/// <remarks>
/// 500 sensors can only carry tens of thousands of readings/s if their event time runs faster than the wall clock
/// (50,000/s is 100 sensor-seconds per second each). It starts two minutes ahead of the wall clock and stays ahead,
/// and a sensor silent for a while (between phases) skips the minutes it was silent, as a real one leaves a gap: so
/// an idle timer that advances a silent sensor's watermark (by the wall clock, or by the silence) never makes its next
/// packet late. The endpoint must accept readings that far in the future (Ingest: <c>Ingest:MaxClockSkew</c>, see
/// <see cref="MaxLead"/>).
/// </remarks>
public sealed class LoadGenerator : IDisposable
{
    /// <summary>One sensor-minute of one-second levels: what a sensor posts once a minute.</summary>
    public const int PacketReadings = 60;

    /// <summary>How far ahead of the wall clock event time may run: far beyond any run (a full run at 500,000
    /// readings/s puts 500 sensors under 4 days ahead).</summary>
    public static readonly TimeSpan MaxLead = TimeSpan.FromDays(30);

    private readonly HttpClient _http;
    private readonly IReadOnlyList<string> _sensors;
    private readonly string _run;
    private readonly DateTimeOffset _start;
    private readonly long[] _minutes;
    private readonly long[] _lastPostAt;
    private readonly Lock _cursors = new();
    private long _next;
    private long _accepted;
    private long _retries;
    private long _failures;

    public LoadGenerator(Uri endpoint, IReadOnlyList<string> sensors, string run)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 256,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        })
        {
            BaseAddress = endpoint,
            Timeout = TimeSpan.FromSeconds(30),
        };
        _sensors = sensors;
        _run = run;
        var now = DateTimeOffset.UtcNow;
        _start = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(2);
        _minutes = new long[sensors.Count];
        _lastPostAt = new long[sensors.Count];
    }

    /// <summary>Readings answered 202.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    public long Retries => Interlocked.Read(ref _retries);

    public long Failures => Interlocked.Read(ref _failures);

    public static IReadOnlyList<string> BenchSensors()
    {
        using var catalogue = JsonDocument.Parse(File.ReadAllText(CataloguePath));
        return catalogue.RootElement.GetProperty("sensors").EnumerateArray()
            .Select(s => s.GetProperty("id").GetString()!).ToArray();
    }

    public static string CataloguePath => Path.Combine(Repository.Root, "deploy", "sensors.bench.json");

    /// <summary>Posts packets back to back from <paramref name="senders"/> concurrent senders until
    /// <paramref name="stop"/> fires.</summary>
    public async Task RunFlatOutAsync(int senders, CancellationToken stop)
    {
        await Task.WhenAll(Enumerable.Range(0, senders).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                await PostPacketAsync();
            }
        }));
    }

    /// <summary>Posts packets at <paramref name="readingsPerSecond"/> (open loop: a slow answer does not slow the
    /// offer).</summary>
    public async Task RunPacedAsync(double readingsPerSecond, CancellationToken stop)
    {
        var interval = PacketReadings / readingsPerSecond;
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
            inFlight.Add(PostPacketAsync());
        }
        await Task.WhenAll(inFlight);
    }

    /// <summary>The next packet of the next sensor in turn (or of <paramref name="sensorId"/>); returns once it was
    /// accepted.</summary>
    public Task PostPacketAsync(string? sensorId = null)
    {
        var index = sensorId is null ? (int)(Interlocked.Increment(ref _next) % _sensors.Count) : IndexOf(sensorId);
        var sensor = _sensors[index];
        var from = _start.AddMinutes(NextMinute(index));
        var readings = new Reading[PacketReadings];
        for (var i = 0; i < PacketReadings; i++)
        {
            var laeq = 30 + Random.Shared.Next(0, 100) / 10.0;
            var id = string.Create(CultureInfo.InvariantCulture, $"{_run}-{index}-{from.ToUnixTimeSeconds() + i}");
            readings[i] = new Reading(id, from.AddSeconds(i + 1), laeq, laeq + 5, 1);
        }
        return PostAsync(sensor, Body(sensor, readings), PacketReadings, CancellationToken.None);
    }

    /// <summary>One reading of <paramref name="sensorId"/> measured now (by the wall clock); returns when it was
    /// accepted.</summary>
    public Task PostOneAsync(string sensorId, string readingId, double laeq, double lamax,
        CancellationToken cancellationToken)
    {
        var body = Body(sensorId, [new Reading(readingId, DateTimeOffset.UtcNow, laeq, lamax, null)]);
        return PostAsync(sensorId, body, 1, cancellationToken);
    }

    /// <summary>One reading (<see cref="PostOneAsync"/>) of each sensor in turn, an interval apart, with the id
    /// <paramref name="idPrefix"/>-N; <paramref name="posting"/> is told the sensor and reading id just before each
    /// POST (to time it). Returns once every one was accepted.</summary>
    public async Task PostOneEachAsync(IEnumerable<string> sensors, string idPrefix, double laeq, double lamax,
        TimeSpan interval, Action<string, string> posting)
    {
        var posts = new List<Task>();
        var i = 0;
        foreach (var sensor in sensors)
        {
            var readingId = $"{idPrefix}-{i++}";
            posting(sensor, readingId);
            posts.Add(PostOneAsync(sensor, readingId, laeq, lamax, CancellationToken.None));
            await Task.Delay(interval);
        }
        await Task.WhenAll(posts);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The event-time minute of sensor <paramref name="index"/>'s next packet.</summary>
    private long NextMinute(int index)
    {
        var now = Stopwatch.GetTimestamp();
        lock (_cursors)
        {
            if (_lastPostAt[index] != 0)
            {
                _minutes[index] += (long)Stopwatch.GetElapsedTime(_lastPostAt[index], now).TotalMinutes;
            }
            _lastPostAt[index] = now;
            return _minutes[index]++;
        }
    }

    private int IndexOf(string sensorId)
    {
        for (var i = 0; i < _sensors.Count; i++)
        {
            if (_sensors[i] == sensorId)
            {
                return i;
            }
        }
        throw new ArgumentException($"{sensorId} is not a bench sensor.", nameof(sensorId));
    }

    private async Task PostAsync(string sensorId, byte[] body, int count, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/readings")
            {
                Content = new ByteArrayContent(body),
            };
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
                    var problem = await response.Content.ReadAsStringAsync(cancellationToken);
                    Console.WriteLine($"      unexpected {(int)response.StatusCode}: {problem}");
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

    private static byte[] Body(string sensorId, IReadOnlyList<Reading> readings)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("readings");
            foreach (var reading in readings)
            {
                json.WriteStartObject();
                json.WriteString("sensorId", sensorId);
                json.WriteString("readingId", reading.Id);
                json.WriteString("measuredAt", reading.MeasuredAt.ToString(reading.DurationSeconds is null
                    ? "yyyy-MM-dd'T'HH:mm:ss.fff'Z'" : "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                json.WriteNumber("laeq", reading.Laeq);
                json.WriteNumber("lamax", reading.Lamax);
                if (reading.DurationSeconds is { } duration)
                {
                    json.WriteNumber("durationSeconds", duration);
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private sealed record Reading(string Id, DateTimeOffset MeasuredAt, double Laeq, double Lamax,
        double? DurationSeconds);
}
