using Nop.Archiver;
using Nop.ServiceDefaults;

var builder = Host.CreateApplicationBuilder(args);
builder.AddServiceDefaults();
builder.AddArchiver();
var host = builder.Build();
var archiver = host.Services.GetRequiredService<StreamArchiver>();
await host.RunAsync();
// A failed archiver stops the host, which still exits with 0: say it failed, so a supervisor (compose, k8s) sees it.
return archiver.ExecuteTask is { IsFaulted: true } ? 1 : 0;
