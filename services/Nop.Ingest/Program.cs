using Nop.Ingest;
using Nop.Ingest.Extensions;
using Nop.Messaging;
using Nop.ServiceDefaults;

// `dotnet run --project services/Nop.Ingest -- sensors add ...` manages the catalogue instead of serving.
if (IngestCommand.Handles(args))
{
    return await IngestCommand.RunAsync(args);
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
