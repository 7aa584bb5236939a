using Nop.Processing.Aggregation;

namespace Nop.Processing.Tests;

[Trait("Category", "Unit")]
public sealed class LevelDistributionTests
{
    [Theory]
    [InlineData(65.24, 652)]
    [InlineData(65.26, 653)]
    [InlineData(65.25, 653)] // 652.5 exactly: away from zero
    [InlineData(40, 400)]
    [InlineData(0, 0)]
    [InlineData(194, 1940)]
    public void A_class_is_the_level_in_tenths_of_a_dB_rounded_to_nearest(double level, int expected) =>
        LevelDistribution.ClassOf(level).ShouldBe(expected);

    [Fact]
    public void Merged_distributions_add_their_seconds_per_class_and_give_the_levels_of_the_whole()
    {
        var minute1 = new LevelDistribution();
        minute1.Add(80, 55);
        minute1.Add(40.04, 5);
        var minute2 = new LevelDistribution();
        minute2.Add(39.96, 60);

        minute1.Merge(minute2);

        minute1.Classes.OrderBy(c => c.Key).ShouldBe([new(400, 65.0), new(800, 55.0)]);
        // 120 s: 80 dB for 55 s (45.8 %), so L10 is 80 and L50 and L90 are 40.
        (minute1.Exceeded(10), minute1.Exceeded(50), minute1.Exceeded(90)).ShouldBe((80, 40, 40));
    }

    [Fact]
    public void The_level_exceeded_is_the_highest_class_whose_time_at_or_above_it_reaches_the_share()
    {
        var d = new LevelDistribution();
        d.Add(70, 1);
        d.Add(60, 4);
        d.Add(50, 5);

        // 10 s: 70 for 1 s (10 %), ≥ 60 for 5 s (50 %), ≥ 50 for 10 s.
        (d.Exceeded(10), d.Exceeded(10.01), d.Exceeded(50), d.Exceeded(50.01), d.Exceeded(90))
            .ShouldBe((70, 60, 60, 50, 50));
    }
}
