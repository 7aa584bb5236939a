using Nop.History.Indicators;

namespace Nop.History.Tests.Indicators;

[Trait("Category", "Unit")]
public sealed class LevelHistogramTests
{
    [Fact]
    public void Half_an_hour_at_70_and_half_at_50_gives_L10_70_L50_70_L90_50()
    {
        var histogram = new LevelHistogram();
        histogram.Add(700, 1800);
        histogram.Add(500, 1800);

        // From the top: 70 dB holds 1800 of 3600 s = 50 %, which reaches 10 % and (exactly) 50 %, not 90 %.
        histogram.Exceeded(10).ShouldBe(70.0);
        histogram.Exceeded(50).ShouldBe(70.0);
        histogram.Exceeded(90).ShouldBe(50.0);
    }

    [Fact]
    public void Exceeded_levels_are_time_weighted_classes()
    {
        // 6 s at 80.0, 54 s at 60.3, 40 s at 45.1: 100 s. Cumulative from the top: 6 % at 80.0, 60 % at 60.3.
        var histogram = LevelHistogram.From(new Dictionary<int, double> { [800] = 6, [603] = 54, [451] = 40 });

        histogram.Exceeded(5).ShouldBe(80.0);
        histogram.Exceeded(10).ShouldBe(60.3);
        histogram.Exceeded(60).ShouldBe(60.3);
        histogram.Exceeded(61).ShouldBe(45.1);
        histogram.TotalSeconds.ShouldBe(100);
    }

    [Fact]
    public void Exceeded_levels_read_from_the_encoded_form_are_those_of_the_decoded_histogram()
    {
        // As above: 6 s at 80.0, 54 s at 60.3, 40 s at 45.1, read without decoding into a histogram.
        var encoded = LevelHistogram.From(new Dictionary<int, double> { [800] = 6, [603] = 54, [451] = 40 }).Encode();

        LevelHistogram.Exceeded(encoded, 5, 10, 60, 61).ShouldBe([80.0, 60.3, 60.3, 45.1]);
        LevelHistogram.Exceeded([], 50).ShouldBe([null]);
    }

    [Fact]
    public void An_empty_histogram_exceeds_nothing()
    {
        var histogram = new LevelHistogram();
        histogram.IsEmpty.ShouldBeTrue();
        histogram.Exceeded(50).ShouldBeNull();
    }

    [Fact]
    public void Merging_adds_seconds_per_class()
    {
        var a = LevelHistogram.From(new Dictionary<int, double> { [600] = 10, [610] = 5 });
        a.Merge(LevelHistogram.From(new Dictionary<int, double> { [610] = 15, [620] = 20 }));

        a.Classes.ShouldBe(new Dictionary<int, double> { [600] = 10, [610] = 20, [620] = 20 }, ignoreOrder: true);
    }

    [Fact]
    public void Seconds_above_a_level_leave_out_the_class_at_it()
    {
        // 20 s at 54.0, 5 s at 55.0 (not above 55), 30 s at 56.0 and 10 s at 60.0 above it: 40 s.
        var histogram = LevelHistogram.From(new Dictionary<int, double>
        {
            [540] = 20,
            [550] = 5,
            [560] = 30,
            [600] = 10
        });
        histogram.SecondsAbove(55).ShouldBe(40);
    }

    [Fact]
    public void Encoding_round_trips_in_5_bytes_a_class_and_one_more_for_the_first()
    {
        var histogram = LevelHistogram.From(new Dictionary<int, double>
        {
            [0] = 0.5,
            [500] = 30,
            [502] = 12.25,
            [652] = 1800,
            [1940] = 0.125,
        });

        var bytes = histogram.Encode();

        // First class 0: zigzag 0, 1 byte; steps 500 (2 bytes), 2 (1), 150 (2), 1288 (2); plus 5 × 4 seconds.
        bytes.Length.ShouldBe(1 + 2 + 1 + 2 + 2 + (5 * 4));
        LevelHistogram.Decode(bytes).Classes.ShouldBe(histogram.Classes, ignoreOrder: true);
    }

    [Fact]
    public void An_hour_spread_over_15_dB_takes_751_bytes()
    {
        // 150 classes from 45.0 to 59.9 dB: the first is zigzag 900 (2 bytes), each next a step of 1 (1 byte).
        var histogram = new LevelHistogram();
        for (var levelClass = 450; levelClass < 600; levelClass++)
        {
            histogram.Add(levelClass, 24);
        }
        histogram.Encode().Length.ShouldBe(2 + 149 + (150 * 4));
    }

    [Fact]
    public void A_negative_class_round_trips()
    {
        var histogram = LevelHistogram.From(new Dictionary<int, double> { [-5] = 1, [3] = 2 });
        LevelHistogram.Decode(histogram.Encode()).Classes.ShouldBe(histogram.Classes, ignoreOrder: true);
    }

    [Fact]
    public void A_truncated_encoding_is_refused()
    {
        var bytes = LevelHistogram.From(new Dictionary<int, double> { [600] = 10 }).Encode();
        Should.Throw<FormatException>(() => LevelHistogram.Decode(bytes.AsSpan(0, bytes.Length - 1)));
    }
}
