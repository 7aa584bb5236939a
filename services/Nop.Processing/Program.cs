using Nop.Messaging;
using Nop.Processing.Extensions;
using Nop.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddNopMessaging();
builder.AddProcessing();

var app = builder.Build();
app.MapProcessing();
await app.RunAsync();
