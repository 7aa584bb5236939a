using Nop.Ingest.Readings;
using Nop.Simulator;
using Nop.Simulator.Generation;
using Nop.Simulator.Running;

namespace Nop.Ingest.Tests.Simulator;

/// <summary>The simulator's readings: reproducible for a seed, and shaped as each profile documents.</summary>
[Trait("Category", "Unit")]
public sealed class GeneratorTests
{
    // A Monday.
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static List<SimulatedReading> Generate(Profile profile, int seed, DateTimeOffset start, double rate,
        int count, string sensorId = "dev-001",
        SensorZone zone = SensorZone.Commercial)
    {
        var generator = new ReadingGenerator(sensorId, zone, profile, seed, start, rate);
        return Enumerable.Range(0, count).Select(_ => generator.Next()).ToList();
    }

    private static double MeanOver(IEnumerable<SimulatedReading> readings, double fromHour, double toHour) =>
        readings.Where(r => r.MeasuredAt.UtcDateTime.TimeOfDay.TotalHours >= fromHour
            && r.MeasuredAt.UtcDateTime.TimeOfDay.TotalHours < toHour)
            .Average(r => r.Laeq);

    [Theory]
    [InlineData(Profile.City)]
    [InlineData(Profile.Construction)]
    [InlineData(Profile.Nightlife)]
    [InlineData(Profile.Park)]
    [InlineData(Profile.Faulty)]
    public void The_same_seed_gives_the_same_readings_and_another_seed_other_ones(Profile profile)
    {
        var first = Generate(profile, 42, Monday.AddHours(8), 1, 2000);
        var again = Generate(profile, 42, Monday.AddHours(8), 1, 2000);
        var other = Generate(profile, 43, Monday.AddHours(8), 1, 2000);

        again.ShouldBe(first);
        other.Select(r => r.Laeq).ShouldNotBe(first.Select(r => r.Laeq));
        other.Select(r => r.ReadingId).Intersect(first.Select(r => r.ReadingId)).ShouldBeEmpty();
    }

    [Fact]
    public void Readings_come_one_interval_apart_with_unique_ids_from_the_start()
    {
        var readings = Generate(Profile.City, 7, Monday, 4, 400);

        readings.Select(r => r.ReadingId).Distinct().Count().ShouldBe(400);
        // Each reading is stamped at the end of the quarter second it covers.
        readings.Select(r => r.MeasuredAt)
            .ShouldBe(Enumerable.Range(1, 400).Select(i => Monday.AddMilliseconds(250 * i)));
        readings.ShouldAllBe(r => r.DurationSeconds == 0.25);
        readings[0].ReadingId.ShouldBe("sim-00000007-dev-001-0000001");
    }

    [Fact]
    public void One_second_levels_end_on_whole_seconds_after_the_start_whatever_the_start()
    {
        var start = Monday.AddHours(12).AddMilliseconds(300);

        var readings = Generate(Profile.City, 7, start, 1, 3);
        var other = Generate(Profile.Park, 8, start.AddMilliseconds(500), 1, 3, sensorId: "dev-002");

        readings.Select(r => r.MeasuredAt).ShouldBe([Monday.AddHours(12).AddSeconds(1),
            Monday.AddHours(12).AddSeconds(2), Monday.AddHours(12).AddSeconds(3)]);
        other.Select(r => r.MeasuredAt)
            .ShouldBe(readings.Select(r => r.MeasuredAt), "sensors share the grid of whole seconds");
        readings.ShouldAllBe(r => r.DurationSeconds == 1);
    }

    [Fact]
    public void A_sensors_packets_come_one_interval_apart_at_its_phase_and_the_first_at_once_when_asked()
    {
        var from = Monday.AddHours(12);
        var schedule =
            new PacketSchedule(from, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(15), firstPacketNow: false);
        var now = new PacketSchedule(from, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(15), firstPacketNow: true);

        schedule.First.ShouldBe(from.AddSeconds(15));
        schedule.After(from.AddSeconds(15)).ShouldBe(from.AddSeconds(75));
        schedule.After(from.AddSeconds(75)).ShouldBe(from.AddSeconds(135));
        now.First.ShouldBe(from);
        now.After(from).ShouldBe(from.AddSeconds(15));
        PacketSchedule.Phase(1, "dev-001").ShouldBe(PacketSchedule.Phase(1, "dev-001"));
        PacketSchedule.Phase(1, "dev-001").ShouldNotBe(PacketSchedule.Phase(1, "dev-002"));
        PacketSchedule.Phase(1, "dev-001").ShouldBeInRange(0, 0.999999);
    }

    [Fact]
    public void City_profile_is_louder_by_day_than_at_night()
    {
        var day = Generate(Profile.City, 1, Monday, 1.0 / 60, 24 * 60);

        var rushHour = MeanOver(day, 7.5, 9);
        var night = MeanOver(day, 2, 4.5);

        rushHour.ShouldBeGreaterThan(night + 12, $"rush hour {rushHour:0.0} dB, night {night:0.0} dB");
        rushHour.ShouldBeInRange(62, 72);
        night.ShouldBeInRange(42, 53);
    }

    [Fact]
    public void Construction_profile_bursts_between_80_and_95_dB_with_spikes_in_working_hours_only()
    {
        var monday = Generate(Profile.Construction, 3, Monday, 1.0 / 10, 24 * 360);
        var working = monday.Where(r => r.MeasuredAt.Hour is >= 7 and < 17).ToList();
        var offHours = monday.Where(r => r.MeasuredAt.Hour is < 6 or >= 18).ToList();
        var sunday = Generate(Profile.Construction, 3, Monday.AddDays(-1), 1.0 / 10, 24 * 360);

        working.Count(r => r.Laeq is >= 80 and <= 95).ShouldBeGreaterThan(working.Count / 5);
        working.Where(r => r.Laeq >= 80).ShouldAllBe(r => r.Laeq <= 95);
        working.Count(r => r.Lamax >= 100).ShouldBeGreaterThan(10, "jackhammers make spikes");
        offHours.ShouldAllBe(r => r.Laeq < 65);
        sunday.ShouldAllBe(r => r.Laeq < 65);
    }

    [Fact]
    public void Nightlife_profile_is_louder_around_midnight_than_at_noon()
    {
        var day = Generate(Profile.Nightlife, 5, Monday.AddHours(-2), 1.0 / 30, 26 * 120);

        MeanOver(day, 22.5, 24).ShouldBeGreaterThan(MeanOver(day, 11, 14) + 12);
        day.ShouldContain(r => r.Lamax >= 96, "bottles and shouting");
    }

    [Fact]
    public void Park_profile_stays_between_35_and_50_dB()
    {
        var day = Generate(Profile.Park, 9, Monday, 1.0 / 10, 24 * 360);

        day.ShouldAllBe(r => r.Laeq >= 35 && r.Laeq <= 50);
        MeanOver(day, 10, 16).ShouldBeGreaterThan(MeanOver(day, 0, 5) + 3);
    }

    [Fact]
    public void Faulty_profile_gets_stuck_on_one_value_and_reports_implausible_levels()
    {
        var readings = Generate(Profile.Faulty, 11, Monday.AddHours(10), 1, 60 * 60);

        var longestRun = 1;
        for (int i = 1, run = 1; i < readings.Count; i++)
        {
            run = readings[i].Laeq == readings[i - 1].Laeq ? run + 1 : 1;
            longestRun = Math.Max(longestRun, run);
        }
        longestRun.ShouldBeGreaterThanOrEqualTo(100, "a stuck sensor repeats its value exactly");
        readings.ShouldContain(r => r.Laeq == 0, "a dead microphone");
        readings.ShouldContain(r => r.Laeq >= 140, "a clipping one");
        readings.ShouldContain(r => r.Laeq > 30 && r.Laeq < 80, "and normal readings between faults");
    }

    [Theory]
    [InlineData(Profile.City)]
    [InlineData(Profile.Construction)]
    [InlineData(Profile.Nightlife)]
    [InlineData(Profile.Park)]
    [InlineData(Profile.Faulty)]
    public void Every_generated_reading_passes_Ingests_validation(Profile profile)
    {
        var now = DateTimeOffset.UtcNow;
        var readings = Generate(profile, 13, now.AddHours(-20), 1.0 / 60, 1000);
        var json = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new ReadingBatch(readings),
            System.Text.Json.JsonSerializerOptions.Web);

        var parsed = ReadingParser.Parse(json, now, new IngestOptions());

        parsed.Errors.ShouldBeNull(string.Join("; ", parsed.Errors?.Select(e => $"{e.Key}: {e.Value[0]}") ?? []));
        parsed.Readings.Count.ShouldBe(1000);
    }

    [Fact]
    public void Mixed_gives_each_zone_its_profile_and_every_20th_sensor_a_fault()
    {
        Profiles.For(Profile.Mixed, SensorZone.Quiet, 0).ShouldBe(Profile.Park);
        Profiles.For(Profile.Mixed, SensorZone.Industrial, 1).ShouldBe(Profile.Construction);
        Profiles.For(Profile.Mixed, SensorZone.Residential, 3).ShouldBe(Profile.City);
        Profiles.For(Profile.Mixed, SensorZone.Commercial, 2).ShouldBe(Profile.Nightlife);
        Profiles.For(Profile.Mixed, SensorZone.Quiet, 19).ShouldBe(Profile.Faulty);
        Profiles.For(Profile.Park, SensorZone.Industrial, 19).ShouldBe(Profile.Park);
    }

    [Fact]
    public void A_few_sensors_are_spread_over_the_catalogue_and_cover_every_zone()
    {
        var all = SimulatorCatalogue.Load(IngestApp.DevCatalogPath, keysPath: null);
        var twenty = SimulatorCatalogue.Spread(all, 20);

        all.Count.ShouldBe(50);
        twenty.Count.ShouldBe(20);
        twenty.Select(s => s.Id).Distinct().Count().ShouldBe(20);
        twenty.Select(s => s.Zone).Distinct().Count().ShouldBe(4);
        twenty.ShouldAllBe(s => s.ApiKey == "dev-key-" + s.Id);
        Should.Throw<ArgumentException>(() => SimulatorCatalogue.Spread(all, 51));
    }

    [Fact]
    public void Durations_and_event_times_parse_as_documented()
    {
        SimulatorCommand.ParseDuration("90s").ShouldBe(TimeSpan.FromSeconds(90));
        SimulatorCommand.ParseDuration("10m").ShouldBe(TimeSpan.FromMinutes(10));
        SimulatorCommand.ParseDuration("1h30m").ShouldBe(TimeSpan.FromMinutes(90));
        SimulatorCommand.ParseDuration("250ms").ShouldBe(TimeSpan.FromMilliseconds(250));
        SimulatorCommand.ParseDuration("00:10:00").ShouldBe(TimeSpan.FromMinutes(10));
        Should.Throw<FormatException>(() => SimulatorCommand.ParseDuration("soon"));
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        SimulatorCommand.ParseEventTime("now-2h", now).ShouldBe(now.AddHours(-2));
        SimulatorCommand.ParseEventTime("2026-11-23T08:00:00Z", now).ShouldBe(now.AddHours(-4));
    }
}
