using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;

namespace Nop.ServiceDefaults.Tests.Support;

/// <summary>Small real Kestrel hosts on a free loopback port.</summary>
internal static class TestHosts
{
    public static WebApplicationBuilder CreateBuilder(params (string Key, string? Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var values = new Dictionary<string, string?>
        {
            ["Service:Name"] = "Nop.Test",
            // Test output stays readable; the tests read events from a capturing sink instead.
            ["Logging:Console:Format"] = "none",
        };
        foreach (var (key, value) in settings)
            values[key] = value;
        builder.Configuration.AddInMemoryCollection(values);
        return builder;
    }

    public static async Task<HttpClient> StartAndConnectAsync(this WebApplication app)
    {
        await app.StartAsync();
        return new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>A loopback port nothing listens on: connecting to it is refused at once.</summary>
    public static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
