using Nop.History.Indicators;
using Nop.Messaging;
using Nop.ServiceDefaults;

namespace Nop.History.Extensions;

// Composes History: its database, the levels consumer, the query answerer and retention; health.
public static class HistoryExtensions
{
    public static IHostApplicationBuilder AddHistory(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<HistoryOptions>(HistoryOptions.Section);
        builder.Services.AddSingleton<LocalCalendar>();
        return builder;
    }

    public static WebApplication UseHistory(this WebApplication app)
    {
        app.UseCorrelationId();
        return app;
    }

    public static WebApplication MapHistory(this WebApplication app)
    {
        app.MapDefaultEndpoints();
        app.MapDeadLetterEndpoints();
        return app;
    }
}
