using Nop.Processing.Maintenance;

namespace Nop.Processing.Tests;

[Trait("Category", "Unit")]
public sealed class MaintenanceCalendarTests
{
    private static readonly DateTimeOffset From = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_refresh_that_read_the_database_before_a_step_was_applied_keeps_that_step()
    {
        var calendar = new MaintenanceCalendar();
        var begun = new MaintenancePeriod(Guid.NewGuid(), "s1", From, From.AddHours(2));
        var readAt = calendar.Changes;
        // The step handler commits and applies while the refresh's read (which missed the commit) is under way.
        calendar.Apply(begun, compensated: false);

        calendar.Replace([], readAt);

        calendar.PeriodsOf("s1").ShouldBe([begun]);
    }

    [Fact]
    public void A_refresh_that_began_after_a_step_replaces_it_with_what_the_database_holds()
    {
        var calendar = new MaintenanceCalendar();
        var id = Guid.NewGuid();
        calendar.Apply(new MaintenancePeriod(id, "s1", From, From.AddHours(2)), compensated: false);
        var ended = new MaintenancePeriod(id, "s1", From, From.AddHours(1));
        var other = new MaintenancePeriod(Guid.NewGuid(), "s2", From, From.AddHours(3));

        calendar.Replace([ended, other], calendar.Changes);
        calendar.PeriodsOf("s1").ShouldBe([ended]);

        // Compensated by another instance: gone from the database, gone here at the next refresh.
        calendar.Replace([other], calendar.Changes);
        calendar.PeriodsOf("s1").ShouldBeEmpty();
        calendar.PeriodsOf("s2").ShouldBe([other]);
    }

    [Fact]
    public void A_compensation_applied_during_a_refresh_is_not_undone_by_it()
    {
        var calendar = new MaintenanceCalendar();
        var period = new MaintenancePeriod(Guid.NewGuid(), "s1", From, From.AddHours(2));
        calendar.Replace([period], calendar.Changes);
        var readAt = calendar.Changes;

        calendar.Apply(period, compensated: true);
        calendar.Replace([period], readAt);

        calendar.PeriodsOf("s1").ShouldBeEmpty();
    }
}
