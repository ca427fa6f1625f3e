using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using GridGov.Api.Demo;
using GridGov.Api.Live;
using Npgsql;

namespace GridGov.Bench;

/// <summary>
/// Issue 16's table: every list, indicator, tile and page read on a county's year (`./gridgov seed year`, kept in
/// gridgov_year; seeded here once if it is missing) beside the same read on the demo county with a small history
/// (a week's worth of cases, seeded into the fresh bench database by the same generator), same machine, same run;
/// and the indicators beside the plain SQL GROUP BY they amount to. Medians and p95 of repeated reads after a warm-up.
/// </summary>
internal static class YearBench
{
    private const int Runs = 15;
    private const int DemoCases = 20_000;

    public static async Task RunAsync()
    {
        var benchDb = BenchHost.Required("GRIDGOV_BENCH_DB");
        var yearDb = BenchHost.Required("GRIDGOV_YEAR_DB");
        var cases = int.TryParse(Environment.GetEnvironmentVariable("GRIDGOV_YEAR_CASES"), CultureInfo.InvariantCulture, out var n) ? n : YearSeedOptions.DefaultCases;
        var end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);

        Step("starting GridGov on the demo (bench) database, with a small history ...");
        await using var demo = await BenchHost.Service.StartAsync(benchDb, "leader");
        if (await CountAsync(demo.DataSource) == 0)
            await YearSeed.RunAsync(demo.DataSource, new YearSeedOptions(DemoCases, 0, end), line => Step("  demo: " + line));
        Step("starting GridGov on the year's database ...");
        await using var year = await BenchHost.Service.StartAsync(yearDb, "leader");
        if (await CountAsync(year.DataSource) == 0)
        {
            Step($"the year's database is empty: seeding {cases:N0} cases (./gridgov seed year does the same) ...");
            await YearSeed.RunAsync(year.DataSource, new YearSeedOptions(cases, YearSeedOptions.DefaultLamps, end), line => Step("  year: " + line));
        }
        var sizes = await SizesAsync(year.DataSource);
        Console.WriteLine($"| the year | {sizes.Cases:N0} cases ({sizes.Open:N0} open), {sizes.Events:N0} history rows, {sizes.Points:N0} point rows, {sizes.Lamps:N0} lamps, {sizes.Bytes / 1024.0 / 1024 / 1024:0.0} GB | the demo: {await CountAsync(demo.DataSource):N0} cases |");

        var local = end.ToOffset(TimeSpan.FromHours(8));
        var month = $"from={local.AddMonths(-1):yyyy-MM-dd}&to={local.AddDays(-1):yyyy-MM-dd}";
        var wholeYear = $"from={local.AddDays(-364):yyyy-MM-dd}&to={local.AddDays(-1):yyyy-MM-dd}";
        var extent = await ExtentAsync(year.DataSource);
        var (cx, cy) = ((extent.MinX + extent.MaxX) / 2, (extent.MinY + extent.MaxY) / 2);
        var (x12, y12) = LiveGroups.TileXY(cx, cy, 12);
        var (x14, y14) = LiveGroups.TileXY(cx, cy, 14);
        const double km = 1 / 111.0;
        var small = string.Create(CultureInfo.InvariantCulture, $"{cx - km / 2 / Math.Cos(cy * Math.PI / 180)},{cy - km / 2},{cx + km / 2 / Math.Cos(cy * Math.PI / 180)},{cy + km / 2}");
        var county = string.Create(CultureInfo.InvariantCulture, $"{extent.MinX},{extent.MinY},{extent.MaxX},{extent.MaxY}");
        var reads = new (string Name, string Path)[]
        {
            ("/api/lists/responsibility, a month", $"/api/lists/responsibility?{month}"),
            ("/api/indicators?by=team, a year", $"/api/indicators?by=team&{wholeYear}"),
            ("/api/indicators?by=largeGrid, a year", $"/api/indicators?by=largeGrid&{wholeYear}"),
            ("/api/indicators?by=largeGrid, a month (the dashboard)", $"/api/indicators?by=largeGrid&{month}"),
            ("/api/points/leaderboard, a month", $"/api/points/leaderboard?month={local.AddMonths(-1):yyyy-MM}"),
            ("/api/lists/closures, a month, CSV", $"/api/lists/closures?{month}&format=csv"),
            ("/tiles/incidents/12 (county centre)", $"/tiles/incidents/12/{x12}/{y12}.pbf"),
            ("/tiles/incidents/14 (county centre)", $"/tiles/incidents/14/{x14}/{y14}.pbf"),
            ("/tiles/streetlights/14 (county centre)", $"/tiles/streetlights/14/{x14}/{y14}.pbf"),
            ("/api/incidents?bbox= 1 km²", $"/api/incidents?bbox={small}"),
            ("/api/incidents?bbox= the county", $"/api/incidents?bbox={county}"),
            ("/api/incidents?status=closed, page 5,000 (×100), OFFSET", "/api/incidents?status=closed&pageSize=100&page=5000"),
            ("/api/incidents?bbox= the county, page 5,000 (×100), OFFSET", $"/api/incidents?bbox={county}&pageSize=100&page=5000"),
            ("/api/incidents?bbox= 1 km², page 500 (×100), OFFSET", $"/api/incidents?bbox={small}&pageSize=100&page=500"),
        }.Select(r => (r.Name, Demo: r.Path, Year: r.Path)).ToList();
        // The same depths by keyset: the cursor of page N is the next link of page N - 1 (read once, untimed).
        foreach (var (name, path, page) in new[]
        {
            ("/api/incidents?status=closed, page 5,000 (×100), by cursor", "/api/incidents?status=closed&pageSize=100", 5000),
            ("/api/incidents?bbox= the county, page 5,000 (×100), by cursor", $"/api/incidents?bbox={county}&pageSize=100", 5000),
            ("/api/incidents?bbox= 1 km², page 500 (×100), by cursor", $"/api/incidents?bbox={small}&pageSize=100", 500),
        })
            reads.Add((name, await CursorPathAsync(demo.Client, path, page), await CursorPathAsync(year.Client, path, page)));
        Console.WriteLine("| read | demo p50 / p95 | a year p50 / p95 | year ÷ demo (p50) | answer on the year |");
        Console.WriteLine("|---|---:|---:|---:|---|");
        foreach (var (name, demoPath, yearPath) in reads)
        {
            var d = await TimeAsync(demo.Client, demoPath);
            var y = await TimeAsync(year.Client, yearPath);
            Console.WriteLine($"| {name} | {d.P50:0} / {d.P95:0} ms | {y.P50:0} / {y.P95:0} ms | {y.P50 / Math.Max(d.P50, 0.1):0.0}x | {y.Status}, {y.Bytes / 1024.0:N0} kB{y.Note} |");
        }
        var intake = await IntakeAsync(demo.Client, year.Client, cx, cy);
        Console.WriteLine($"| intake POST /api/incidents | {intake.Demo:0.0} ms | {intake.Year:0.0} ms | {intake.Year / Math.Max(intake.Demo, 0.1):0.0}x | median of 20 |");

        var sql = await GroupByAsync(year.DataSource, end);
        Console.WriteLine($"| baseline: the plain SQL GROUP BY team over the year (what the team indicator amounts to) | | {sql:0} ms | | median of 5 |");

        var export = await StreamRateAsync(year.Client, $"/api/lists/closures?{wholeYear}&format=csv");
        Console.WriteLine($"| the year's closures, CSV, streamed | | {export.Seconds:0.0} s | | {export.Rows:N0} rows, {export.Rows / export.Seconds:N0} rows/s (target ≥ 50,000), first bytes after {export.FirstByteMs:0} ms |");

        if (Environment.GetEnvironmentVariable("GRIDGOV_YEAR_SOAK_MINUTES") is "0") return;
        Step("memory: the service in its own process on the year, simulator on ...");
        await YearMemory.RunAsync(yearDb, [.. reads.Where(r => !r.Year.Contains("after=", StringComparison.Ordinal)).Select(r => r.Year), $"/api/lists/closures?{wholeYear}&format=csv"]);
    }

    private static async Task<(long Rows, double Seconds, double FirstByteMs)> StreamRateAsync(HttpClient client, string path)
    {
        var watch = Stopwatch.StartNew();
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[81920];
        long lines = 0;
        double first = -1;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            if (first < 0) first = watch.Elapsed.TotalMilliseconds;
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }
        return (lines - 1, watch.Elapsed.TotalSeconds, first);
    }

    private sealed record Timing(double P50, double P95, int Status, long Bytes, string Note);

    /// <summary>The URL of page <paramref name="page"/> by cursor: page - 1's next link. A list without that page (the demo's) is read by number.</summary>
    private static async Task<string> CursorPathAsync(HttpClient client, string path, int page)
    {
        using var response = await client.GetAsync(string.Create(CultureInfo.InvariantCulture, $"{path}&page={page - 1}"));
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return response.IsSuccessStatusCode && body.TryGetProperty("next", out var next) && next.GetString() is { } link
            ? link
            : string.Create(CultureInfo.InvariantCulture, $"{path}&page={page}");
    }

    private static async Task<Timing> TimeAsync(HttpClient client, string path)
    {
        var times = new List<double>();
        var status = 0;
        long bytes = 0;
        var note = "";
        for (var i = -2; i < Runs; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
            var body = await response.Content.ReadAsByteArrayAsync();
            watch.Stop();
            status = (int)response.StatusCode;
            bytes = body.Length;
            if (path.Contains("format=csv", StringComparison.Ordinal)) note = $", {body.Count(b => b == '\n') - 1:N0} rows";
            if (status >= 400)
            {
                note = ", " + System.Text.Encoding.UTF8.GetString(body)[..Math.Min(160, body.Length)].ReplaceLineEndings(" ");
                break; // a failing read is reported once, not timed
            }
            if (i >= 0) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times.Count == 0
            ? new Timing(double.NaN, double.NaN, status, bytes, note)
            : new Timing(times[times.Count / 2], times[Math.Min(times.Count - 1, (int)Math.Ceiling(0.95 * times.Count) - 1)], status, bytes, note);
    }

    private static async Task<(double Demo, double Year)> IntakeAsync(HttpClient demo, HttpClient year, double lon, double lat)
    {
        async Task<double> Median(HttpClient client)
        {
            var times = new List<double>();
            for (var i = 0; i < 20; i++)
            {
                var watch = Stopwatch.StartNew();
                using var r = await client.PostAsJsonAsync("/api/incidents", new { category = "07001", source = "patrol", lon = lon + i * 0.0005, lat, description = "bench" });
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            return times[times.Count / 2];
        }
        return (await Median(demo), await Median(year));
    }

    private static async Task<double> GroupByAsync(NpgsqlDataSource db, DateTimeOffset end)
    {
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            await using var cmd = db.CreateCommand("""
                SELECT team_id, count(*) FILTER (WHERE registered_at IS NOT NULL), count(*) FILTER (WHERE closed_at IS NOT NULL),
                       count(*) FILTER (WHERE closed_at <= deadline), count(*) FILTER (WHERE rework_count > 0), avg(extract(epoch FROM closed_at - reported_at))
                FROM incidents WHERE reported_at >= $1 AND reported_at < $2 GROUP BY team_id
                """);
            cmd.Parameters.AddWithValue(end.AddDays(-365));
            cmd.Parameters.AddWithValue(end);
            var watch = Stopwatch.StartNew();
            await using (var r = await cmd.ExecuteReaderAsync()) while (await r.ReadAsync()) { }
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[2];
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM incidents");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private sealed record Sizes(long Cases, long Open, long Events, long Points, long Lamps, long Bytes);

    private static async Task<Sizes> SizesAsync(NpgsqlDataSource db)
    {
        var counts = await YearSeed.CountsAsync(db, default);
        await using var cmd = db.CreateCommand("SELECT pg_database_size(current_database())");
        return new Sizes(counts.Cases, counts.Open, counts.Events, counts.Points, counts.Lamps, (long)(await cmd.ExecuteScalarAsync())!);
    }

    private static async Task<(double MinX, double MinY, double MaxX, double MaxY)> ExtentAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geometry) e FROM grids WHERE level = 'Unit') x");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return (r.GetDouble(0), r.GetDouble(1), r.GetDouble(2), r.GetDouble(3));
    }

    private static void Step(string message) => Console.Error.WriteLine($"[bench year] {message}");
}
