using System.Collections.Concurrent;
using System.Diagnostics;

namespace Nop.Messaging.Tests;

/// <summary>Records every finished span of the broker layer (and of the test's own source) while it lives.</summary>
internal sealed class SpanRecorder : IDisposable
{
    public const string TestSourceName = "Nop.Messaging.Tests";

    public static readonly ActivitySource TestSource = new(TestSourceName);

    private readonly ActivityListener _listener;

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is MessagingTelemetry.Name or TestSourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public ConcurrentQueue<Activity> Spans { get; } = new();

    /// <summary>The finished spans of one trace (other tests run at the same time).</summary>
    public List<Activity> Of(ActivityTraceId traceId) => Spans.Where(s => s.TraceId == traceId).ToList();

    public void Dispose() => _listener.Dispose();
}
