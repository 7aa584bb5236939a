using Microsoft.Extensions.DependencyInjection;
using Nop.Alerting.Data;
using Nop.Alerting.Tests.Support;
using Nop.Contracts;

namespace Nop.Alerting.Tests;

public sealed class PagingTests
{
    private static readonly Dictionary<string, string?> EveryRecurrenceStored = new()
    {
        ["Alerting:RecurrenceInterval"] = "00:00:00",
        ["Alerting:HistoryPageSize"] = "4",
    };

    [Fact]
    public async Task Pages_tell_whether_more_follow_without_a_COUNT()
    {
        var commands = new CommandLog();
        await using var bed = await AlertingTestBed.CreateAsync("paging");
        await bed.StartAlertingAsync(s =>
            s.ConfigureDbContext<SqliteAlertingDbContext>(o => o.AddInterceptors(commands)));
        for (var i = 1; i <= 5; i++)
        {
            await bed.PublishAsync(Noise.Exceeded($"s-p-{i}", level: 70));
        }
        await bed.AlertsWhenAsync(a => a.Count == 5, "five alerts");
        commands.Clear();

        Task<AlertPage> Open(int page, int size, bool countTotal = true) =>
            bed.Requests.RequestAsync<GetOpenAlerts, AlertPage>(RoutingKeys.AlertQuery,
                new GetOpenAlerts(page, size, countTotal));

        // What the Dashboard asks for: everything fits on one page, so the total is known without counting.
        var all = await Open(1, 200);
        (all.Items.Count, all.Total, all.HasMore).ShouldBe((5, 5, false));
        var first = await Open(1, 2, countTotal: false);
        (first.Items.Count, first.Total, first.HasMore).ShouldBe((2, -1, true));
        var last = await Open(3, 2, countTotal: false);
        (last.Items.Count, last.Total, last.HasMore).ShouldBe((1, 5, false));
        var sensor = await bed.Requests.RequestAsync<GetSensorAlerts, AlertPage>(RoutingKeys.AlertQuery,
            new GetSensorAlerts("s-p-1"));
        (sensor.Items.Count, sensor.Total, sensor.HasMore).ShouldBe((1, 1, false));
        CountsOfAlerts(commands).ShouldBeEmpty();

        // A caller that wants the total of a longer list still gets it.
        var counted = await Open(1, 2);
        (counted.Total, counted.HasMore).ShouldBe((5, true));
        CountsOfAlerts(commands).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_page_too_far_to_address_is_answered_empty()
    {
        await using var bed = await AlertingTestBed.CreateAsync("far-page");
        await bed.StartAlertingAsync();
        await bed.PublishAsync(Noise.Exceeded("s-p-1", level: 70));
        await bed.AlertsWhenAsync(a => a.Count == 1, "one alert");

        // (page - 1) * pageSize overflowed an int here: an empty page past the last, not an error or page 1.
        var far = await bed.Requests.RequestAsync<GetOpenAlerts, AlertPage>(RoutingKeys.AlertQuery,
            new GetOpenAlerts(int.MaxValue, 200));
        (far.Items.Count, far.Page, far.HasMore).ShouldBe((0, int.MaxValue, false));
        var farSensor = await bed.Requests.RequestAsync<GetSensorAlerts, AlertPage>(RoutingKeys.AlertQuery,
            new GetSensorAlerts("s-p-1", int.MaxValue / 2, 1000, CountTotal: false));
        (farSensor.Items.Count, farSensor.HasMore).ShouldBe((0, false));
    }

    [Fact]
    public async Task An_alerts_history_is_answered_a_page_at_a_time_oldest_first()
    {
        await using var bed = await AlertingTestBed.CreateAsync("history");
        await bed.StartAlertingAsync(settings: EveryRecurrenceStored);
        for (var i = 1; i <= 7; i++)
        {
            await bed.PublishAsync(Noise.Exceeded("s-hist", level: 70, windowEnd: Noise.WindowEnd(i)));
            await bed.AlertsWhenAsync(a => a.SingleOrDefault()?.Version == i, $"report {i} was stored");
        }
        var id = (await bed.AlertsWhenAsync(a => a.Count == 1, "one alert")).Single().Id;

        Task<AlertDetails> Get(long after = 0, int limit = 0) =>
            bed.Requests.RequestAsync<GetAlert, AlertDetails>(RoutingKeys.AlertQuery, new GetAlert(id, after, limit));

        var first = await Get(); // the configured page size
        first.History.Select(h => h.Sequence).ShouldBe([1, 2, 3, 4]);
        first.History[0].EventType.ShouldBe("raised");
        first.NextAfterSequence.ShouldBe(4);
        var second = await Get(first.NextAfterSequence!.Value, limit: 2);
        second.History.Select(h => h.Sequence).ShouldBe([5, 6]);
        second.NextAfterSequence.ShouldBe(6);
        var last = await Get(6, limit: 10);
        last.History.Select(h => h.Sequence).ShouldBe([7]);
        last.NextAfterSequence.ShouldBeNull();
        last.Alert!.Occurrences.ShouldBe(7);
        var beyond = await Get(long.MaxValue);
        beyond.History.ShouldBeEmpty();
        beyond.NextAfterSequence.ShouldBeNull();
    }

    private static List<string> CountsOfAlerts(CommandLog commands) =>
        [.. commands.Texts.Where(t => t.Contains("COUNT(", StringComparison.OrdinalIgnoreCase)
            && t.Contains("FROM \"alerts\"", StringComparison.Ordinal))];
}
