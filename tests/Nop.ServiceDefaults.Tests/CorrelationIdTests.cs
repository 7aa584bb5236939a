using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nop.ServiceDefaults.Tests.Support;
using Serilog.Core;

namespace Nop.ServiceDefaults.Tests;

public sealed class CorrelationIdTests : IAsyncLifetime
{
    private const string Handled = "Echo handled";
    private readonly CapturingSink _logs = new();
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = TestHosts.CreateBuilder();
        builder.AddServiceDefaults();
        builder.Services.AddSingleton<ILogEventSink>(_logs);
        _app = builder.Build();
        _app.UseExceptionHandler();
        _app.UseCorrelationId();
        _app.UseRequestLogging();
        _app.MapGet("/echo", (HttpContext context, ILogger<CorrelationIdTests> log) =>
        {
            log.LogInformation(Handled);
            return context.GetCorrelationId();
        });
        _app.MapGet("/fail", string () => throw new InvalidOperationException("handler failed"));
        _client = await _app.StartAndConnectAsync();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? correlationId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (correlationId is not null)
            request.Headers.TryAddWithoutValidation(CorrelationId.HeaderName, correlationId);
        return await _client.SendAsync(request);
    }

    // The one event per request written by UseRequestLogging ("HTTP GET /echo responded 200 in ... ms").
    private IEnumerable<Serilog.Events.LogEvent> RequestCompletions(string path) =>
        _logs.Events.Where(e => e.Properties.ContainsKey("Elapsed") && e.Text("RequestPath") == path);

    private static string ReturnedId(HttpResponseMessage response) =>
        response.Headers.GetValues(CorrelationId.HeaderName).ShouldHaveSingleItem();

    [Theory]
    [InlineData("abc-123")]
    [InlineData("0199a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")]
    [InlineData("svc:req_42.7")]
    public async Task Request_with_a_correlation_id_gets_it_back_and_its_log_events_carry_it(string correlationId)
    {
        using var response = await GetAsync("/echo", correlationId);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        ReturnedId(response).ShouldBe(correlationId);
        (await response.Content.ReadAsStringAsync()).ShouldBe(correlationId);
        _logs.WithTemplate(Handled).ShouldContain(e => e.Text("CorrelationId") == correlationId);
        await Eventually.TrueAsync(
            () => RequestCompletions("/echo")
                .Any(e => e.Text("CorrelationId") == correlationId && e.Text("StatusCode") == "200"),
            "the request log event carries the correlation id");
    }

    [Fact]
    public async Task Correlation_id_of_the_longest_allowed_length_is_kept()
    {
        var longest = new string('a', CorrelationId.MaxLength);
        using var response = await GetAsync("/echo", longest);
        ReturnedId(response).ShouldBe(longest);
    }

    [Fact]
    public async Task Request_without_a_correlation_id_gets_a_new_uuid_v7()
    {
        using var first = await GetAsync("/echo", null);
        using var second = await GetAsync("/echo", null);

        var id = ReturnedId(first);
        Guid.TryParseExact(id, "D", out var guid).ShouldBeTrue(id);
        guid.Version.ShouldBe(7);
        (await first.Content.ReadAsStringAsync()).ShouldBe(id);
        ReturnedId(second).ShouldNotBe(id);
        _logs.WithTemplate(Handled).ShouldContain(e => e.Text("CorrelationId") == id);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("quote\"d")]
    [InlineData("slash/ed")]
    public async Task Invalid_correlation_id_is_replaced_by_a_new_one(string invalid)
    {
        using var response = await GetAsync("/echo", invalid);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var id = ReturnedId(response);
        id.ShouldNotBe(invalid);
        Guid.TryParseExact(id, "D", out _).ShouldBeTrue(id);
        _logs.Events.ShouldNotContain(e => e.Text("CorrelationId") == invalid);
    }

    [Fact]
    public async Task Too_long_correlation_id_is_replaced_by_a_new_one()
    {
        var tooLong = new string('a', CorrelationId.MaxLength + 1);
        using var response = await GetAsync("/echo", tooLong);
        Guid.TryParseExact(ReturnedId(response), "D", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Unhandled_error_is_a_problem_details_answer_that_keeps_the_correlation_id()
    {
        using var response = await GetAsync("/fail", "corr-of-a-failure");

        response.StatusCode.ShouldBe(HttpStatusCode.InternalServerError);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        ReturnedId(response).ShouldBe("corr-of-a-failure");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("status").GetInt32().ShouldBe(500);
        problem.RootElement.GetProperty("correlationId").GetString().ShouldBe("corr-of-a-failure");
        problem.RootElement.ToString().ShouldNotContain("handler failed", customMessage: "no exception details leak");
        await Eventually.TrueAsync(
            () => RequestCompletions("/fail").Any(e =>
                e.Exception is InvalidOperationException && e.Text("CorrelationId") == "corr-of-a-failure"),
            "the failed request is logged with its exception and correlation id");
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("a", true)]
    [InlineData("A-z_0.9:x", true)]
    [InlineData("tab\there", false)]
    [InlineData("ünicode", false)]
    public void Correlation_id_validation_accepts_only_the_safe_alphabet(string? value, bool valid) =>
        CorrelationId.IsValid(value).ShouldBe(valid);
}
