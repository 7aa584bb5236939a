using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nop.Contracts;
using Nop.Processing.Tests.Support;
using Nop.Testing;
using RabbitMQ.Client;

namespace Nop.Processing.Tests;

/// <summary>Issue 13, gap 6: the partition balancer outlives a broker that does not answer.</summary>
public sealed class BalancerOutageTests
{
    [Fact]
    public async Task A_channel_open_that_times_out_does_not_end_the_balancer_nor_stop_processing()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("proc-balancer");
        using var folder = new TempFolder();
        // Processing reaches the broker through a proxy that can hang: to Processing the broker stops answering.
        await using var proxy = TcpProxy.Start(TestBroker.Uri.Host, TestBroker.Uri.Port);
        await using var host = await ProcessingApp.StartAsync(new UriBuilder(vhost.Uri) { Port = proxy.Port }.Uri,
            folder.Database(), new Dictionary<string, string?> { ["Processing:Partitions"] = "1" });
        var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

        // Without its exchange the balancer's channel is closed by the broker at the next heartbeat, so it opens a new
        // channel every tick; then the broker hangs, and the next channel open waits for its time-out (20 s).
        var factory = new ConnectionFactory { Uri = vhost.Uri };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeDeleteAsync(Exchanges.ProcessingInstances);
        }
        await Task.Delay(TimeSpan.FromSeconds(3));
        proxy.Hold();
        await Task.Delay(TimeSpan.FromSeconds(25));
        var balancerEnded = host.Balancer.ExecuteTask?.IsCompleted;
        var processingStopping = stopping.IsCancellationRequested;
        proxy.Release(); // before asserting: the host's own shutdown needs the broker

        balancerEnded.ShouldBe(false, "the balancer keeps running");
        processingStopping.ShouldBeFalse("Processing keeps running");
    }
}
