using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;
using Serilog.Core;
using Serilog.Debugging;
using Serilog.Events;

namespace Nop.ServiceDefaults.Elasticsearch;

/// <summary>
/// A Serilog sink that ships log events to an Elasticsearch data stream as ECS documents through <c>_bulk</c>
/// <c>create</c> actions.
/// </summary>
/// <remarks>
/// <para>
/// Logging never waits for Elasticsearch: <see cref="Emit"/> only puts the event in a bounded queue. A background
/// loop sends batches; while Elasticsearch is away or overloaded (connection errors, timeouts, 408, 429, 5xx) it
/// retries the same batch with exponential back-off and jitter, and once the queue is full the oldest events are
/// dropped and counted. A 200 answer is read item by item: items refused with 429 or 5xx are sent again, items
/// refused for good (any other 4xx, e.g. a mapping conflict) are dropped and counted, never retried.
/// </para>
/// <para>
/// This sink does its own queueing instead of Serilog 4's <c>IBatchedLogEventSink</c> + <c>BatchingOptions</c>:
/// that queue drops the newest events past its limit without counting them, discards whole batches and the
/// whole queue once its retry time runs out, and can only retry a batch as a whole, which would duplicate the
/// items Elasticsearch had already accepted when it throttles only some of them.
/// </para>
/// </remarks>
public sealed class ElasticsearchSink : ILogEventSink, IDisposable, IAsyncDisposable
{
    private static readonly byte[] CreateAction = "{\"create\":{}}\n"u8.ToArray();
    private static readonly MediaTypeHeaderValue NdJson = new("application/x-ndjson");
    // Relaxed escaping keeps non-ASCII text readable in the documents; the output never goes into HTML.
    private static readonly JsonWriterOptions WriterOptions =
        new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ElasticsearchSinkOptions _options;
    private readonly Channel<LogEvent> _queue;
    private readonly HttpClient _http;
    private readonly Uri _bulkUri;
    // Ends waits and back-off when the sink is disposed; the loop then makes one last attempt to send.
    private readonly CancellationTokenSource _stopping = new();
    // Ends that last attempt's HTTP calls when it takes longer than ShutdownTimeout.
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _sender;

    // Used only by the sender loop, one request at a time.
    private readonly MemoryStream _body = new();
    private readonly Utf8JsonWriter _writer;
    private readonly List<LogEvent> _included = [];

    private long _droppedEvents;
    private long _rejectedEvents;
    private long _sentEvents;
    private long _failedRequests;
    private int _inFlight;
    private int _consecutiveFailures;
    private int _disposed;

    /// <summary>Creates the sink and starts its background sender.</summary>
    /// <param name="options">Where and how to send; <see cref="ElasticsearchSinkOptions.Url"/> is required.</param>
    /// <exception cref="ArgumentException">The options are incomplete or out of range.</exception>
    public ElasticsearchSink(ElasticsearchSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Url is not { IsAbsoluteUri: true } url)
            throw new ArgumentException("Logging:Elasticsearch:Url must be an absolute URL.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.DataStream))
            throw new ArgumentException("Logging:Elasticsearch:DataStream must not be empty.", nameof(options));
        if (options.QueueLimit < 1 || options.BatchSize < 1)
            throw new ArgumentException("Logging:Elasticsearch:QueueLimit and BatchSize must be at least 1.",
                nameof(options));
        if (options.Period <= TimeSpan.Zero || options.RequestTimeout <= TimeSpan.Zero)
            throw new ArgumentException("Logging:Elasticsearch:Period and RequestTimeout must be positive.",
                nameof(options));

        _options = options;
        _bulkUri = new Uri(url.AbsoluteUri.TrimEnd('/') + "/" + Uri.EscapeDataString(options.DataStream) + "/_bulk");
        _queue = Channel.CreateBounded<LogEvent>(
            new BoundedChannelOptions(options.QueueLimit)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
            },
            _ => Interlocked.Increment(ref _droppedEvents));
        _writer = new Utf8JsonWriter(_body, WriterOptions);

        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = options.RequestTimeout < TimeSpan.FromSeconds(10)
                ? options.RequestTimeout
                : TimeSpan.FromSeconds(10),
            // Picks up a new address when Elasticsearch moves (DNS changes in compose or Kubernetes).
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = options.RequestTimeout,
        };
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", options.ApiKey);
        }
        else if (!string.IsNullOrEmpty(options.Username))
        {
            var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes(options.Username + ":" + options.Password));
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        }

        // The loop must not inherit the creator's LogContext or Activity: its requests belong to no request.
        using (ExecutionContext.IsFlowSuppressed() ? default(AsyncFlowControl?) : ExecutionContext.SuppressFlow())
        {
            _sender = Task.Run(SendLoopAsync);
        }
    }

    /// <summary>Events dropped before reaching Elasticsearch: the oldest when the queue was full, and what was left at
    /// shutdown.</summary>
    public long DroppedEvents => Interlocked.Read(ref _droppedEvents);

    /// <summary>Events Elasticsearch refused for good (a 4xx other than 408/429 for the item or the whole request); not
    /// retried.</summary>
    public long RejectedEvents => Interlocked.Read(ref _rejectedEvents);

    /// <summary>Events Elasticsearch has accepted.</summary>
    public long SentEvents => Interlocked.Read(ref _sentEvents);

    /// <summary><c>_bulk</c> requests that failed as a whole (no answer, timeout, 408, 429 or 5xx) and were
    /// retried.</summary>
    public long FailedRequests => Interlocked.Read(ref _failedRequests);

    /// <summary>Events held by the sink right now: queued plus the batch being sent; at most <c>QueueLimit +
    /// BatchSize</c>.</summary>
    public int BufferedEvents => _queue.Reader.Count + Volatile.Read(ref _inFlight);

    /// <summary>Queues the event for sending; never blocks.</summary>
    /// <param name="logEvent">The event.</param>
    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        // A full queue drops its oldest event (counted by the channel's callback); false means the sink is closed.
        if (!_queue.Writer.TryWrite(logEvent))
            Interlocked.Increment(ref _droppedEvents);
    }

    private async Task SendLoopAsync()
    {
        var batch = new List<LogEvent>(_options.BatchSize);
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                if (batch.Count == 0 && !await WaitForEventsAsync())
                    break;

                TopUp(batch);
                var answered = await TrySendAsync(batch, _abort.Token);

                TimeSpan pause;
                if (answered && batch.Count == 0)
                {
                    if (_consecutiveFailures > 0)
                    {
                        SelfLog.WriteLine(
                            "Elasticsearch sink: {0} reachable again after {1} failed attempts; " +
                            "{2} events dropped so far",
                            _bulkUri, _consecutiveFailures, DroppedEvents);
                    }
                    _consecutiveFailures = 0;
                    // A full batch waiting goes at once; otherwise let the next one fill for a period.
                    pause = _queue.Reader.Count >= _options.BatchSize ? TimeSpan.Zero : _options.Period;
                }
                else
                {
                    _consecutiveFailures++;
                    pause = Backoff(_consecutiveFailures);
                }

                if (pause > TimeSpan.Zero && !await PauseAsync(pause))
                    break;
            }

            // Shutting down: one pass without back-off; what Elasticsearch does not take now is dropped and counted.
            while (!_abort.IsCancellationRequested)
            {
                TopUp(batch);
                if (batch.Count == 0 || !await TrySendAsync(batch, _abort.Token) || batch.Count > 0)
                    break;
            }
        }
        catch (Exception ex)
        {
            SelfLog.WriteLine("Elasticsearch sink: sender stopped unexpectedly: {0}", ex);
        }
        finally
        {
            var left = batch.Count;
            while (_queue.Reader.TryRead(out _))
                left++;
            Interlocked.Add(ref _droppedEvents, left);
            Volatile.Write(ref _inFlight, 0);
        }
    }

    private async Task<bool> WaitForEventsAsync()
    {
        try
        {
            return await _queue.Reader.WaitToReadAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> PauseAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _stopping.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void TopUp(List<LogEvent> batch)
    {
        while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var next))
            batch.Add(next);
        Volatile.Write(ref _inFlight, batch.Count);
    }

    // Period · 2^failures, capped, with ±20 % jitter so that many instances do not retry in step.
    private TimeSpan Backoff(int failures)
    {
        var ms = _options.Period.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 20));
        ms = Math.Min(ms, _options.MaxBackoff.TotalMilliseconds) * (0.8 + (0.4 * Random.Shared.NextDouble()));
        return TimeSpan.FromMilliseconds(Math.Max(ms, 1));
    }

    /// <summary>
    /// Sends <paramref name="batch"/> once and leaves in it only the events to try again. Returns false when the
    /// request failed as a whole (the batch is then unchanged).
    /// </summary>
    private async Task<bool> TrySendAsync(List<LogEvent> batch, CancellationToken cancellationToken)
    {
        BuildBody(batch);
        if (_included.Count == 0)
        {
            batch.Clear();
            Volatile.Write(ref _inFlight, 0);
            return true;
        }

        HttpResponseMessage response;
        try
        {
            using var content = new ByteArrayContent(_body.GetBuffer(), 0, (int)_body.Length);
            content.Headers.ContentType = NdJson;
            response = await _http.PostAsync(_bulkUri, content, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            RequestFailed(ex.GetBaseException().Message);
            return false;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is 408 or 429 or >= 500 || status < 200)
            {
                RequestFailed($"HTTP {status}");
                return false;
            }

            if (status >= 300)
            {
                // 400, 401, 403, 404, 413...: the same request would be refused again, so do not block the queue.
                Interlocked.Add(ref _rejectedEvents, _included.Count);
                SelfLog.WriteLine("Elasticsearch sink: {0} refused {1} events with HTTP {2}; dropped",
                    _bulkUri, _included.Count, status);
                batch.Clear();
                Volatile.Write(ref _inFlight, 0);
                return true;
            }

            var retry = await ReadItemsAsync(response, cancellationToken);
            batch.Clear();
            batch.AddRange(retry);
            Volatile.Write(ref _inFlight, batch.Count);
            return true;
        }
    }

    private void RequestFailed(string reason)
    {
        Interlocked.Increment(ref _failedRequests);
        // Once per outage, not once per attempt: the back-off already says it is still down.
        if (_consecutiveFailures == 0)
        {
            SelfLog.WriteLine(
                "Elasticsearch sink: {0} unavailable ({1}); retrying with back-off, keeping at most {2} events",
                _bulkUri, reason, _options.QueueLimit);
        }
    }

    private void BuildBody(List<LogEvent> batch)
    {
        _body.SetLength(0);
        _included.Clear();
        var unwritable = 0;
        foreach (var logEvent in batch)
        {
            var start = _body.Length;
            try
            {
                _body.Write(CreateAction);
                _writer.Reset(_body);
                EcsDocument.Write(_writer, logEvent, _options.ServiceName);
                _writer.Flush();
                _body.WriteByte((byte)'\n');
                _included.Add(logEvent);
            }
            catch (Exception ex)
            {
                // One event that cannot be written (a throwing ToString, invalid UTF-16) must not stall the rest.
                _writer.Reset(_body);
                _body.SetLength(start);
                unwritable++;
                SelfLog.WriteLine("Elasticsearch sink: could not write an event ({0}); dropped", ex.Message);
            }
        }
        if (unwritable > 0)
            Interlocked.Add(ref _rejectedEvents, unwritable);
    }

    // Reads a 2xx _bulk answer: counts accepted and rejected items, returns the ones worth another try.
    private async Task<List<LogEvent>> ReadItemsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var retry = new List<LogEvent>();
        JsonDocument answer;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            answer = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException
            or OperationCanceledException)
        {
            // Elasticsearch said 2xx; sending again on an unreadable body would risk duplicates for no gain.
            Interlocked.Add(ref _sentEvents, _included.Count);
            SelfLog.WriteLine("Elasticsearch sink: unreadable _bulk answer ({0}); counted as sent", ex.Message);
            return retry;
        }

        using (answer)
        {
            var root = answer.RootElement;
            if (!(root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.True) ||
                !root.TryGetProperty("items", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                Interlocked.Add(ref _sentEvents, _included.Count);
                return retry;
            }

            int sent = 0, rejected = 0, index = 0;
            string? firstRejection = null;
            foreach (var item in items.EnumerateArray())
            {
                if (index >= _included.Count)
                    break;
                var logEvent = _included[index++];
                var (status, error) = ReadItem(item);
                if (status is >= 200 and < 300)
                {
                    sent++;
                }
                else if (status is 429 or >= 500)
                {
                    retry.Add(logEvent);
                }
                else
                {
                    rejected++;
                    firstRejection ??= $"{status} {error}";
                }
            }
            // Items the answer did not mention were accepted as far as anyone can tell.
            sent += _included.Count - index;

            Interlocked.Add(ref _sentEvents, sent);
            if (rejected > 0)
            {
                Interlocked.Add(ref _rejectedEvents, rejected);
                SelfLog.WriteLine("Elasticsearch sink: {0} events rejected and dropped, first: {1}",
                    rejected, firstRejection);
            }
            if (retry.Count > 0)
                SelfLog.WriteLine("Elasticsearch sink: {0} events throttled; retrying them with back-off", retry.Count);
            return retry;
        }
    }

    private static string? StringProperty(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static (int Status, string? Error) ReadItem(JsonElement item)
    {
        // Each item is {"create": {"status": 201, "error": {...}}}; the action name is the only property.
        foreach (var action in item.EnumerateObject())
        {
            var status = action.Value.TryGetProperty("status", out var s) && s.TryGetInt32(out var code)
                ? code
                : (int)HttpStatusCode.InternalServerError;
            string? error = null;
            if (action.Value.TryGetProperty("error", out var e))
            {
                error = e.ValueKind == JsonValueKind.Object
                    ? $"{StringProperty(e, "type")}: {StringProperty(e, "reason")}"
                    : e.ToString();
            }
            return (status, error);
        }
        return ((int)HttpStatusCode.InternalServerError, null);
    }

    /// <summary>
    /// Stops accepting events, tries once more to send what is buffered (for at most
    /// <see cref="ElasticsearchSinkOptions.ShutdownTimeout"/>) and releases the HTTP client.
    /// </summary>
    public void Dispose()
    {
        if (!BeginShutdown())
            return;
        var finished = _sender.Wait(_options.ShutdownTimeout + TimeSpan.FromSeconds(1));
        EndShutdown(finished);
    }

    /// <inheritdoc cref="Dispose"/>
    public async ValueTask DisposeAsync()
    {
        if (!BeginShutdown())
            return;
        var finished = true;
        try
        {
            await _sender.WaitAsync(_options.ShutdownTimeout + TimeSpan.FromSeconds(1));
        }
        catch (TimeoutException)
        {
            finished = false;
        }
        EndShutdown(finished);
    }

    private bool BeginShutdown()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return false;
        _queue.Writer.TryComplete();
        _stopping.Cancel();
        _abort.CancelAfter(_options.ShutdownTimeout);
        return true;
    }

    private void EndShutdown(bool senderFinished)
    {
        _abort.Cancel();
        // A sender still running (it cannot be, short of a hung handler) keeps its objects; never pull them away.
        if (!senderFinished)
            return;
        _http.Dispose();
        _writer.Dispose();
        _body.Dispose();
        _stopping.Dispose();
        _abort.Dispose();
    }
}
