using Nop.Testing;

namespace Nop.Ingest.Tests;

/// <summary>The tests' parser of the Prometheus text format reads what the exporter writes.</summary>
[Trait("Category", "Unit")]
public sealed class PrometheusTextTests
{
    [Fact]
    public void Samples_are_summed_over_the_labels_not_asked_for_and_escapes_are_read()
    {
        var text = PrometheusText.Parse("""
            # TYPE nop_x_total counter
            nop_x_total{otel_scope_name="Nop.X",reason="a \"quoted\" \\ value"} 2 1700000000000
            nop_x_total{otel_scope_name="Nop.X",reason="other"} 3
            nop_y_seconds_bucket{le="+Inf"} 4
            nop_z 1.5e-3
            """);

        text.Value("nop_x_total").ShouldBe(5);
        text.Value("nop_x_total", ("reason", "a \"quoted\" \\ value")).ShouldBe(2);
        text.Value("nop_x_total", ("reason", "missing")).ShouldBeNull();
        text.Value("nop_y_seconds_bucket", ("le", "+Inf")).ShouldBe(4);
        text.Value("nop_z").ShouldBe(0.0015);
        text.Value("nop_absent").ShouldBeNull();
    }
}
