using Microsoft.AspNetCore.SignalR;

namespace Nop.Dashboard.Hub;

// Who gets a sensor's readings and windows. A page that said which sensors it shows (DashboardHub.Watch)
// is in one SignalR group per such sensor and gets only theirs; a client that never said (an API client, an older
// page) stays in All and gets every sensor's, as before. With 5,000 sensors a page shows a few dozen.
public static class SensorGroups
{
    public const string All = "sensors:all";

    // More sensors than a screen holds: a page asking for more is refused.
    public const int MaxWatched = 1000;

    public static string Of(string sensorId) => "sensor:" + sensorId;

    // The groups a message about one sensor goes to.
    public static IReadOnlyList<string> For(string sensorId) => [All, Of(sensorId)];

    // The batch to the clients that get everything, each reading to the pages watching its sensor. A group
    // without members costs a dictionary look-up.
    public static Task SendReadingsAsync(IHubClients<IDashboardClient> clients, IReadOnlyList<ReadingTick> ticks)
    {
        var sends = new List<Task>(ticks.Count + 1) { clients.Group(All).Readings(ticks) };
        foreach (var tick in ticks)
        {
            sends.Add(clients.Group(Of(tick.SensorId)).Readings([tick]));
        }
        return Task.WhenAll(sends);
    }
}
