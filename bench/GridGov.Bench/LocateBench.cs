using System.Diagnostics;
using System.Globalization;
using GridGov.Geo.Grids;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace GridGov.Bench;

/// <summary>
/// Issue 2's figures: in-process locate (demo unit grids and a 3,000-cell stress coverage) beside raw PostGIS
/// ST_Contains lookups driven by pgbench on the same polygons, and HTTP locate driven by wrk — all in one run.
/// </summary>
internal static class LocateBench
{
    private const int Points = 2_000_000;
    private const int Seconds = 10;

    public static async Task RunAsync()
    {
        var db = BenchHost.Required("GRIDGOV_BENCH_DB");
        var pgUrl = BenchHost.Required("GRIDGOV_BENCH_PGURL");
        Step("starting GridGov on the bench database (migrate + demo county) ...");
        await using var service = await BenchHost.Service.StartAsync(db, "dispatcher");
        var dataSource = service.DataSource;

        Step("loading the demo unit grids and generating the stress coverage ...");
        var demo = await LoadUnitsAsync(dataSource);
        var stress = StressCells.Generate();
        await StoreStressAsync(dataSource, stress);
        var demoIndex = UnitGridIndex.Build(demo);
        var stressIndex = UnitGridIndex.Build(stress);
        var env = new Envelope(115.385, 115.445, 25.932, 25.978);

        var rows = new List<(string Figure, double Value, string Baseline, double BaselineValue)>();
        foreach (var (label, index, table, cells) in new[] { ("demo", demoIndex, "grids", demo), ("stress", stressIndex, "bench_stress", stress) })
        {
            var vertices = cells.Average(c => c.Polygon.NumPoints);
            Step($"{label}: {cells.Count} cells, {vertices:0} vertices on average; in-process locate x {Points:N0} points ...");
            var pts = RandomPoints(env, Points, 1);
            var one = Best(() => Locate(index, pts, 1));
            var two = Best(() => Locate(index, pts, Environment.ProcessorCount));
            Step($"{label}: pgbench ST_Contains for {Seconds} s ...");
            var pg = await PgbenchAsync(pgUrl, table, env);
            rows.Add(($"locate in process, {label} ({cells.Count} cells), 1 thread", one, "", 0));
            rows.Add(($"locate in process, {label}, {Environment.ProcessorCount} threads", two, $"pgbench ST_Contains, {label}, 2 clients", pg));
        }

        Step($"HTTP GET /api/grids/locate with wrk for {Seconds} s ...");
        var http = await WrkAsync(service.Port, service.Token, env);
        rows.Add(("HTTP locate requests/s (wrk, 2 threads, 64 connections)", http, "pgbench ST_Contains, demo (same run)", rows[1].BaselineValue));

        Console.WriteLine();
        Console.WriteLine("| figure | per second | baseline | baseline per second | ratio |");
        Console.WriteLine("|---|---:|---|---:|---:|");
        foreach (var (figure, value, baseline, baseValue) in rows)
            Console.WriteLine($"| {figure} | {value:N0} | {baseline} | {(baseValue > 0 ? baseValue.ToString("N0") : "")} | {(baseValue > 0 ? $"{value / baseValue:0.0}x" : "")} |");
        Console.WriteLine("Targets (issue 2): >= 500,000 locates/s in process and >= 20x PostGIS; >= 15,000 HTTP locates/s.");
    }

    private static double Locate(UnitGridIndex index, (double X, double Y)[] pts, int threads)
    {
        var hits = new int[threads];
        var clock = Stopwatch.StartNew();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var n = 0;
            for (var i = t; i < pts.Length; i += threads)
                if (index.Locate(pts[i].X, pts[i].Y) is not null) n++;
            hits[t] = n;
        });
        var rate = pts.Length / clock.Elapsed.TotalSeconds;
        if (hits.Sum() == 0) throw new InvalidOperationException("No point hit a grid: the benchmark area is wrong.");
        return rate;
    }

    private static double Best(Func<double> run) => Enumerable.Range(0, 3).Select(_ => run()).Max();

    private static (double X, double Y)[] RandomPoints(Envelope env, int n, int seed)
    {
        var rnd = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (env.MinX + rnd.NextDouble() * env.Width, env.MinY + rnd.NextDouble() * env.Height)).ToArray();
    }

    private static async Task<List<(string Code, Geometry Polygon)>> LoadUnitsAsync(NpgsqlDataSource db)
    {
        var list = new List<(string, Geometry)>();
        await using var cmd = db.CreateCommand("SELECT code, geometry FROM grids WHERE level = 'Unit'");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) list.Add((reader.GetString(0), reader.GetFieldValue<Geometry>(1)));
        return list;
    }

    private static async Task StoreStressAsync(NpgsqlDataSource db, List<(string Code, Geometry Polygon)> cells)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using (var ddl = new NpgsqlCommand("DROP TABLE IF EXISTS bench_stress; CREATE TABLE bench_stress (code text PRIMARY KEY, geometry geometry(Polygon, 4490) NOT NULL)", conn))
            await ddl.ExecuteNonQueryAsync();
        await using (var importer = await conn.BeginBinaryImportAsync("COPY bench_stress (code, geometry) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (code, polygon) in cells)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(code);
                await importer.WriteAsync(polygon, NpgsqlDbType.Geometry);
            }
            await importer.CompleteAsync();
        }
        await using var index = new NpgsqlCommand("CREATE INDEX ON bench_stress USING gist (geometry); ANALYZE bench_stress; ANALYZE grids", conn);
        await index.ExecuteNonQueryAsync();
    }

    private static async Task<double> PgbenchAsync(string pgUrl, string table, Envelope env)
    {
        var filter = table == "grids" ? "level = 'Unit' AND " : "";
        var script = Path.Combine(Path.GetTempPath(), $"gridgov-locate-{table}.sql");
        await File.WriteAllTextAsync(script, $"""
            \set x random(0, 1000000)
            \set y random(0, 1000000)
            SELECT code FROM {table} WHERE {filter}ST_Contains(geometry, ST_SetSRID(ST_MakePoint({env.MinX.ToString(CultureInfo.InvariantCulture)} + :x * {(env.Width / 1e6).ToString("R", CultureInfo.InvariantCulture)}, {env.MinY.ToString(CultureInfo.InvariantCulture)} + :y * {(env.Height / 1e6).ToString("R", CultureInfo.InvariantCulture)}), 4490)) LIMIT 1;

            """);
        var output = await BenchHost.RunAsync("pgbench", $"-n -M prepared -c 2 -j 2 -T {Seconds} -f {script} \"{pgUrl}\"");
        var match = BenchHost.TpsRegex().Match(output);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new InvalidOperationException("pgbench printed no tps:\n" + output);
    }

    private static async Task<double> WrkAsync(int port, string token, Envelope env)
    {
        var script = Path.Combine(Path.GetTempPath(), "gridgov-locate.lua");
        await File.WriteAllTextAsync(script, $$"""
            math.randomseed(7)
            request = function()
              local lon = {{env.MinX.ToString(CultureInfo.InvariantCulture)}} + math.random() * {{env.Width.ToString(CultureInfo.InvariantCulture)}}
              local lat = {{env.MinY.ToString(CultureInfo.InvariantCulture)}} + math.random() * {{env.Height.ToString(CultureInfo.InvariantCulture)}}
              return wrk.format("GET", string.format("/api/grids/locate?lon=%.7f&lat=%.7f", lon, lat), { ["Authorization"] = "Bearer {{token}}" })
            end
            """);
        var output = await BenchHost.RunAsync("wrk", $"-t2 -c64 -d{Seconds}s -s {script} http://127.0.0.1:{port}/");
        var match = BenchHost.WrkRegex().Match(output);
        if (output.Contains("Non-2xx")) Console.WriteLine("  (points outside the county answer 404: counted, as a client would see them)");
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : throw new InvalidOperationException("wrk printed no rate:\n" + output);
    }

    private static void Step(string message) => Console.WriteLine($"[bench locate] {message}");
}
