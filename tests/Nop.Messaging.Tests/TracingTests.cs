using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Messaging.Tests;

public sealed class TracingTests
{
    [Fact]
    public async Task Publish_and_process_spans_chain_through_the_traceparent_header_across_two_hops()
    {
        using var recorder = new SpanRecorder();
        await using var vhost = await TestBroker.CreateVirtualHostAsync("tracing");
        var readings = new Received<ReadingReceived>();
        var spikes = new Received<NoiseSpikeDetected>();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(readings)
            .AddSingleton(spikes)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, HopOneHandler>())
            .AddConsumer(Topology.AlertingNoise, c => c.Handle<NoiseSpikeDetected, HopTwoHandler>()));

        string messageId;
        ActivityContext root;
        using (var request = SpanRecorder.TestSource.StartActivity("POST /readings", ActivityKind.Server)!)
        {
            root = request.Context;
            messageId = await host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("dev-007"),
                Make.Reading("dev-007", 104), new PublishOptions { CorrelationId = "corr-traced" });
        }
        await Eventually.TrueAsync(() => spikes.Count == 1, TimeSpan.FromSeconds(10), "the spike reaches hop two");
        await Eventually.TrueAsync(() => recorder.Of(root.TraceId).Count == 5, TimeSpan.FromSeconds(5),
            "both hops' spans have ended");
        var spans = recorder.Of(root.TraceId);

        var publish = spans.Single(s => s.DisplayName == $"publish {Exchanges.Readings}");
        publish.Kind.ShouldBe(ActivityKind.Producer);
        publish.ParentSpanId.ShouldBe(root.SpanId);
        publish.GetTagItem("messaging.system").ShouldBe("rabbitmq");
        publish.GetTagItem("messaging.operation.name").ShouldBe("publish");
        publish.GetTagItem("messaging.destination.name").ShouldBe(Exchanges.Readings);
        publish.GetTagItem("messaging.rabbitmq.destination.routing_key").ShouldBe(RoutingKeys.Reading("dev-007"));
        publish.GetTagItem("messaging.message.id").ShouldBe(messageId);
        publish.GetTagItem("messaging.message.conversation_id").ShouldBe("corr-traced");
        var hopOne = readings.Items.ShouldHaveSingleItem().Envelope;
        hopOne.TraceParent.ShouldBe(publish.Id, "the header carries the publish span's context");

        var processOne = spans.Single(s => s.DisplayName == $"process {Queues.ProcessingClassifier}");
        processOne.Kind.ShouldBe(ActivityKind.Consumer);
        processOne.ParentSpanId.ShouldBe(publish.SpanId, "the consumer's span is the publish span's child");
        processOne.GetTagItem("messaging.destination.subscription.name").ShouldBe(Queues.ProcessingClassifier);
        processOne.GetTagItem("messaging.operation.name").ShouldBe("process");
        processOne.GetTagItem("messaging.message.id").ShouldBe(messageId);
        processOne.GetTagItem("messaging.message.conversation_id").ShouldBe("corr-traced");

        // The handler's publish (CausedBy) is a child of its handling, and the second hop a child of that.
        var republish = spans.Single(s => s.DisplayName == $"publish {Exchanges.Noise}");
        republish.ParentSpanId.ShouldBe(processOne.SpanId);
        var hopTwo = spikes.Items.ShouldHaveSingleItem().Envelope;
        hopTwo.TraceParent.ShouldBe(republish.Id);
        var processTwo = spans.Single(s => s.DisplayName == $"process {Queues.AlertingNoise}");
        processTwo.ParentSpanId.ShouldBe(republish.SpanId);

        // The handling span is current while the handler runs: its log lines carry its ids.
        var log = host.Logs.Events.Single(e => e.MessageTemplate.Text == "hop one");
        log.TraceId.ShouldBe(root.TraceId);
        log.SpanId.ShouldBe(processOne.SpanId);
    }

    [Fact]
    public async Task A_message_published_without_a_current_span_continues_the_trace_of_its_cause()
    {
        using var recorder = new SpanRecorder();
        await using var vhost = await TestBroker.CreateVirtualHostAsync("tracing-cause");
        var readings = new Received<ReadingReceived>();
        await using var host = await MessagingApp.StartAsync(vhost.Uri, services => services
            .AddSingleton(readings)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, RecordingHandler>()));
        // What an outbox relay does: no span is current, the row keeps the traceparent of the handling that wrote it.
        var cause = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01";
        Activity.Current = null;

        await host.Publisher.PublishAsync(Exchanges.Readings, RoutingKeys.Reading("dev-008"), Make.Reading("dev-008"),
            new PublishOptions { TraceParent = cause });

        await Eventually.TrueAsync(() => readings.Count == 1, TimeSpan.FromSeconds(10), "the reading is consumed");
        var traceId = ActivityTraceId.CreateFromString(cause.AsSpan(3, 32));
        await Eventually.TrueAsync(() => recorder.Of(traceId).Count == 2, TimeSpan.FromSeconds(5),
            "publish and process spans in the cause's trace");
        var publish = recorder.Of(traceId).Single(s => s.Kind == ActivityKind.Producer);
        publish.ParentSpanId.ToHexString().ShouldBe(cause[36..52]);
        readings.Items.Single().Envelope.TraceParent.ShouldBe(publish.Id);
    }
}
