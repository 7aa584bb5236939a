using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Nop.Faults.Tests;

/// <summary>
/// Sensors posting readings to Ingest the way a well-behaved client does, and the ledger of every reading that got a
/// 202. Each sensor has its own sender: a batch of readings with consecutive event times, posted until it is accepted
/// (a 503 or a lost connection is retried with the same reading ids, after Retry-After), so a sensor's readings reach
/// the broker in event-time order and a retry of a reading the broker already had is a duplicate with the same id.
/// </summary>
/// With several Ingest instances, each sensor posts to one of them (sensor i to instance i modulo their number).
public sealed class Ledger(IReadOnlyList<Uri> ingests, IReadOnlyList<string> sensors, DateTimeOffset eventTimeFrom,
    string runId) : IDisposable
{
    public const int BatchSize = 10;
    public static readonly TimeSpan ReadingInterval = TimeSpan.FromMilliseconds(50);

    private readonly HttpClient[] _http =
        [.. ingests.Select(i => new HttpClient { BaseAddress = i, Timeout = TimeSpan.FromSeconds(30) })];

    public Ledger(Uri ingest, IReadOnlyList<string> sensors, DateTimeOffset eventTimeFrom, string runId)
        : this([ingest], sensors, eventTimeFrom, runId)
    {
    }

    /// <summary>
    /// When positive, every this many readings of a sensor one is a spike (LAmax above the spike level).
    /// </summary>
    public int SpikeEvery { get; init; }
    private readonly ConcurrentDictionary<string, (string Sensor, DateTimeOffset MeasuredAt)> _accepted = new();
    private readonly ConcurrentQueue<string> _unexpected = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastEventTime = new();
    private int _unavailable;
    private int _connectionFailures;
    private int _acceptedSinceMark;
    private int _acceptedCount;

    /// <summary>Readings that got a 202, by reading id.</summary>
    public IReadOnlyDictionary<string, (string Sensor, DateTimeOffset MeasuredAt)> Accepted => _accepted;

    public int AcceptedCount => Volatile.Read(ref _acceptedCount);

    /// <summary>Readings accepted in requests started after <see cref="Mark"/>.</summary>
    public int AcceptedSinceMark => Volatile.Read(ref _acceptedSinceMark);

    /// <summary>503 answers (each retried).</summary>
    public int Unavailable => Volatile.Read(ref _unavailable);

    public int ConnectionFailures => Volatile.Read(ref _connectionFailures);

    /// <summary>Answers other than 202 and 503 (a 500, a 400...): none are expected.</summary>
    public IReadOnlyCollection<string> Unexpected => _unexpected;

    private long _markTicks = long.MaxValue;

    /// <summary>From now on, accepted readings also count towards <see cref="AcceptedSinceMark"/>.</summary>
    public void Mark() => Interlocked.Exchange(ref _markTicks, DateTime.UtcNow.Ticks);

    /// <summary>
    /// Posts batches from every sensor, each sender pausing <paramref name="pause"/> between batches, until stopped.
    /// </summary>
    public Task RunAsync(TimeSpan pause, CancellationToken stop) =>
        Task.WhenAll(sensors.Select(sensor => Task.Run(() => SendAsync(sensor, pause, stop), CancellationToken.None)));

    /// <summary>
    /// One reading per sensor a minute of event time after its last one: its watermark passes the end of every window
    /// the load touched, so they all close. Not in the ledger; its own window stays open.
    /// </summary>
    public async Task<DateTimeOffset> FlushAsync()
    {
        var flushAt = eventTimeFrom;
        foreach (var sensor in sensors)
        {
            var at =
                (_lastEventTime.TryGetValue(sensor, out var last) ? last : eventTimeFrom) + TimeSpan.FromMinutes(1);
            flushAt = at > flushAt ? at : flushAt;
            await PostUntilAcceptedAsync(sensor, [($"{runId}-{sensor}-flush", at)], countInLedger: false);
        }
        return flushAt;
    }

    private async Task SendAsync(string sensor, TimeSpan pause, CancellationToken stop)
    {
        var next = 0;
        while (!stop.IsCancellationRequested)
        {
            var batch = Enumerable.Range(next, BatchSize)
                .Select(i => ($"{runId}-{sensor}-{i}", eventTimeFrom + (ReadingInterval * i)))
                .ToList();
            next += BatchSize;
            // Never abandoned once posted: a batch that got a 503 may still have reached the broker, and only its
            // acceptance puts it in the ledger.
            await PostUntilAcceptedAsync(sensor, batch, countInLedger: true);
            _lastEventTime[sensor] = batch[^1].Item2;
            try
            {
                await Task.Delay(pause, stop);
            }
            catch (TaskCanceledException)
            {
                return;
            }
        }
    }

    private async Task PostUntilAcceptedAsync(string sensor, List<(string Id, DateTimeOffset At)> batch,
        bool countInLedger)
    {
        var body = Body(sensor, batch);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var started = DateTime.UtcNow.Ticks;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/readings")
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("X-Api-Key", $"dev-key-{sensor}");
                using var response = await HttpFor(sensor).SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    if (countInLedger)
                    {
                        foreach (var (id, at) in batch)
                        {
                            _accepted[id] = (sensor, at);
                        }
                        Interlocked.Add(ref _acceptedCount, batch.Count);
                        if (started >= Interlocked.Read(ref _markTicks))
                        {
                            Interlocked.Add(ref _acceptedSinceMark, batch.Count);
                        }
                    }
                    return;
                }
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref _unavailable);
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                }
                else
                {
                    _unexpected.Enqueue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    await Task.Delay(TimeSpan.FromSeconds(1));
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                Interlocked.Increment(ref _connectionFailures);
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"a batch of {sensor} was not accepted within 2 minutes");
            }
        }
    }

    private HttpClient HttpFor(string sensor) => _http[IndexOf(sensor) % _http.Length];

    private int IndexOf(string sensor)
    {
        for (var i = 0; i < sensors.Count; i++)
        {
            if (sensors[i] == sensor)
            {
                return i;
            }
        }
        return 0;
    }

    private bool IsSpike(string readingId) => SpikeEvery > 0
        && int.TryParse(readingId[(readingId.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture, out var n)
            && n % SpikeEvery == 0;

    private string Body(string sensor, List<(string Id, DateTimeOffset At)> batch) => JsonSerializer.Serialize(new
    {
        readings = batch.Select((r, i) => new
        {
            sensorId = sensor,
            readingId = r.Id,
            measuredAt = r.At.ToString("O", CultureInfo.InvariantCulture),
            laeq = 50 + (i % 20),
            lamax = IsSpike(r.Id) ? 105.0 : 75.0,
            // Each reading covers the interval up to the next one, [measuredAt − 50 ms, measuredAt): no reading crosses
            // a window boundary, so each counts in exactly one window.
            durationSeconds = ReadingInterval.TotalSeconds,
        }),
    });

    public void Dispose()
    {
        foreach (var http in _http)
        {
            http.Dispose();
        }
    }
}
