using Nop.ServiceDefaults;

namespace Nop.Archiver;

// Composes the archiver: its options and the one background service that reads the stream.
public static class ArchiverExtensions
{
    public static IHostApplicationBuilder AddArchiver(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ArchiverOptions>(ArchiverOptions.Section);
        builder.Services.AddValidatedOptions<BrokerOptions>(BrokerOptions.Section);
        builder.Services.AddSingleton<StreamArchiver>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<StreamArchiver>());
        return builder;
    }
}
