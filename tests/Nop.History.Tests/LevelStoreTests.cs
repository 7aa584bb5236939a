using Microsoft.EntityFrameworkCore;
using Nop.Contracts;
using Nop.History.Data;
using Nop.History.Levels;
using Nop.History.Retention;
using Nop.History.Tests.Support;
using Nop.Messaging;
using Nop.Testing;

namespace Nop.History.Tests;

// History over the real broker and a real SQLite file: levels published on nop.noise, answered over request/reply.
public sealed class LevelStoreTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Published_levels_come_back_as_minute_and_hour_points()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-points");
        await bed.StartHistoryAsync();
        // 08:00–09:00 local: 30 minutes at 70 dB, then 30 at 50 dB, in messages of 7 windows (Processing's), but for
        // the last four, each a message of its own (an older Processing's, still in the stream after an upgrade).
        var hour = LevelEvents.DayStart.AddHours(8);
        var windows = Enumerable.Range(0, 60)
            .Select(i => LevelEvents.Minute("s-1", hour.AddMinutes(i), i < 30 ? 70 : 50)).ToList();
        foreach (var chunk in windows[..56].Chunk(7))
        {
            await bed.PublishLevelsAsync(chunk);
        }
        foreach (var window in windows[56..])
        {
            await bed.PublishAsync(window);
        }

        var minutes = await MinutesAsync(bed, "s-1", hour, hour.AddHours(1), 60);
        minutes.Items[0].Laeq.ShouldBe(70);
        minutes.Items[59].Start.ShouldBe(hour.AddMinutes(59));
        minutes.Items[59].Laeq.ShouldBe(50);
        var hours = await bed.GetLevelsAsync("s-1", hour.AddHours(-1), hour.AddHours(2), LevelResolution.Hour);
        var point = hours.Items.ShouldHaveSingleItem();
        point.Start.ShouldBe(hour);
        point.End.ShouldBe(hour.AddHours(1));
        // 10·lg((30·10^7 + 30·10^5) / 60) = 67.03
        point.Laeq!.Value.ShouldBe(67.03, 0.01);
        point.Lamax.ShouldBe(70);
        point.L10!.Value.ShouldBe(70, 0.05);
        point.L90!.Value.ShouldBe(50, 0.05);
        point.Coverage.ShouldBe(1, 1e-9);
        // The day point holds the same hour: one hour of the 24 covered.
        var day = (await bed.GetLevelsAsync("s-1", hour, hour.AddHours(1), LevelResolution.Day)).Items
            .ShouldHaveSingleItem();
        (day.Start, day.End).ShouldBe((LevelEvents.DayStart, LevelEvents.DayStart.AddDays(1)));
        day.Laeq!.Value.ShouldBe(67.03, 0.01);
        day.Coverage.ShouldBe(1.0 / 24, 1e-9);
    }

    [Fact]
    public async Task Redelivered_and_re_emitted_windows_are_counted_once()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-once");
        var app = await bed.StartHistoryAsync();
        var hour = LevelEvents.DayStart.AddHours(10);
        for (var i = 0; i < 10; i++)
        {
            var window = LevelEvents.Minute("s-1", hour.AddMinutes(i), 60);
            var id = $"w-{i}";
            await bed.PublishAsync(window, id);
            await bed.PublishAsync(window, id); // the same message again (a redelivery, to History)
            await bed.PublishAsync(window with { Count = 59 }); // re-emitted: same window, new message id
        }

        var writer = app.Get<LevelWriter>();
        await Eventually.TrueAsync(() => writer.Totals.Counted + writer.Totals.Duplicates == 30, Wait,
            "all 30 deliveries are written");
        writer.Totals.ShouldBe((10, 20));
        (await bed.GetLevelsAsync("s-1", hour, hour.AddHours(1), LevelResolution.Minute)).Items.Count.ShouldBe(10);
        var point = (await bed.GetLevelsAsync("s-1", hour, hour.AddHours(1), LevelResolution.Hour)).Items
            .ShouldHaveSingleItem();
        point.Coverage.ShouldBe(600.0 / 3600, 1e-9);
        point.Laeq!.Value.ShouldBe(60, 1e-9);
    }

    [Fact]
    public async Task History_catches_up_from_its_stored_offset_after_being_stopped()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-catch-up");
        var first = await bed.StartHistoryAsync();
        var hour = LevelEvents.DayStart.AddHours(12);
        for (var i = 0; i < 30; i++)
        {
            await bed.PublishAsync(LevelEvents.Minute("s-1", hour.AddMinutes(i), 60));
        }
        await MinutesAsync(bed, "s-1", hour, hour.AddHours(1), 30);
        await bed.StopAsync(first);

        for (var i = 30; i < 120; i++)
        {
            await bed.PublishAsync(LevelEvents.Minute("s-1", hour.AddMinutes(i), 60));
        }
        var second = await bed.StartHistoryAsync();

        await MinutesAsync(bed, "s-1", hour, hour.AddHours(2), 120);
        // It went on after the 30 windows it had stored, without reading them again.
        second.Reader.StartedAt.ShouldBe(StreamOffset.At(30));
        second.Get<LevelWriter>().Totals.ShouldBe((90, 0));
        second.Get<LevelWriter>().StoredOffset.ShouldBe(120);
        var hours = await bed.GetLevelsAsync("s-1", hour, hour.AddHours(2), LevelResolution.Hour);
        hours.Items.Select(p => p.Coverage).ShouldBe([1.0, 1.0]);
    }

    [Fact]
    public async Task The_day_table_holds_the_indicators_of_a_hand_computed_day_and_its_episodes_once()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-day");
        await bed.StartHistoryAsync();
        // Every minute of 2026-06-15 at 60 dB(A). The limit is 55 by day and evening and 65 at night, so the 960
        // minutes from 07:00 to 23:00 are above it and the 480 night minutes are not.
        for (var i = 0; i < 24 * 60; i++)
        {
            var start = LevelEvents.DayStart.AddMinutes(i);
            var local = i / 60;
            await bed.PublishAsync(LevelEvents.Minute("s-1", start, 60, threshold: local is >= 7 and < 23 ? 55 : 65));
        }
        // Two level-alert episodes, as Processing reports them: every window above the limit while the rule is open,
        // one cleared event when it closes. 09:00 is redelivered and re-emitted; 20:00 has a window between the
        // threshold and the hysteresis (no event) inside it; a spike-rate alert is no episode.
        var at = LevelEvents.DayStart;
        await bed.PublishAsync(LevelEvents.Alert("s-1", at.AddHours(9)), "a-1");
        await bed.PublishAsync(LevelEvents.Alert("s-1", at.AddHours(9)), "a-1");
        await bed.PublishAsync(LevelEvents.Alert("s-1", at.AddHours(9)), "a-2");
        await bed.PublishAsync(LevelEvents.Alert("s-1", at.AddHours(9).AddMinutes(1)));
        await bed.PublishAsync(LevelEvents.Alert("s-1", at.AddHours(9).AddMinutes(2)));
        await bed.PublishAsync(LevelEvents.Cleared("s-1", at.AddHours(9).AddMinutes(10)));
        await bed.PublishAsync(LevelEvents.Alert("s-1", at.AddHours(20)));
        await bed.PublishAsync(LevelEvents.Alert("s-1", at.AddHours(20).AddMinutes(2)));
        await bed.PublishAsync(LevelEvents.Alert("s-1", at.AddHours(21), AlertRule.SpikeRate));
        // One other sensor with a single hour: its day is flagged, not averaged.
        for (var i = 0; i < 60; i++)
        {
            await bed.PublishAsync(LevelEvents.Minute("s-2", LevelEvents.DayStart.AddHours(12).AddMinutes(i), 50));
        }

        DayIndicatorTable table = null!;
        await Eventually.TrueAsync(async () =>
        {
            table = await bed.GetDayAsync(LevelEvents.Day);
            return table.Items.Count == 2 && table.Items[0].Coverage >= 1 - 1e-9 && table.Items[0].AlertEpisodes == 2
                && table.Items[1].Coverage >= (1.0 / 24) - 1e-9;
        }, Wait, "both sensors' days are written");

        table.TimeZone.ShouldBe("Europe/Vienna");
        var day = table.Items[0];
        day.SensorId.ShouldBe("s-1");
        day.Zone.ShouldBe(Zone.Residential);
        day.Lday!.Value.ShouldBe(60, 1e-6);
        day.Levening!.Value.ShouldBe(60, 1e-6);
        day.Lnight!.Value.ShouldBe(60, 1e-6);
        // 10·lg{(1/24)·[12·10^6 + 4·10^6.5 + 8·10^7]} = 66.4
        day.Lden!.Value.ShouldBe(66.4, 0.05);
        day.ExceedanceMinutes.ShouldBe(960, 1e-6);
        day.AlertEpisodes.ShouldBe(2);
        (day.Day.Sufficient, day.Evening.Sufficient, day.Night.Sufficient).ShouldBe((true, true, true));

        var partial = table.Items[1];
        partial.SensorId.ShouldBe("s-2");
        partial.Lday.ShouldBeNull();
        partial.Day.Level!.Value.ShouldBe(50, 1e-6);
        partial.Day.Sufficient.ShouldBeFalse();
        partial.Lden.ShouldBeNull();
        partial.Coverage.ShouldBe(1.0 / 24, 1e-9);

        var month = await bed.GetIndicatorsAsync("s-1", new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 30),
            IndicatorSpan.Month);
        var point = month.Items.ShouldHaveSingleItem();
        (point.From, point.To, point.Days, point.ValidDays).ShouldBe(
            (new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 30), 1, 1));
        point.Lden!.Value.ShouldBe(66.4, 0.05);
        point.AlertEpisodes.ShouldBe(2);
    }

    [Fact]
    public async Task An_episode_that_goes_on_past_midnight_counts_on_the_day_it_began_only()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-episodes");
        await bed.StartHistoryAsync();
        var midnight = LevelEvents.DayStart.AddDays(1); // 2026-06-16 00:00 in Vienna
        await bed.PublishAsync(LevelEvents.Minute("s-3", midnight.AddMinutes(-10), 70));
        await bed.PublishAsync(LevelEvents.Minute("s-3", midnight.AddMinutes(10), 70));
        // Open at 23:50, still open after midnight, cleared at 00:05; a new episode at 01:00.
        foreach (var minutes in new[] { -10, -9, 0, 1 })
        {
            await bed.PublishAsync(LevelEvents.Alert("s-3", midnight.AddMinutes(minutes)));
        }
        await bed.PublishAsync(LevelEvents.Cleared("s-3", midnight.AddMinutes(5)));
        await bed.PublishAsync(LevelEvents.Alert("s-3", midnight.AddMinutes(60)));

        IndicatorSeries days = null!;
        await Eventually.TrueAsync(async () =>
        {
            days = await bed.GetIndicatorsAsync("s-3", LevelEvents.Day, LevelEvents.Day.AddDays(1), IndicatorSpan.Day);
            return days.Items.Count == 2 && days.Items[1].AlertEpisodes == 1;
        }, Wait, "both days are written");

        days.Items.Select(d => d.AlertEpisodes).ShouldBe([1, 1]);
        // The second day alone: the episode open since the day before is not counted again.
        var second = await bed.GetIndicatorsAsync("s-3", LevelEvents.Day.AddDays(1), LevelEvents.Day.AddDays(1),
            IndicatorSpan.Day);
        second.Items.ShouldHaveSingleItem().AlertEpisodes.ShouldBe(1);
    }

    [Fact]
    public async Task A_malformed_level_is_dead_lettered_and_the_queue_keeps_flowing()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-malformed");
        await bed.StartHistoryAsync();
        var hour = LevelEvents.DayStart.AddHours(14);
        await bed.PublishRawAsync(RoutingKeys.Level("s-1"), NoiseLevelMeasured.MessageType, "{ not json");
        // Well-formed JSON but no window: its end is not after its start (retried, then parked).
        await bed.PublishAsync(LevelEvents.Minute("s-1", hour, 60) with { WindowEnd = hour });
        // A message of windows with one that cannot be stored is parked whole, none of its windows stored.
        await bed.PublishLevelsAsync(LevelEvents.Minute("s-1", hour.AddMinutes(3), 60),
            LevelEvents.Minute("s-1", hour.AddMinutes(4), 60) with { Coverage = 1.5 });
        await bed.PublishLevelsAsync(null!, LevelEvents.Minute("s-1", hour.AddMinutes(5), 60));
        await bed.PublishAsync(LevelEvents.Minute("s-1", hour.AddMinutes(1), 60));

        await MinutesAsync(bed, "s-1", hour, hour.AddHours(1), 1);
        await Eventually.TrueAsync(async () => await bed.CountMessagesAsync(Queues.DeadOf(Queues.HistoryLevels)) == 4,
            Wait, "the four malformed messages are in the dead queue");
        await bed.PublishAsync(LevelEvents.Minute("s-1", hour.AddMinutes(2), 60));
        await MinutesAsync(bed, "s-1", hour, hour.AddHours(1), 2);
    }

    [Theory]
    [InlineData(LevelResolution.Minute, 2 * 24 + 1)]
    [InlineData(LevelResolution.Hour, 93 * 24 + 1)]
    [InlineData(LevelResolution.Day, 3 * 366 * 24)]
    [InlineData(LevelResolution.Hour, 0)]
    [InlineData(LevelResolution.Minute, -1)]
    public async Task Ranges_beyond_the_caps_are_refused(LevelResolution resolution, int hours)
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-caps");
        await bed.StartHistoryAsync();
        var from = LevelEvents.DayStart;
        await Should.ThrowAsync<RequestFailedException>(
            () => bed.GetLevelsAsync("s-1", from, from.AddHours(hours), resolution));
        // Just within the cap is answered.
        (await bed.GetLevelsAsync("s-1", from, from.AddDays(2), LevelResolution.Minute)).Items.ShouldBeEmpty();
        await Should.ThrowAsync<RequestFailedException>(() => bed.GetIndicatorsAsync("s-1", LevelEvents.Day,
            LevelEvents.Day.AddYears(10), IndicatorSpan.Year));
        await Should.ThrowAsync<RequestFailedException>(() => bed.GetIndicatorsAsync("s-1", LevelEvents.Day,
            LevelEvents.Day.AddDays(-1), IndicatorSpan.Day));
    }

    [Fact]
    public async Task Retention_deletes_old_minute_rows_only()
    {
        await using var bed = await HistoryTestBed.CreateAsync("history-retention");
        var app = await bed.StartHistoryAsync(new Dictionary<string, string?>
        {
            ["History:MinuteRetention"] = "35.00:00:00",
            ["History:Retention:DeleteBatch"] = "2",
            ["History:Retention:SweepInterval"] = "01:00:00",
        });
        var now = DateTimeOffset.UtcNow;
        var old = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero).AddDays(-36);
        var recent = old.AddDays(35);
        await using (var db = bed.OpenDatabase())
        {
            for (var i = 0; i < 5; i++)
            {
                db.Minutes.Add(Row("s-1", old.AddMinutes(i)));
                db.Minutes.Add(Row("s-1", recent.AddMinutes(i)));
            }
            db.Hours.Add(new HourRow
            {
                SensorId = "s-1",
                HourStart = old,
                Energy = 1,
                CoveredSeconds = 300,
                Histogram = [],
                Version = 1
            });
            await db.SaveChangesAsync();
        }

        (await app.Get<MinuteSweeper>().SweepAsync(CancellationToken.None)).ShouldBe(5);

        await using var check = bed.OpenDatabase();
        (await check.Minutes.Select(m => m.WindowStart).OrderBy(t => t).ToListAsync())
            .ShouldBe(Enumerable.Range(0, 5).Select(i => recent.AddMinutes(i)));
        (await check.Hours.CountAsync()).ShouldBe(1);
    }

    private static MinuteRow Row(string sensorId, DateTimeOffset start) => new()
    {
        SensorId = sensorId,
        WindowStart = start,
        WindowEnd = start.AddMinutes(1),
        Zone = Zone.Residential,
        Laeq = 60,
        Lamax = 60,
        L10 = 60,
        L50 = 60,
        L90 = 60,
        Coverage = 1,
        Threshold = 55,
        Period = DayPeriod.Day,
    };

    private static async Task<LevelSeries> MinutesAsync(HistoryTestBed bed, string sensorId, DateTimeOffset from,
        DateTimeOffset to, int count)
    {
        LevelSeries series = null!;
        await Eventually.TrueAsync(async () =>
        {
            series = await bed.GetLevelsAsync(sensorId, from, to, LevelResolution.Minute);
            return series.Items.Count >= count;
        }, Wait, $"{count} minute points of {sensorId} are stored");
        series.Items.Count.ShouldBe(count);
        return series;
    }
}
