using Microsoft.Extensions.Options;
using Nop.Contracts;
using Nop.History.Levels;
using Nop.Messaging;
using Nop.Persistence;

namespace Nop.History.Queries;

// The day table: every sensor with hours on that local day, ordered by sensor id.
public sealed class GetDayIndicatorsHandler(DayIndicatorReader days, DatabaseResilience resilience,
    HistoryMetrics metrics, IOptions<HistoryOptions> options) : IRequestHandler<GetDayIndicators, DayIndicatorTable>
{
    public async Task<DayIndicatorTable> HandleAsync(GetDayIndicators request, MessageContext context,
        CancellationToken cancellationToken)
    {
        using var timing = metrics.Time(HistoryMetrics.Queries.DayIndicators);
        var items = await resilience.BrieflyAsync(
            ct => days.ReadAsync(null, request.Date, request.Date, ct), cancellationToken);
        return new DayIndicatorTable(request.Date, options.Value.TimeZone, items);
    }
}
