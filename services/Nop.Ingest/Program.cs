using Nop.Ingest.Extensions;
using Nop.Ingest.Sensors;
using Nop.Messaging;
using Nop.ServiceDefaults;

// `dotnet run --project services/Nop.Ingest -- sensors add ...` manages the catalogue instead of starting the service.
if (SensorsCommand.Handles(args))
{
    return await SensorsCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddNopMessaging();
builder.AddIngest();

var app = builder.Build();
app.UseIngest();
app.MapIngest();
await app.RunAsync();
return 0;
