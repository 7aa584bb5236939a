namespace Nop.Benchmarks;

public static class Stats
{
    /// <summary>The p-th percentile (0–100) by nearest rank; NaN for no samples.</summary>
    public static double Percentile(IReadOnlyList<double> samples, double p)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }
        var sorted = samples.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Round(double value, int digits = 1) =>
        double.IsFinite(value) ? Math.Round(value, digits) : value;
}
