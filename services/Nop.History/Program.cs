using Nop.History.Extensions;
using Nop.Messaging;
using Nop.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddNopMessaging();
builder.AddHistory();

var app = builder.Build();
app.UseHistory();
app.MapHistory();
await app.RunAsync();
