using Nop.Archiver;
using Nop.ServiceDefaults;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.AddArchiver();
await builder.Build().RunAsync();
