using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Nop.Ingest.Readings;

namespace Nop.Ingest.Tests;

/// <summary>
/// ReadingParser in process: the allocation-free paths (the measuredAt fast path, field names compared as bytes)
/// decide exactly as the full checks do.
/// </summary>
public sealed partial class ReadingParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 15, 30, TimeSpan.Zero);

    [Theory]
    [InlineData("2026-11-23T10:15:30Z")]
    [InlineData("2026-11-23T10:15:30.5Z")]
    [InlineData("2026-11-23T10:15:30.1234567Z")]
    [InlineData("2026-11-23T11:15:30+01:00")]
    [InlineData("2026-11-23T05:45:30.25-04:30")]
    [InlineData("2026-11-24T00:15:30+14:00")]
    [InlineData("2026-11-22T20:15:30-14:00")]
    [InlineData("2026-11-23T10:15:30-00:00")]
    [InlineData("2024-02-29T23:59:59Z")]
    public void The_timestamp_fast_path_takes_the_usual_forms_and_reads_what_DateTimeOffset_reads(string text)
    {
        UtcTimestamp.TryParse(Raw(text), out var fast).ShouldBeTrue();

        fast.ShouldBe(FullCheck(text)!.Value);
        fast.Offset.ShouldBe(TimeSpan.Zero);
    }

    [Theory]
    [InlineData("2026-11-23T10:15:60Z")] // a leap second
    [InlineData("2026-11-23T24:00:00Z")]
    [InlineData("2026-11-24T00:15:30+14:01")]
    [InlineData("2026-11-23T10:15:30+01:60")]
    [InlineData("2026-02-29T10:15:30Z")]
    [InlineData("2026-11-31T10:15:30Z")]
    [InlineData("2026-13-23T10:15:30Z")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("9999-12-31T23:59:59Z")]
    [InlineData("2026-11-23T10:15:30.12345678Z")]
    [InlineData("2026-11-23T10:15:30.Z")]
    [InlineData("2026-11-23T10:15:30")]
    [InlineData("2026-11-23T10:15:30+0100")]
    [InlineData("2026-11-23t10:15:30Z")]
    [InlineData(" 2026-11-23T10:15:30Z")]
    [InlineData("\u0662\u0660\u0662\u0666-11-23T10:15:30Z")] // Arabic-Indic digits match \d
    [InlineData("2026-11-23T10:15:30Z\\n")] // a final line feed: the pattern's $ matches before it
    [InlineData("\\u0032026-11-23T10:15:30Z")] // an escape
    public void The_timestamp_fast_path_leaves_everything_else_to_the_full_check(string text)
    {
        UtcTimestamp.TryParse(Raw(text), out _).ShouldBeFalse();
    }

    [Fact]
    public void The_timestamp_fast_path_never_takes_what_the_full_check_refuses_or_reads_otherwise()
    {
        var random = new Random(20261123);
        string Two(int max) => random.Next(max).ToString("00", CultureInfo.InvariantCulture);
        for (var i = 0; i < 20_000; i++)
        {
            var fraction = random.Next(4) == 0 ? "." + new string('7', random.Next(0, 9)) : "";
            var offset = random.Next(3) switch
            {
                0 => "Z",
                1 => "+" + Two(17) + ":" + Two(62),
                _ => "-" + Two(17) + ":" + Two(62),
            };
            var text = random.Next(1, 10_000).ToString("0000", CultureInfo.InvariantCulture) + "-" + Two(14) + "-"
                + Two(33) + "T" + Two(26) + ":" + Two(62) + ":" + Two(62) + fraction + offset;
            var expected = FullCheck(text);
            if (UtcTimestamp.TryParse(Raw(text), out var fast))
            {
                expected.ShouldNotBeNull(text);
                fast.ShouldBe(expected.Value, text);
                fast.Offset.ShouldBe(TimeSpan.Zero, text);
            }
        }
    }

    [Fact]
    public void Repeated_unknown_and_escaped_field_names_are_reported_per_field()
    {
        var body = "{\"readings\":[{\"sensorId\":\"dev-001\",\"measuredAt\":\"2026-11-23T10:15:30Z\",\"laeq\":60,"
            + "\"la\\u0065q\":61,\"x\":1,\"x\":2,\"lamax\":50},"
            + "{\"sensor\\u0049d\":\"dev-001\",\"measuredAt\":\"2026-11-23T10:15:29Z\",\"laeq\":60,"
            + "\"sensorId\":\"a\"}]}";

        var result = ReadingParser.Parse(Encoding.UTF8.GetBytes(body), Now, new IngestOptions());

        result.Errors.ShouldNotBeNull();
        result.Errors.Keys.ShouldBe(["readings[0].laeq", "readings[0].x", "readings[0].lamax", "readings[1].sensorId"]);
        result.Errors["readings[0].laeq"].ShouldBe(["appears more than once."]);
        result.Errors["readings[0].x"].ShouldBe(["is not a known field.", "appears more than once."]);
        result.Errors["readings[0].lamax"].ShouldBe(
            ["must not be below laeq (60): the maximum level of an interval is at least its average."]);
        result.Errors["readings[1].sensorId"].ShouldBe(["appears more than once."]);
        result.Posted.ShouldBe(2);
    }

    [Fact]
    public void A_batch_of_one_sensor_keeps_each_reading_and_its_sensor_id()
    {
        var body = "{\"readings\":[" + string.Join(",", Enumerable.Range(0, 3).Select(i =>
            "{\"sensorId\":\"dev-001\",\"readingId\":\"r" + i + "\",\"measuredAt\":\"2026-11-23T11:15:2" + i
            + ".5+01:00\",\"laeq\":6" + i + ",\"durationSeconds\":1}")) + ",{\"sensorId\":\"Dev-001\","
            + "\"measuredAt\":\"2026-11-23T10:15:20Z\",\"laeq\":60}]}";

        var refused = ReadingParser.Parse(Encoding.UTF8.GetBytes(body), Now, new IngestOptions());
        var accepted = ReadingParser.Parse(Encoding.UTF8.GetBytes(body.Replace("Dev-001", "dev-002")), Now,
            new IngestOptions());

        refused.Errors!.Keys.ShouldBe(["readings[3].sensorId"]);
        accepted.Readings.Select(r => (r.SensorId, r.ReadingId, r.MeasuredAt, r.Laeq)).ShouldBe([
            ("dev-001", "r0", new DateTimeOffset(2026, 11, 23, 10, 15, 20, 500, TimeSpan.Zero), 60.0),
            ("dev-001", "r1", new DateTimeOffset(2026, 11, 23, 10, 15, 21, 500, TimeSpan.Zero), 61.0),
            ("dev-001", "r2", new DateTimeOffset(2026, 11, 23, 10, 15, 22, 500, TimeSpan.Zero), 62.0),
            ("dev-002", "2026-11-23T10:15:20.0000000Z", new DateTimeOffset(2026, 11, 23, 10, 15, 20, TimeSpan.Zero),
                60.0),
        ]);
    }

    // The value as it stands in the JSON: between quotes, escapes (\n, \uXXXX) as written.
    private static byte[] Raw(string jsonText) => Encoding.UTF8.GetBytes("\"" + jsonText + "\"");

    // What ReadingParser decided before the fast path, and still decides for anything the fast path leaves.
    private static DateTimeOffset? FullCheck(string text) =>
        MeasuredAtPattern().IsMatch(text)
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var parsed)
            ? parsed.ToUniversalTime()
            : null;

    [GeneratedRegex(ReadingLimits.MeasuredAtPattern, RegexOptions.CultureInvariant)]
    private static partial Regex MeasuredAtPattern();
}
