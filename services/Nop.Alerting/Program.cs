using Nop.Alerting.Data;
using Nop.Alerting.Extensions;
using Nop.Messaging;
using Nop.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

// dotnet run --project services/Nop.Alerting -- rebuild-read-model
if (args is ["rebuild-read-model", ..])
{
    builder.AddAlertingDatabase();
    await using var tool = builder.Build();
    return await tool.Services.RebuildReadModelAsync();
}

builder.AddNopMessaging();
builder.AddAlerting();

var app = builder.Build();
app.UseCorrelationId();
app.MapDefaultEndpoints();
app.MapDeadLetterEndpoints(); // loopback only: ./nop dead, ./nop replay-dead

await app.RunAsync();
return 0;
