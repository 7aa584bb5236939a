using Microsoft.AspNetCore.SignalR;
using Nop.Dashboard.Hub;

namespace Nop.Dashboard.Live;

// Sends every page the counts over all sensors once a second: a page receives readings only of the sensors it shows,
// so it cannot count the others itself. A few dozen bytes, whatever the number of sensors.
public sealed class SummaryPusher(
    LiveState state,
    IHubContext<DashboardHub, IDashboardClient> hub,
    TimeProvider time,
    ILogger<SummaryPusher> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static SensorsSummary Count(IReadOnlyList<SensorView> sensors)
    {
        int reporting = 0, over = 0, faults = 0;
        foreach (var sensor in sensors)
        {
            reporting += sensor.Reading is null ? 0 : 1;
            over += (sensor.Reading?.Laeq ?? sensor.Level?.Laeq) >= sensor.Threshold ? 1 : 0;
            faults += sensor.Fault is null ? 0 : 1;
        }
        return new SensorsSummary(sensors.Count, reporting, over, faults);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                // Not awaited, like every push: a page that stopped reading must not hold up the others' summaries.
                FanOut.Forget(hub.Clients.All.Summary(Count(state.Sensors())), logger, "the sensor summary");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
