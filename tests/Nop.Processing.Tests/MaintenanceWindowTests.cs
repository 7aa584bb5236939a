using Nop.Contracts;
using Nop.Processing.Maintenance;
using static Nop.Processing.Tests.AggregatorScenario;

namespace Nop.Processing.Tests;

/// <summary>
/// A sensor in maintenance, on hand-made readings (residential by day: 55 dB(A); K = 3 windows above to exceed): its
/// windows are flagged and no rule, fault or offline detection sees them.
/// </summary>
[Trait("Category", "Unit")]
public sealed class MaintenanceWindowTests
{
    [Fact]
    public void Windows_overlapping_the_period_are_flagged_and_fire_no_rule_and_the_runs_restart_after_it()
    {
        var s = new AggregatorScenario();
        // Maintenance from 12:02:30 to 12:05: the windows 12:02, 12:03 and 12:04 overlap it (12:02 only in part).
        s.InMaintenance("s1", Noon.AddMinutes(2).AddSeconds(30), Noon.AddMinutes(5));
        s.InMaintenance("other", Noon, Noon.AddHours(2));

        // Ten windows at 70 dB from 12:00: without the period the rule would fire at 12:02 (third window above).
        s.Windows("s1", Noon, 70, 70, 70, 70, 70, 70, 70, 70, 70, 70);
        s.CloseAll("s1", Noon.AddMinutes(9));

        var levels = s.Levels.Where(l => l.WindowStart < Noon.AddMinutes(10)).ToList();
        levels.Count.ShouldBe(10);
        levels.Where(l => l.Maintenance).Select(l => l.WindowStart.Minute).ShouldBe([2, 3, 4]);
        // 12:00 and 12:01 are a run of two; the period breaks it; 12:05, 12:06, 12:07 are a new run of three.
        s.Exceeded.Select(e => (e.WindowStart.Minute, e.ConsecutiveWindows)).ShouldBe([(7, 3), (8, 4), (9, 5)]);
    }

    [Fact]
    public void An_open_level_rule_is_forgotten_in_maintenance_and_needs_a_full_run_to_fire_again()
    {
        var s = new AggregatorScenario();
        s.InMaintenance("s1", Noon.AddMinutes(4), Noon.AddMinutes(6));

        s.Windows("s1", Noon, 70, 70, 70, 70, 90, 90, 70, 70, 70);
        s.CloseAll("s1", Noon.AddMinutes(8));

        // Open at 12:02, reported at 12:03; nothing at 90 dB in the period; after it a new run: 12:06, 12:07, 12:08.
        s.Exceeded.Select(e => e.WindowStart.Minute).ShouldBe([2, 3, 8]);
        s.Cleared.ShouldBeEmpty();
    }

    [Fact]
    public void Without_a_period_the_same_windows_fire_as_before()
    {
        var s = new AggregatorScenario();
        s.InMaintenance("s1", Noon.AddHours(3), Noon.AddHours(4));

        s.Windows("s1", Noon, 70, 70, 70, 70);
        s.CloseAll("s1", Noon.AddMinutes(3));

        s.Levels.ShouldAllBe(l => !l.Maintenance);
        s.Exceeded.Select(e => e.WindowStart.Minute).ShouldBe([2, 3]);
    }

    [Fact]
    public void A_sensor_repeating_its_level_in_maintenance_is_not_reported_stuck()
    {
        var s = new AggregatorScenario();
        s.InMaintenance("s1", Noon, Noon.AddMinutes(5));

        // Twelve equal readings in the period (stuck after 10), then eight more after it: a run of eight only.
        for (var i = 0; i < 20; i++)
        {
            s.Send("s1", Noon.AddSeconds(15 * (i + 1) + (i >= 12 ? 300 : 0)), 52.5);
        }

        s.Faults.ShouldBeEmpty();

        // Two more after the period make ten in a row: the detection works again.
        s.Send("s1", Noon.AddMinutes(10), 52.5);
        s.Send("s1", Noon.AddMinutes(10).AddSeconds(15), 52.5);
        s.Faults.ShouldHaveSingleItem().Fault.ShouldBe(SensorFault.Stuck);
    }

    [Fact]
    public void A_silent_sensor_is_not_reported_offline_in_maintenance_nor_at_its_end_but_after_the_offline_time()
    {
        // Offline after 5 minutes of silence (the default). The wall clock starts at 12:30; the last reading is then.
        var s = new AggregatorScenario();
        var from = s.Now.AddMinutes(1);
        var to = from.AddHours(3);
        s.InMaintenance("s1", from, to);
        s.Send("s1", s.Now, 50);

        // Three hours of silence in the period, ticking every 10 s.
        while (s.Now < to)
        {
            s.Tick(TimeSpan.FromSeconds(10));
        }
        s.Faults.ShouldBeEmpty("the sensor is in maintenance");

        // Four minutes after the end: silent for 3 h 5 min, but only 4 min since the period ended.
        while (s.Now < to.AddMinutes(4))
        {
            s.Tick(TimeSpan.FromSeconds(10));
        }
        s.Faults.ShouldBeEmpty("silence counts from the end of the period");

        while (s.Now < to.AddMinutes(6))
        {
            s.Tick(TimeSpan.FromSeconds(10));
        }
        var fault = s.Faults.ShouldHaveSingleItem();
        fault.Fault.ShouldBe(SensorFault.Offline);
    }

    [Fact]
    public void A_silent_sensor_without_maintenance_is_reported_offline_after_the_offline_time()
    {
        var s = new AggregatorScenario();
        s.InMaintenance("other", s.Now, s.Now.AddHours(3));
        s.Send("s1", s.Now, 50);

        for (var i = 0; i < 6 * 6; i++)
        {
            s.Tick(TimeSpan.FromSeconds(10));
        }

        s.Faults.ShouldHaveSingleItem().Fault.ShouldBe(SensorFault.Offline);
    }

    [Fact]
    public void The_calendar_forgets_a_compensated_period_and_moves_an_ended_one()
    {
        var calendar = new MaintenanceCalendar();
        var id = Guid.NewGuid();
        calendar.Apply(new MaintenancePeriod(id, "s1", Noon, Noon.AddHours(1)), compensated: false);
        calendar.Covers("s1", Noon.AddMinutes(50)).ShouldBeTrue();

        calendar.Apply(new MaintenancePeriod(id, "s1", Noon, Noon.AddMinutes(30)), compensated: false);
        calendar.Covers("s1", Noon.AddMinutes(50)).ShouldBeFalse();
        calendar.Covers("s1", Noon.AddMinutes(29)).ShouldBeTrue();
        calendar.LastEndBefore("s1", Noon.AddMinutes(50)).ShouldBe(Noon.AddMinutes(30));

        calendar.Apply(new MaintenancePeriod(id, "s1", Noon, Noon.AddMinutes(30)), compensated: true);
        calendar.PeriodsOf("s1").ShouldBeEmpty();
    }
}
