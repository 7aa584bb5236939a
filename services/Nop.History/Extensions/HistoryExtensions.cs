using Nop.Contracts;
using Nop.History.Data;
using Nop.History.Indicators;
using Nop.History.Levels;
using Nop.History.Maintenance;
using Nop.History.Queries;
using Nop.History.Retention;
using Nop.Messaging;
using Nop.ServiceDefaults;

namespace Nop.History.Extensions;

// Composes History: its database, the levels consumer, the query answerer and retention; health.
public static class HistoryExtensions
{
    public static IHostApplicationBuilder AddHistory(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<HistoryOptions>(HistoryOptions.Section);
        services.AddValidatedOptions<LevelWriterOptions>(LevelWriterOptions.Section);
        services.AddValidatedOptions<MinuteRetentionOptions>(MinuteRetentionOptions.Section);
        services.AddValidatedOptions<LevelStreamOptions>(LevelStreamOptions.Section);
        builder.AddHistoryDatabase();

        services.AddSingleton<LocalCalendar>();
        services.AddSingleton<DayIndicators>();
        services.AddScoped<HourReader>();
        services.AddScoped<DayIndicatorReader>();
        services.AddScoped<EpisodeCounter>();

        // Before the reader: hosted services stop in reverse order, so the writer writes what the reader handed it
        // last, and the lease is given up after that.
        services.AddSingleton<HistoryMetrics>();
        services.AddSingleton<ReaderLease>();
        services.AddSingleton<LevelReader>();
        services.AddHostedService(provider => provider.GetRequiredService<LevelReader>());
        services.AddSingleton<LevelWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<LevelWriter>());

        // The levels stream, one delivery at a time and one instance at a time (LevelReader's lease): the writer
        // batches them with their offset and acks each batch after its commit; the natural key of a window is the
        // inbox (no message-id inbox: a re-emitted window has a new id, a replayed one the same).
        var writerOptions = builder.Configuration.GetSection(LevelWriterOptions.Section).Get<LevelWriterOptions>()
            ?? new LevelWriterOptions();
        var streamOptions = builder.Configuration.GetSection(LevelStreamOptions.Section).Get<LevelStreamOptions>()
            ?? new LevelStreamOptions();
        services.AddStreamReader(Topology.HistoryLevelsReader(Topology.LevelsStream(streamOptions.Retention())), c =>
        {
            c.Handle<NoiseLevelsMeasured, NoiseLevelsMeasuredHandler>()
                .Handle<NoiseLevelMeasured, NoiseLevelMeasuredHandler>()
                .Handle<NoiseThresholdExceeded, LevelExceededHandler>()
                .Handle<NoiseThresholdCleared, LevelClearedHandler>();
            c.Prefetch = writerOptions.Prefetch;
            c.StartAt = (provider, ct) => provider.GetRequiredService<LevelReader>().StartAtAsync(ct);
        });
        // Steps run through the writer (its gate and transaction), one at a time.
        services.AddConsumer(Topology.HistoryMaintenanceSteps, c =>
            c.Handle<MaintenanceStepCommand, MaintenanceStepHandler>());
        services.AddConsumer(Topology.HistoryQueries, c =>
        {
            c.Answer<GetLevels, LevelSeries, GetLevelsHandler>()
                .Answer<GetDayIndicators, DayIndicatorTable, GetDayIndicatorsHandler>()
                .Answer<GetIndicators, IndicatorSeries, GetIndicatorsHandler>();
            c.Concurrency = 4; // Read-only: answer several callers at once.
        });

        services.AddSingleton<MinuteSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<MinuteSweeper>());
        return builder;
    }

    public static WebApplication UseHistory(this WebApplication app)
    {
        app.UseCorrelationId();
        return app;
    }

    public static WebApplication MapHistory(this WebApplication app)
    {
        // History has no API of its own: health, and the admin endpoints (loopback only: ./nop dead, replay-dead,
        // history rebuild).
        app.MapDefaultEndpoints();
        app.MapDeadLetterEndpoints();
        app.MapRebuildEndpoint();
        return app;
    }
}
