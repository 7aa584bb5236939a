using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nop.ServiceDefaults.Tests.Support;
using Serilog.Core;
using Serilog.Formatting.Display;

namespace Nop.ServiceDefaults.Tests;

/// <summary>
/// Text a client sends cannot forge log lines: control characters are replaced before any sink sees it.
/// </summary>
public sealed class LogSanitizingTests : IDisposable
{
    private const string Forged = "alice\r\n[12:00:00.000 INF] Nop.Dashboard admin signed in\u001b[2J\u0085\u2028x";
    private readonly string _directory = Directory.CreateTempSubdirectory("nop-log-").FullName;

    [Fact]
    public async Task A_user_name_with_line_breaks_is_logged_on_one_line_by_every_sink()
    {
        var file = Path.Combine(_directory, "service.log");
        var builder = TestHosts.CreateBuilder(("Logging:File:Path", file));
        builder.AddServiceDefaults();
        var logs = new CapturingSink();
        builder.Services.AddSingleton<ILogEventSink>(logs);
        await using var app = builder.Build();
        app.MapPost("/sign-in", (HttpRequest request, ILogger<LogSanitizingTests> logger) =>
        {
            // The shapes a service logs user input in: a plain argument, a list and a destructured object.
            logger.LogWarning("Sign-in failed for {UserName} ({Names}, {@Attempt})", request.Query["user"].ToString(),
                new[] { request.Query["user"].ToString() }, new { User = request.Query["user"].ToString() });
            return Results.Unauthorized();
        });
        using var client = await app.StartAndConnectAsync();

        using var response = await client.PostAsync(
            new Uri("/sign-in?user=" + Uri.EscapeDataString(Forged), UriKind.Relative), null);
        await app.StopAsync();
        await app.DisposeAsync();

        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);
        var logEvent = logs.WithTemplate("Sign-in failed for {UserName} ({Names}, {@Attempt})").ShouldHaveSingleItem();
        var text = new StringWriter();
        // The console's text layout (LoggingSetup.TextTemplate): one event, one line.
        new MessageTemplateTextFormatter("[{Timestamp:HH:mm:ss.fff} {Level:u3}] {Service} {Message:lj}{NewLine}")
            .Format(logEvent, text);
        var line = text.ToString().TrimEnd('\n', '\r');
        line.ShouldNotContain('\n');
        line.ShouldNotContain('\r');
        line.ShouldNotContain('\u001b');
        line.ShouldNotContain('\u0085');
        line.ShouldNotContain('\u2028');
        line.ShouldContain("alice\uFFFD\uFFFD[12:00:00.000 INF] Nop.Dashboard admin signed in\uFFFD[2J");
        line.Count(c => c == '\uFFFD').ShouldBe(3 * 5, "five control characters in each of the three values");

        var written = (await File.ReadAllLinesAsync(Directory.GetFiles(_directory).Single()))
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Single(e => e.GetProperty("@m").GetString()!.StartsWith("Sign-in failed", StringComparison.Ordinal));
        written.GetProperty("UserName").GetString()!.ShouldNotContain('\n');
        written.GetProperty("@m").GetString()!.ShouldNotContain('\n');
    }

    [Fact]
    [Trait("Category", "Unit")]
    public void Text_without_control_characters_is_returned_as_it_is()
    {
        const string plain = "dev-001 Kärntner Straße";

        ControlCharacterEnricher.Clean(plain).ShouldBeSameAs(plain);
        ControlCharacterEnricher.Clean("a\tb\0c\u007fd").ShouldBe("a\uFFFDb\uFFFDc\uFFFDd");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
