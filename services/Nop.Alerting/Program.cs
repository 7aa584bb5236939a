using Nop.Alerting;
using Nop.Alerting.Extensions;
using Nop.Messaging;
using Nop.ServiceDefaults;

// `dotnet run --project services/Nop.Alerting -- rebuild-read-model` rebuilds the read model instead of serving.
if (AlertingCommand.Handles(args))
{
    return await AlertingCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddNopMessaging();
builder.AddAlerting();

var app = builder.Build();
app.UseAlerting();
app.MapAlerting();
await app.RunAsync();
return 0;
