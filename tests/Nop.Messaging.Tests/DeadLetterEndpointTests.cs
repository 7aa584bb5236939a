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
    private sealed record Host(WebApplication App, HttpClient Http, FailureSwitch Failure,
        Received<ReadingReceived> Received) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await App.DisposeAsync();
        }

        // Publishes a reading that fails every attempt, and waits until it is parked in the dead queue.
        public async Task ParkAsync(string readingId)
        {
            await App.Services.GetRequiredService<MessagePublisher>().PublishAsync(Exchanges.Readings,
                RoutingKeys.Reading("bad"), Make.Reading("bad", readingId: readingId));
            await Eventually.TrueAsync(async () => await ParkedAsync() == 1, TimeSpan.FromSeconds(10),
                "the endpoint lists the parked message");
        }

        public async Task<int> ParkedAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/dead-letters");
            request.Headers.Authorization = new("Bearer", TestAdmin.Token);
            using var response = await Http.SendAsync(request);
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            return (await response.Content.ReadFromJsonAsync<Dictionary<string, int>>())![Queues.ProcessingClassifier];
        }
    }

    private static async Task<Host> StartAsync(VirtualHost vhost)
    {
        var received = new Received<ReadingReceived>();
        var failure = new FailureSwitch();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["RabbitMq:Uri"] = vhost.Uri.ToString();
        builder.Configuration["RabbitMq:RetryDelays:0"] = "00:00:00.100";
        builder.Configuration[TestAdmin.Setting.Key] = TestAdmin.Setting.Value;
        builder.AddNopMessaging();
        builder.Services.AddSingleton(received).AddSingleton(failure)
            .AddConsumer(Topology.ProcessingClassifier, c => c.Handle<ReadingReceived, FlakyHandler>());
        var app = builder.Build();
        app.MapDeadLetterEndpoints();
        await app.StartAsync();
        var http = new HttpClient
        {
            BaseAddress = new Uri(app.Services.GetRequiredService<IServer>()
                .Features.Get<IServerAddressesFeature>()!.Addresses.First())
        };
        return new Host(app, http, failure, received);
    }

    [Fact]
    public async Task Operator_lists_parked_messages_and_replays_them_over_http()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dead-http");
        await using var host = await StartAsync(vhost);
        await host.ParkAsync("parked");

        host.Failure.Failing = false;
        var http = host.Http.WithAdminToken();
        using var replay = await http.PostAsync(new Uri($"/admin/dead-letters/{Queues.ProcessingClassifier}/replay",
            UriKind.Relative), null);
        replay.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await replay.Content.ReadFromJsonAsync<ReplayResult>())!.Replayed.ShouldBe(1);
        await Eventually.TrueAsync(() => host.Received.Items.Any(r => r.Message.ReadingId == "parked"),
            TimeSpan.FromSeconds(10), "the replayed reading is handled");

        using var unknown =
            await http.PostAsync(new Uri("/admin/dead-letters/no.such.queue/replay", UriKind.Relative), null);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Without_the_admin_token_a_loopback_caller_can_neither_list_nor_replay()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("dead-token");
        await using var host = await StartAsync(vhost);
        await host.ParkAsync("kept");
        host.Failure.Failing = false;
        var replay = new Uri($"/admin/dead-letters/{Queues.ProcessingClassifier}/replay", UriKind.Relative);

        using (var list = await host.Http.GetAsync(new Uri("/admin/dead-letters", UriKind.Relative)))
            list.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        // A page in a local browser: a body-less POST, and a cross-site form post with cookies.
        using (var bare = await host.Http.PostAsync(replay, null))
            bare.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        using (var form = new HttpRequestMessage(HttpMethod.Post, replay))
        {
            form.Content = new FormUrlEncodedContent([]);
            form.Headers.Add("Origin", "http://localhost:8000");
            form.Headers.Add("Sec-Fetch-Site", "cross-site");
            form.Headers.Add("Cookie", ".Nop.Operator=anything");
            using var response = await host.Http.SendAsync(form);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, replay))
        {
            wrong.Headers.Authorization = new("Bearer", TestAdmin.Token + "x");
            using var response = await host.Http.SendAsync(wrong);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        (await host.ParkedAsync()).ShouldBe(1, "nothing was replayed");
        host.Received.Items.ShouldNotContain(r => r.Message.ReadingId == "kept");
    }
}
