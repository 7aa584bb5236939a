using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Nop.Contracts;
using Nop.Testing;

namespace Nop.Messaging.Tests;

public sealed class DeadLetterEndpointTests
{
    [Fact]
    public async Task Operator_lists_parked_messages_and_replays_them_over_http()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dead-http");
        var received = new Received<ReadingReceived>();
        var failure = new FailureSwitch();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["RabbitMq:Uri"] = vhost.Uri.ToString();
        builder.Configuration["RabbitMq:RetryDelays:0"] = "00:00:00.100";
        builder.AddNopMessaging();
        builder.Services.AddSingleton(received).AddSingleton(failure)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, FlakyHandler>());
        await using var app = builder.Build();
        app.MapDeadLetterEndpoints();
        await app.StartAsync();
        using var http = new HttpClient
        {
            BaseAddress = new Uri(app.Services.GetRequiredService<IServer>()
                .Features.Get<IServerAddressesFeature>()!.Addresses.First())
        };

        await app.Services.GetRequiredService<MessagePublisher>()
            .PublishAsync(Exchanges.Readings, RoutingKeys.Reading("bad"), Make.Reading("bad", readingId: "parked"));
        await Eventually.TrueAsync(async () => (await http.GetFromJsonAsync<Dictionary<string, int>>(
            "/admin/dead-letters"))![Queues.ProcessingClassifier] == 1,
            TimeSpan.FromSeconds(10), "the endpoint lists the parked message");

        failure.Failing = false;
        using var replay = await http.PostAsync(new Uri($"/admin/dead-letters/{Queues.ProcessingClassifier}/replay",
            UriKind.Relative), null);
        replay.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await replay.Content.ReadFromJsonAsync<ReplayResult>())!.Replayed.ShouldBe(1);
        await Eventually.TrueAsync(() => received.Items.Any(r => r.Message.ReadingId == "parked"),
            TimeSpan.FromSeconds(10), "the replayed reading is handled");

        using var unknown =
            await http.PostAsync(new Uri("/admin/dead-letters/no.such.queue/replay", UriKind.Relative), null);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }
}
