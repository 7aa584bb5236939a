using System.Net;
using System.Net.Sockets;
using System.Text;
using Nop.Testing;

namespace Nop.Dashboard.Tests;

/// <summary>
/// How the tests start a service (<see cref="ServiceProcess"/>) when its port is taken between the choice and the
/// bind, as happened in CI: another listener answering 200 there must not pass for the service's readiness.
/// </summary>
public sealed class ServiceStartTests
{
    [Fact]
    public async Task A_service_whose_port_another_process_holds_is_started_again_on_another_port()
    {
        await using var vhost = await TestBroker.CreateVirtualHostAsync("port");
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var impostor = AnswerEveryRequestWith200Async(taken, stop.Token);
        try
        {
            await using var dashboard = await ServiceProcess.StartServiceAsync("Nop.Dashboard",
                new Dictionary<string, string> { ["RabbitMq:Uri"] = vhost.Uri.ToString() }, "dashboard-port-taken",
                port);

            dashboard.Address!.Port.ShouldNotBe(port, "the start moved to another port");
            ServiceProcess.Listens(dashboard.ProcessId!.Value, dashboard.Address.Port).ShouldBeTrue();
            ServiceProcess.Listens(dashboard.ProcessId.Value, port).ShouldBeFalse();
            ServiceProcess.Listens(Environment.ProcessId, port).ShouldBeTrue("the impostor holds the taken port");
            using var http = new HttpClient();
            (await http.GetAsync(new Uri(dashboard.Address, "/health/ready"))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await stop.CancelAsync();
            await impostor;
        }
    }

    // Answers whatever comes with an empty 200, as any service would answer a readiness probe.
    private static async Task AnswerEveryRequestWith200Async(TcpListener listener, CancellationToken stop)
    {
        var answer = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync(stop);
                var stream = client.GetStream();
                var request = new byte[4096];
                _ = await stream.ReadAsync(request, stop);
                await stream.WriteAsync(answer, stop);
            }
        }
        catch (OperationCanceledException)
        {
            // The test is over.
        }
    }
}
