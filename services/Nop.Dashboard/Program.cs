using Nop.Dashboard.Extensions;
using Nop.Dashboard.Operators;
using Nop.Messaging;
using Nop.ServiceDefaults;

// `dotnet run --project services/Nop.Dashboard -- hash-password` prints a hash for Dashboard:Operators.
if (HashPasswordCommand.Handles(args))
{
    return HashPasswordCommand.Run(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddNopMessaging();
builder.AddDashboard();

var app = builder.Build();
app.UseDashboard();
app.MapDashboard();
await app.RunAsync();
return 0;
