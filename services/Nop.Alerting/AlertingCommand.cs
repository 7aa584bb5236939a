using Nop.Alerting.Data;
using Nop.Alerting.Extensions;
using Nop.ServiceDefaults;

namespace Nop.Alerting;

// Alerting's command line instead of the service: `rebuild-read-model` migrates the database, then replays the event
// log into a fresh alerts table.
public static class AlertingCommand
{
    public static bool Handles(string[] args) => args is ["rebuild-read-model", ..];

    public static async Task<int> RunAsync(string[] args)
    {
        // Only the database: no broker connection and no consumers while the read model is rebuilt.
        var builder = WebApplication.CreateBuilder(args);
        builder.AddServiceDefaults();
        builder.AddAlertingDatabase();
        await using var tool = builder.Build();
        return await tool.Services.RebuildReadModelAsync();
    }
}
