using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Nop.ServiceDefaults.Tests.Support;

namespace Nop.ServiceDefaults.Tests;

/// <summary>The JSON log lines (file and JSON console) carry the current span's ids, as <c>@tr</c> and <c>@sp</c>.
/// </summary>
public sealed class TraceIdLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nop-log-").FullName;

    [Fact]
    public async Task A_line_logged_while_handling_a_request_carries_the_request_spans_ids()
    {
        var file = Path.Combine(_directory, "service.log");
        var builder = TestHosts.CreateBuilder(("Logging:File:Path", file));
        builder.AddServiceDefaults();
        var app = builder.Build();
        app.MapGet("/work", (ILogger<TraceIdLogTests> logger) =>
        {
            logger.LogInformation("Work done");
            return $"{Activity.Current!.TraceId} {Activity.Current.SpanId}";
        });
        using var client = await app.StartAndConnectAsync();

        var ids = (await client.GetStringAsync(new Uri("/work", UriKind.Relative))).Split(' ');
        await app.StopAsync();
        await app.DisposeAsync(); // flushes the file; its name gets the day (rolling by day)

        var line = File.ReadLines(Directory.GetFiles(_directory).Single())
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("@m").GetString() == "Work done");
        line.GetProperty("@tr").GetString().ShouldBe(ids[0]);
        line.GetProperty("@sp").GetString().ShouldBe(ids[1]);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
