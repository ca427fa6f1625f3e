using System.Diagnostics;

namespace GridGov.Bench;

/// <summary>Timing helpers shared by the benchmarks.</summary>
internal static class BenchTiming
{
    /// <summary>Milliseconds one run of the action takes.</summary>
    public static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>The median of several runs' milliseconds.</summary>
    public static double Median(int runs, Func<double> run)
    {
        var times = Enumerable.Range(0, runs).Select(_ => run()).Order().ToList();
        return times[times.Count / 2];
    }
}
