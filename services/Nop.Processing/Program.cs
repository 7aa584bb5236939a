using Nop.Messaging;
using Nop.Processing.Extensions;
using Nop.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddNopMessaging();
builder.AddProcessing();

var app = builder.Build();
// Processing has no API: health and the loopback-only dead-letter admin (port 5081 under ./nop up).
app.MapDefaultEndpoints();
app.MapDeadLetterEndpoints();
app.Run();

/// <summary>The entry point, visible to tests (WebApplicationFactory).</summary>
public partial class Program;
