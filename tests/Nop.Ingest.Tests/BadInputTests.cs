using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Nop.Ingest.Tests;

/// <summary>
/// docs/architecture.md §8: bad input at the HTTP edge: the status code, a ProblemDetails body, and nothing published.
/// </summary>
public sealed class BadInputTests(IngestFixture fixture) : IClassFixture<IngestFixture>
{
    private IngestApp App => fixture.App;

    private static string Now(TimeSpan offset) =>
        (DateTimeOffset.UtcNow + offset)
            .ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);

    private static string Reading(string fields) =>
        "{\"sensorId\":\"dev-001\",\"measuredAt\":\"" + Now(TimeSpan.Zero) + "\"" + fields + "}";

    public static TheoryData<string> Cases => new(BadBodies.Keys);

    private static readonly Dictionary<string, (Func<string> Body, string Field)> BadBodies = new()
    {
        ["malformed JSON"] = (() => "{\"sensorId\": \"dev-001\", \"laeq\": 63.2", "body"),
        ["a NaN literal"] = (() => Reading(",\"laeq\":NaN"), "body"),
        ["an Infinity literal"] = (() => Reading(",\"laeq\":Infinity"), "body"),
        ["a negative Infinity literal"] = (() => Reading(",\"laeq\":-Infinity"), "body"),
        ["NaN as a string"] = (() => Reading(",\"laeq\":\"NaN\""), "laeq"),
        ["a number too large for a double"] = (() => Reading(",\"laeq\":1e999"), "laeq"),
        ["a string for laeq"] = (() => Reading(",\"laeq\":\"loud\""), "laeq"),
        ["a number for sensorId"] =
            (() => "{\"sensorId\":1,\"measuredAt\":\"" + Now(TimeSpan.Zero) + "\",\"laeq\":60}", "sensorId"),
        ["a boolean for lamax"] = (() => Reading(",\"laeq\":60,\"lamax\":true"), "lamax"),
        ["a number for measuredAt"] =
            (() => "{\"sensorId\":\"dev-001\",\"measuredAt\":1763893530,\"laeq\":60}", "measuredAt"),
        ["a missing laeq"] = (() => Reading(""), "laeq"),
        ["a missing measuredAt"] = (() => "{\"sensorId\":\"dev-001\",\"laeq\":60}", "measuredAt"),
        ["a missing sensorId"] = (() => "{\"measuredAt\":\"" + Now(TimeSpan.Zero) + "\",\"laeq\":60}", "sensorId"),
        ["a null laeq"] = (() => Reading(",\"laeq\":null"), "laeq"),
        ["an unknown field"] = (() => Reading(",\"laeq\":60,\"colour\":\"red\""), "colour"),
        ["a PascalCase field"] = (() => Reading(",\"Laeq\":60"), "Laeq"),
        ["a repeated field"] = (() => Reading(",\"laeq\":60,\"laeq\":61"), "laeq"),
        ["a negative level"] = (() => Reading(",\"laeq\":-0.1"), "laeq"),
        ["195 dB"] = (() => Reading(",\"laeq\":195"), "laeq"),
        ["lamax above 194 dB"] = (() => Reading(",\"laeq\":60,\"lamax\":194.5"), "lamax"),
        ["lamax below laeq"] = (() => Reading(",\"laeq\":60,\"lamax\":59.9"), "lamax"),
        ["a zero duration"] = (() => Reading(",\"laeq\":60,\"durationSeconds\":0"), "durationSeconds"),
        ["a timestamp 10 minutes ahead"] = (() => "{\"sensorId\":\"dev-001\",\"measuredAt\":\""
            + Now(TimeSpan.FromMinutes(10)) + "\",\"laeq\":60}", "measuredAt"),
        ["a timestamp 25 hours old"] = (() => "{\"sensorId\":\"dev-001\",\"measuredAt\":\""
            + Now(TimeSpan.FromHours(-25)) + "\",\"laeq\":60}", "measuredAt"),
        ["a timestamp without a UTC offset"] = (() => "{\"sensorId\":\"dev-001\",\"measuredAt\":\""
            + Now(TimeSpan.Zero).TrimEnd('Z') + "\",\"laeq\":60}", "measuredAt"),
        ["an impossible date"] =
            (() => "{\"sensorId\":\"dev-001\",\"measuredAt\":\"2026-02-30T10:00:00Z\",\"laeq\":60}", "measuredAt"),
        ["an invalid sensor id"] =
            (() => "{\"sensorId\":\"Dev_001\",\"measuredAt\":\"" + Now(TimeSpan.Zero) + "\",\"laeq\":60}", "sensorId"),
        ["an invalid reading id"] = (() => Reading(",\"laeq\":60,\"readingId\":\"has spaces\""), "readingId"),
        ["an empty batch"] = (() => "{\"readings\":[]}", "readings"),
        ["1,001 readings"] = (() => Readings.Json(
            Readings.Batch(Enumerable.Range(0, 1001).Select(i => Readings.Valid(readingId: $"r{i}")))), "readings"),
        ["readings that is not an array"] = (() => "{\"readings\":{}}", "readings"),
        ["a batch with an extra field"] =
            (() => "{\"readings\":[" + Reading(",\"laeq\":60") + "],\"sensorId\":\"dev-001\"}", "sensorId"),
        ["a batch item that is not an object"] =
            (() => "{\"readings\":[" + Reading(",\"laeq\":60") + ",42]}", "readings[1]"),
        ["one invalid reading in a batch"] = (() => Readings.Json(Readings.Batch(Enumerable.Range(0, 5)
            .Select(i => Readings.Valid(readingId: $"r{i}", laeq: i == 3 ? 300 : 60)))), "readings[3].laeq"),
        ["the same reading twice in a batch"] = (() => Readings.Json(Readings.Batch([Readings.Valid(readingId: "twice"),
            Readings.Valid(readingId: "x"), Readings.Valid(readingId: "twice")])), "readings[2].readingId"),
        ["an array as the body"] = (() => "[" + Reading(",\"laeq\":60") + "]", "body"),
        ["JSON null as the body"] = (() => "null", "body"),
        ["an empty body"] = (() => "", "body"),
        ["JSON nested 100 deep"] = (() => new string('[', 100) + new string(']', 100), "body"),
        ["a comment in the JSON"] = (() => "/* hi */" + Reading(",\"laeq\":60"), "body"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_body_gets_400_with_the_field_named_and_publishes_nothing(string @case)
    {
        var (body, field) = BadBodies[@case];

        using var response = await App.PostAsync(body());

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.ErrorFields().ShouldContain(field, problem.ToJsonString());
        await App.AssertNothingPublishedAsync();
    }

    [Fact]
    public async Task Invalid_UTF8_gets_400_and_publishes_nothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/readings", UriKind.Relative))
        {
            Content = new ByteArrayContent([.. Encoding.UTF8.GetBytes("{\"sensorId\":\"dev-"), 0xC3, 0x28,
                .. Encoding.UTF8.GetBytes("\"}")]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Api-Key", "dev-key-dev-001");

        using var response = await App.Client.SendAsync(request);

        (await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).ErrorFields().ShouldContain("body");
        await App.AssertNothingPublishedAsync();
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task Wrong_content_type_gets_415_and_publishes_nothing(string contentType)
    {
        using var response = await App.PostAsync(Reading(",\"laeq\":60"), contentType: contentType);

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await App.AssertNothingPublishedAsync();
    }

    [Fact]
    public async Task Missing_content_type_gets_415_and_publishes_nothing()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/readings", UriKind.Relative))
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Reading(",\"laeq\":60"))),
        };
        request.Headers.Add("X-Api-Key", "dev-key-dev-001");

        using var response = await App.Client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);
        await App.AssertNothingPublishedAsync();
    }

    [Fact]
    public async Task Huge_body_gets_413_and_publishes_nothing()
    {
        // 2 MB of otherwise valid readings: over the 1 MB limit before anything else is looked at.
        var body = Readings.Json(Readings.Batch(Enumerable.Range(0, 900)
            .Select(i => Readings.Valid(readingId: $"r{i}-" + new string('x', 2000)[..100]))))
            + new string(' ', 2 * 1024 * 1024);

        using var response = await App.PostAsync(body);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await App.AssertNothingPublishedAsync();
    }

    [Fact]
    public async Task Huge_chunked_body_without_content_length_gets_413_and_publishes_nothing()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"readings\":["
            + string.Join(",", Enumerable.Repeat(Reading(",\"laeq\":60"), 20_000)) + "]}");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/readings", UriKind.Relative))
        {
            Content = new StreamContent(new UnknownLengthStream(bytes)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Api-Key", "dev-key-dev-001");
        request.Headers.TransferEncodingChunked = true;

        using var response = await App.Client.SendAsync(request);

        await response.ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await App.AssertNothingPublishedAsync();
    }

    [Fact]
    public async Task Missing_key_gets_401_and_publishes_nothing()
    {
        using var response = await App.PostAsync(Reading(",\"laeq\":60"), apiKey: null);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        problem["detail"]!.GetValue<string>().ShouldContain("X-Api-Key");
        response.Headers.WwwAuthenticate.ShouldNotBeEmpty();
        await App.AssertNothingPublishedAsync();
    }

    [Theory]
    [InlineData("dev-key-dev-999")]
    [InlineData("DEV-KEY-DEV-001")]
    [InlineData("sha256:929f4e4678b4ec924bc74f59060e701c15a55079e86e19af2169ddbfa8a0208c")]
    public async Task Wrong_key_gets_401_and_publishes_nothing(string key)
    {
        using var response = await App.PostAsync(Reading(",\"laeq\":60"), apiKey: key);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await App.AssertNothingPublishedAsync();
    }

    [Fact]
    public async Task Another_sensors_key_gets_403_and_publishes_nothing()
    {
        using var response = await App.PostAsync(Reading(",\"laeq\":60"), apiKey: "dev-key-dev-002");

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        problem["detail"]!.GetValue<string>().ShouldContain("dev-001");
        await App.AssertNothingPublishedAsync();
    }

    [Fact]
    public async Task A_batch_with_one_reading_of_another_sensor_gets_403_and_publishes_nothing()
    {
        var batch = Readings.Batch([Readings.Valid("dev-002", "a"), Readings.Valid("dev-002", "b"),
            Readings.Valid("dev-003", "c")]);

        using var response = await App.PostAsync(Readings.Json(batch), apiKey: "dev-key-dev-002");

        (await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden))["detail"]!.GetValue<string>()
            .ShouldContain("dev-003");
        await App.AssertNothingPublishedAsync("dev-002");
    }

    [Fact]
    public async Task Random_garbage_never_gets_a_500()
    {
        // Mutations of a valid body (deleted, inserted and replaced characters) must all be answered 202 or 4xx.
        var random = new Random(20261123);
        var valid = Readings.Json(
            Readings.Batch([Readings.Valid(readingId: "g1"), Readings.Valid(readingId: "g2", laeq: 70, lamax: null)]));
        const string alphabet = "{}[]\":,.-+eE0123456789 nulltruefalseNaN\\u00\u00e9\u0000";
        var accepted = 0;
        for (var i = 0; i < 150; i++)
        {
            var text = new StringBuilder(valid);
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text.Remove(at, 1); break;
                    case 1: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }
            using var response = await App.PostAsync(text.ToString());
            var status = (int)response.StatusCode;
            if (status == 202)
            {
                accepted++;
                continue;
            }
            status.ShouldBeInRange(400, 499, $"{text}: {await response.Content.ReadAsStringAsync()}");
            response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        }
        // What was accepted is already in the queue (202 comes after the confirm): drain it for the next test.
        (await App.Tap.TakeAllAsync()).Count.ShouldBeGreaterThanOrEqualTo(accepted);
        accepted.ShouldBeLessThan(150);
    }

    [Fact]
    public async Task A_field_repeated_thousands_of_times_gets_a_bounded_list_that_says_how_many_were_left_out()
    {
        var body = Reading(",\"laeq\":60" + string.Concat(Enumerable.Repeat(",\"laeq\":61", 5000)));

        using var response = await App.PostAsync(body);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var messages = problem["errors"]!["laeq"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        messages.Count.ShouldBe(Nop.Ingest.Readings.ReadingParser.MaxErrorsPerField + 1);
        messages.Last().ShouldBe("4995 more error(s) of this field left out.");
        (await response.Content.ReadAsByteArrayAsync()).Length.ShouldBeLessThan(4096);
    }

    [Fact]
    public async Task A_batch_of_1000_bad_readings_lists_a_bounded_number_of_fields_and_how_many_more_failed()
    {
        var batch = Readings.Batch(Enumerable.Range(0, 1000).Select(i => new Dictionary<string, object?>
        {
            ["sensorId"] = "Bad_Id",
            ["measuredAt"] = "yesterday",
            ["laeq"] = 500,
        }));

        using var response = await App.PostAsync(Readings.Json(batch));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var fields = problem.ErrorFields();
        fields.Count.ShouldBe(Nop.Ingest.Readings.ReadingParser.MaxReportedErrors + 1);
        problem["errors"]!["$"]![0]!.GetValue<string>().ShouldStartWith("2900 more field(s) have errors");
    }

    /// <summary>A stream whose length HttpClient cannot know, so it sends the body chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
