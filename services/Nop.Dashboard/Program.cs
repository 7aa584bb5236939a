using Nop.Dashboard;
using Nop.Dashboard.Extensions;
using Nop.Messaging;
using Nop.ServiceDefaults;

// `dotnet run --project services/Nop.Dashboard -- hash-password` prints a hash for Dashboard:Operators.
if (DashboardCommand.Handles(args))
{
    return await DashboardCommand.RunAsync(args);
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
