using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Nop.Dashboard.Extensions;
using Nop.Testing;
using static Microsoft.Playwright.Assertions;

namespace Nop.Dashboard.Tests;

/// <summary>
/// The page's browser-side defences (issue 17, item 8 and the malformed fragment): the security headers on every
/// response, no source maps, every view of the page working under the Content-Security-Policy in real Chromium with no
/// violation reported, and a malformed <c>#</c> fragment falling back to the default view.
/// </summary>
public sealed partial class PageSecurityTests(PageSecurityTests.Fixture fixture)
    : IClassFixture<PageSecurityTests.Fixture>
{

    // Collects every report of the CSP before the page's own script runs (the event fires on the document).
    private const string CollectViolations = """
        window.__violations = [];
        document.addEventListener("securitypolicyviolation", (e) => window.__violations.push(
          `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`));
        """;

    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/favicon.svg")]
    [InlineData("/api/history/sensors/dev-001/levels?from=2026-11-30T00:00:00Z&to=2026-11-30T01:00:00Z")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/health/live")]
    [InlineData("/no-such-page")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        using var response = await fixture.Dashboard.Client.GetAsync(new Uri(path, UriKind.Relative));
        ((int)response.StatusCode).ShouldBeLessThan(500);
        Header(response, "Content-Security-Policy").ShouldBe(SecurityHeaders.ContentSecurityPolicy);
        SecurityHeaders.ContentSecurityPolicy.ShouldBe("default-src 'self'; connect-src 'self'; "
            + "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'");
        Header(response, "X-Content-Type-Options").ShouldBe("nosniff");
        Header(response, "Referrer-Policy").ShouldBe("no-referrer");
        Header(response, "X-Frame-Options").ShouldBe("DENY");
    }

    [Fact]
    public async Task The_built_page_has_no_source_maps_and_no_inline_script_or_style()
    {
        var html = await fixture.Dashboard.Client.GetStringAsync(new Uri("/", UriKind.Relative));
        ScriptWithoutSrc().IsMatch(html).ShouldBeFalse("no inline <script>: the CSP refuses it");
        InlineStyle().IsMatch(html).ShouldBeFalse("no <style> element and no style attribute: the CSP refuses them");
        InlineHandler().IsMatch(html).ShouldBeFalse("no inline event handler: the CSP refuses it");

        var scripts = AssetPath().Matches(html).Select(m => m.Value).ToList();
        scripts.ShouldNotBeEmpty();
        foreach (var script in scripts)
        {
            using var asset = await fixture.Dashboard.Client.GetAsync(new Uri(script, UriKind.Relative));
            asset.StatusCode.ShouldBe(HttpStatusCode.OK);
            Header(asset, "Content-Security-Policy").ShouldBe(SecurityHeaders.ContentSecurityPolicy);
            (await asset.Content.ReadAsStringAsync()).ShouldNotContain("sourceMappingURL");
            using var map = await fixture.Dashboard.Client.GetAsync(new Uri(script + ".map", UriKind.Relative));
            map.StatusCode.ShouldBe(HttpStatusCode.NotFound, $"{script}.map is not published");
        }
        var assets = Path.Combine(Repository.Root, "frontend", "dist", "assets");
        Directory.GetFiles(assets, "*.map").ShouldBeEmpty("`npm run build` writes no source maps");
    }

    [Fact]
    public async Task Every_view_works_under_the_content_security_policy_without_a_violation()
    {
        var (page, errors) = await fixture.OpenAsync("/#sensor=dev-001");
        await fixture.Broker.PublishLevelAsync(Make.Level("dev-001", 68.2, threshold: 65));
        // The live grid and the selected sensor's chart (uPlot sets its sizes through CSSOM, which CSP allows).
        await Expect(page.Locator("[data-testid=sensor-tile][data-sensor-id=dev-001] [data-testid=sensor-level]"))
            .ToContainTextAsync("68.2");
        await Expect(page.GetByTestId("sensor-chart").Locator("canvas")).ToHaveCountAsync(1);

        // History: the chart, its table, the sensor's alert history with a new alert.
        var toggle = page.GetByTestId("history-toggle");
        await toggle.ClickAsync();
        await page.GetByTestId("range-week").ClickAsync();
        await Expect(page.GetByTestId("history-chart")).ToHaveAttributeAsync("data-points", "2");
        await page.GetByTestId("history-as-table").ClickAsync();
        await Expect(page.GetByTestId("history-table")).ToBeVisibleAsync();
        await fixture.Broker.RaiseAlertAsync(Make.Alert("dev-001"));
        await Expect(page.GetByTestId("alert-card").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("alert-history-item").First).ToBeVisibleAsync();

        // The day table and the map, coloured by Lden.
        await Expect(page.GetByTestId("day-row")).ToHaveCountAsync(2);
        await Expect(page.GetByTestId("map-sensor").First).ToBeVisibleAsync();
        await page.GetByTestId("map-mode-lden").ClickAsync();
        await Expect(page.GetByTestId("map-legend")).ToContainTextAsync("Lden");

        // Sign in through the form: the fetch and the hub's reconnection (a WebSocket: connect-src 'self').
        await page.GetByTestId("sign-in-button").ClickAsync();
        await Expect(page.GetByTestId("sign-in-dialog")).ToBeVisibleAsync();
        await page.GetByTestId("sign-in-username").FillAsync("operator");
        await page.GetByTestId("sign-in-password").FillAsync("operator");
        await page.GetByTestId("sign-in-submit").ClickAsync();
        await Expect(page.GetByTestId("signed-in-user")).ToContainTextAsync("operator");
        await Expect(page.GetByTestId("connection-state")).ToHaveAttributeAsync("data-state", "live");

        (await Violations(page)).ShouldBeEmpty();
        errors.ShouldBeEmpty();

        // The policy is in force: an inline style attribute is refused and reported (so the silence above counts).
        await page.EvaluateAsync(
            "() => document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')");
        await Eventually.TrueAsync(async () => (await Violations(page)).Count > 0, TimeSpan.FromSeconds(10),
            "the injected style attribute is reported");
        (await Violations(page)).Single().ShouldStartWith("style-src-attr blocked inline");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Malformed_fragments_open_the_default_view()
    {
        // A bad escape (decodeURIComponent throws a URIError: the page stopped before connecting), markup, a long one;
        // src/hash.test.ts tries the parser on many more.
        string[] fragments = ["#sensor=%E0%A4%A", "#history/<script>alert(1)</script>",
            "#sensor=dev-001&" + new string('x', 100_000)];
        var (page, errors) = await fixture.OpenAsync("/#%E0%A4%A");
        foreach (var fragment in fragments)
        {
            await page.GotoAsync("about:blank");
            await page.GotoAsync(new Uri(fixture.Dashboard.BaseAddress, "/" + fragment).ToString());
            await Expect(page.GetByTestId("connection-state"))
                .ToHaveAttributeAsync("data-state", "live", new() { Timeout = 30_000 });
            // The default view: the first sensor selected.
            await Expect(page.GetByTestId("selected-sensor-name")).ToBeVisibleAsync();
        }
        // And the page works: a tile selects its sensor.
        var tile = page.Locator("[data-testid=sensor-tile][data-sensor-id=dev-002]");
        var name = await tile.Locator(".tile-name").TextContentAsync();
        await tile.ClickAsync();
        await Expect(page.GetByTestId("selected-sensor-name")).ToHaveTextAsync(name!);
        page.Url.ShouldEndWith("#sensor=dev-002");
        errors.ShouldBeEmpty();
        (await Violations(page)).ShouldBeEmpty();
        await page.Context.CloseAsync();
    }

    private static async Task<List<string>> Violations(IPage page) =>
        (await page.EvaluateAsync<JsonElement>("() => window.__violations")).Deserialize<List<string>>()!;

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : null;

    [GeneratedRegex(@"<script(?![^>]*\ssrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptWithoutSrc();

    [GeneratedRegex(@"<style|\sstyle\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineStyle();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex InlineHandler();

    [GeneratedRegex(@"/assets/[^""]+\.js")]
    private static partial Regex AssetPath();

    /// <summary>The page fixture, its pages reporting CSP violations, uncaught errors and console errors.</summary>
    public sealed class Fixture() : PageFixture("dash-csp")
    {
        /// <summary>A live page at <paramref name="path"/> with its CSP violations (in <c>window.__violations</c>),
        /// uncaught errors and console errors collected.</summary>
        public async Task<(IPage Page, ConcurrentQueue<string> Errors)> OpenAsync(string path)
        {
            var errors = new ConcurrentQueue<string>();
            var page = await OpenLiveAsync(path, async opening =>
            {
                await opening.AddInitScriptAsync(CollectViolations);
                opening.PageError += (_, error) => errors.Enqueue($"uncaught: {error}");
                opening.Console += (_, message) =>
                {
                    if (message.Type == "error")
                    {
                        errors.Enqueue($"console: {message.Text}");
                    }
                };
            });
            return (page, errors);
        }
    }
}
