namespace GridGov.Bench;

/// <summary>`./gridgov bench [NAME]`: each benchmark prints its figures beside the baseline measured in the same run.</summary>
internal static class BenchMain
{
    private static readonly Dictionary<string, Func<Task>> Benches = new(StringComparer.OrdinalIgnoreCase)
    {
        ["locate"] = LocateBench.RunAsync,
        ["ingest"] = IngestBench.RunAsync,
        ["live"] = LiveBench.RunAsync,
        ["plans"] = PlansBench.RunAsync,
        ["lifecircles"] = LifeCirclesBench.RunAsync,
        ["streetlights"] = StreetlightsBench.RunAsync,
        ["phones"] = PhonesBench.RunAsync,
        ["orders"] = OrdersBench.RunAsync,
        ["year"] = YearBench.RunAsync,
    };

    /// <summary>Not in "all": the year needs a million cases (minutes to seed once, then kept in gridgov_year).</summary>
    private static readonly HashSet<string> OnlyByName = new(StringComparer.OrdinalIgnoreCase) { "year" };

    public static async Task<int> Main(string[] args)
    {
        var name = args.FirstOrDefault() ?? "all";
        if (name == "all")
        {
            foreach (var (key, bench) in Benches)
                if (!OnlyByName.Contains(key)) await bench();
            return 0;
        }
        if (!Benches.TryGetValue(name, out var run))
        {
            Console.Error.WriteLine($"Unknown benchmark '{name}'. Available: {string.Join(", ", Benches.Keys)}.");
            return 2;
        }
        await run();
        return 0;
    }
}
