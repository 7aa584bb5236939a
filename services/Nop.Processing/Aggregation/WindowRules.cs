using Nop.Contracts;
using Nop.Messaging;

namespace Nop.Processing.Aggregation;

// The stateful rules evaluated on every closed window: the level rule (exceeded after K consecutive windows above
// the zone's threshold for the window's period, cleared after M consecutive windows below threshold − hysteresis)
// and the spike-rate rule (more than S spikes in one window). Consecutive means adjacent in time: a window that does
// not start where the last one counted ended (the sensor was silent in between) starts the runs afresh.
public sealed class WindowRules
{
    private readonly RuleOptions _rules;
    private readonly ThresholdOptions _thresholds;
    private readonly Dictionary<Zone, TimeZoneInfo> _zoneTimeZones = [];

    public WindowRules(ProcessingOptions options)
    {
        _rules = options.Rules;
        _thresholds = options.Thresholds;
        foreach (var zone in Enum.GetValues<Zone>())
        {
            _zoneTimeZones[zone] = TimeZoneInfo.FindSystemTimeZoneById(options.Thresholds.TimeZoneOf(zone));
        }
    }

    // Day, evening or night of a window of a sensor in zone, by the window's start in the
    // zone's time zone (ThresholdOptions.TimeZoneOf): local clock time, so DST days are judged right.
    public DayPeriod PeriodOf(Zone zone, DateTimeOffset windowStart) =>
        PeriodAt(TimeZoneInfo.ConvertTime(windowStart, _zoneTimeZones[zone]).TimeOfDay);

    private DayPeriod PeriodAt(TimeSpan local) =>
        local >= _thresholds.DayStarts && local < _thresholds.EveningStarts ? DayPeriod.Day
            : local >= _thresholds.EveningStarts && local < _thresholds.NightStarts ? DayPeriod.Evening
            : DayPeriod.Night;

    public double ThresholdFor(Zone zone, DayPeriod period) => _thresholds.For(zone).For(period);

    // Advances the sensor's rule counters with a closed window and adds the events they fire.
    public void Evaluate(SensorAggregate sensor, NoiseLevelMeasured window, string? correlationId,
        List<AggregatorOutput> outputs)
    {
        EvaluateLevel(Continue(sensor.LevelRule, window), window, correlationId, outputs);
        EvaluateSpikeRate(Continue(sensor.SpikeRateRule, window), window, correlationId, outputs);
    }

    // Forgets the sensor's runs and open rules (a window in maintenance).
    public static void Reset(SensorAggregate sensor)
    {
        foreach (var rule in new[] { sensor.LevelRule, sensor.SpikeRateRule })
        {
            rule.Above = 0;
            rule.Below = 0;
            rule.Open = false;
        }
    }

    // A gap since the last window counted resets the runs (an open rule stays open: only M windows below clear it).
    private static RuleCounters Continue(RuleCounters rule, NoiseLevelMeasured window)
    {
        if (rule.LastWindowEnd != window.WindowStart)
        {
            rule.Above = 0;
            rule.Below = 0;
        }
        rule.LastWindowEnd = window.WindowEnd;
        return rule;
    }

    private void EvaluateLevel(RuleCounters rule, NoiseLevelMeasured w, string? correlationId,
        List<AggregatorOutput> outputs)
    {
        if (w.Laeq > w.Threshold)
        {
            rule.Above++;
            rule.Below = 0;
            // Once open, every further window above is reported too, so Alerting can follow the level.
            if (rule.Open || rule.Above >= _rules.ExceedAfterWindows)
            {
                rule.Open = true;
                outputs.Add(Exceeded(w, AlertRule.Level, w.Laeq, w.Threshold, rule.Above, correlationId));
            }
            return;
        }
        rule.Above = 0;
        // Between threshold − hysteresis and the threshold a window neither clears nor exceeds: it breaks the run.
        rule.Below = w.Laeq < w.Threshold - _rules.Hysteresis ? rule.Below + 1 : 0;
        if (rule.Open && rule.Below >= _rules.ClearAfterWindows)
        {
            rule.Open = false;
            rule.Below = 0;
            outputs.Add(Cleared(w, AlertRule.Level, w.Laeq, w.Threshold, correlationId));
        }
    }

    // Level = the window's spike count, Threshold = S: "6 spikes where at most 5 are allowed".
    private void EvaluateSpikeRate(RuleCounters rule, NoiseLevelMeasured w, string? correlationId,
        List<AggregatorOutput> outputs)
    {
        var limit = _rules.MaxSpikesPerWindow;
        if (w.SpikeCount > limit)
        {
            rule.Above++;
            rule.Below = 0;
            rule.Open = true;
            outputs.Add(Exceeded(w, AlertRule.SpikeRate, w.SpikeCount, limit, rule.Above, correlationId));
            return;
        }
        rule.Above = 0;
        if (rule.Open && ++rule.Below >= _rules.ClearAfterWindows)
        {
            rule.Open = false;
            rule.Below = 0;
            outputs.Add(Cleared(w, AlertRule.SpikeRate, w.SpikeCount, limit, correlationId));
        }
    }

    private static AggregatorOutput Exceeded(NoiseLevelMeasured w, AlertRule rule, double level, double threshold,
        int consecutive, string? correlationId)
    {
        var message = new NoiseThresholdExceeded(w.SensorId, w.Zone, rule, w.WindowStart, w.WindowEnd, level, threshold,
            w.Period, consecutive);
        return new AggregatorOutput(w.SensorId, RoutingKeys.ThresholdExceeded(w.SensorId),
            DeterministicId.For(NoiseThresholdExceeded.MessageType, w.SensorId, rule.ToString(), Stamp(w.WindowStart)),
                correlationId, message);
    }

    private static AggregatorOutput Cleared(NoiseLevelMeasured w, AlertRule rule, double level, double threshold,
        string? correlationId)
    {
        var message = new NoiseThresholdCleared(w.SensorId, w.Zone, rule, w.WindowStart, w.WindowEnd, level, threshold,
            w.Period);
        return new AggregatorOutput(w.SensorId, RoutingKeys.ThresholdCleared(w.SensorId),
            DeterministicId.For(NoiseThresholdCleared.MessageType, w.SensorId, rule.ToString(), Stamp(w.WindowStart)),
                correlationId, message);
    }

    internal static string Stamp(DateTimeOffset time) =>
        time.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
