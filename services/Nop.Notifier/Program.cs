using Nop.Messaging;
using Nop.Notifier.Extensions;
using Nop.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddNopMessaging();
builder.AddNotifier();

var app = builder.Build();
app.UseCorrelationId();
app.MapDefaultEndpoints();
app.MapDeadLetterEndpoints();
await app.RunAsync();
