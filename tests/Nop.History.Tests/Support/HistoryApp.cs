using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nop.Messaging;
using Nop.Testing;
using Serilog.Core;

namespace Nop.History.Tests.Support;

/// <summary>One running History (the real Program, hosted in-process) on a test bed's virtual host and database.
/// </summary>
public sealed class HistoryApp(HistoryTestBed bed, IDictionary<string, string?>? settings)
    : WebApplicationFactory<Program>
{
    public LogCapture Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in bed.Settings().Concat(settings ?? new Dictionary<string, string?>()))
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureTestServices(s => s.AddSingleton<ILogEventSink>(Logs));
    }

    /// <summary>Starts the host and waits until it answers queries and, with <paramref name="reading"/>, reads the
    /// levels stream (a second instance waits for the reader's lease instead).</summary>
    public async Task StartAsync(bool reading = true)
    {
        _ = Services; // builds and starts the host
        var consumers = Services.GetServices<IHostedService>().OfType<ConsumerHost>().ToList();
        consumers.Count.ShouldBe(2); // queries, maintenance steps
        await Task.WhenAll(consumers.Select(c => c.Started)).WaitAsync(TimeSpan.FromSeconds(30));
        if (reading)
        {
            await Reader.Started.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>The levels stream's reader.</summary>
    public StreamReaderHost Reader =>
        Services.GetServices<IHostedService>().OfType<StreamReaderHost>().ShouldHaveSingleItem();

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    /// <summary>POST /admin/history/rebuild as ./nop history rebuild sends it (loopback, admin token).</summary>
    public async Task<(int Status, string Body)> RebuildAsync(DateTimeOffset? from = null)
    {
        var context = await Server.SendAsync(c =>
        {
            c.Connection.RemoteIpAddress = IPAddress.Loopback;
            c.Request.Method = "POST";
            c.Request.Path = "/admin/history/rebuild";
            if (from is { } at)
            {
                c.Request.QueryString = new QueryString("?from=" + Uri.EscapeDataString(at.ToString("O")));
            }
            c.Request.Headers.Authorization = $"Bearer {TestAdmin.Token}";
        });
        using var reader = new StreamReader(context.Response.Body);
        return (context.Response.StatusCode, await reader.ReadToEndAsync());
    }
}
