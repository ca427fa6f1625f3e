namespace GridGov.Geo.Grids;
internal static class ProfileTmp
{
    private static readonly bool On = Environment.GetEnvironmentVariable("COVPROF") == "1";
    private static readonly System.Diagnostics.Stopwatch W = System.Diagnostics.Stopwatch.StartNew();
    private static long _last;
    public static void Mark(string what) { if (!On) return; var now = W.ElapsedMilliseconds; Console.Error.WriteLine($"  {what}: {now - _last} ms"); _last = now; }
}
