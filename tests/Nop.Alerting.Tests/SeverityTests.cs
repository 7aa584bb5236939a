using Nop.Alerting.Tests.Support;
using Nop.Contracts;

namespace Nop.Alerting.Tests;

public sealed class SeverityTests
{
    [Fact]
    public async Task An_escalation_by_severity_at_a_lower_level_keeps_the_worst_level_recorded()
    {
        await using var rig = await RaceRig.CreateAsync();
        await rig.DeliverAsync(Noise.Exceeded("s-1", level: 72, threshold: 65, windowEnd: Noise.WindowEnd(1)));
        (await rig.AlertAsync("s-1")).Severity.ShouldBe(AlertSeverity.Warning);

        // Night: a stricter threshold makes a quieter window worse.
        await rig.DeliverAsync(Noise.Exceeded("s-1", level: 60, threshold: 45, windowEnd: Noise.WindowEnd(2)));

        var alert = await rig.AlertAsync("s-1");
        alert.Severity.ShouldBe(AlertSeverity.Critical);
        alert.Level.ShouldBe(72);
        alert.Version.ShouldBe(2);
    }

    [Theory]
    [InlineData(6, 5, AlertSeverity.Warning)] // one spike too many: 1 "dB" over would have made it info
    [InlineData(9, 5, AlertSeverity.Warning)]
    [InlineData(10, 5, AlertSeverity.Critical)] // twice the limit: 5 "dB" over would have made it a warning
    public async Task A_spike_rate_alert_gets_its_severity_from_the_spike_count_not_from_dB_bands(int spikes, int limit,
        AlertSeverity expected)
    {
        await using var rig = await RaceRig.CreateAsync();

        await rig.DeliverAsync(Noise.Exceeded("s-1", level: spikes, threshold: limit, rule: AlertRule.SpikeRate));

        (await rig.AlertAsync("s-1", AlertRule.SpikeRate)).Severity.ShouldBe(expected);
    }
}
