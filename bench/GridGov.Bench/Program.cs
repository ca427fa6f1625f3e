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
    };

    public static async Task<int> Main(string[] args)
    {
        var name = args.FirstOrDefault() ?? "all";
        if (name == "all")
        {
            foreach (var bench in Benches.Values) await bench();
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
