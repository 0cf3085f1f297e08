namespace Dashboard.Bench;

internal static class Stats
{
    /// <summary>The nearest-rank percentile <paramref name="q"/> (0..1] of values already in ascending order.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q) =>
        sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];
}
