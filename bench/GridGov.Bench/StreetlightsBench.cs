using System.Diagnostics;
using GridGov.Geo.Assets;
using Npgsql;

namespace GridGov.Bench;

/// <summary>
/// Issue 14's first figure: the nearest lamp within 50 m among 200,000 lamps, in process (<see cref="PointIndex"/>)
/// beside PostGIS KNN (<c>ORDER BY geom &lt;-&gt; p LIMIT 1</c> on a GiST index) in the same run.
/// </summary>
internal static class StreetlightsBench
{
    public static async Task RunAsync()
    {
        var db = BenchHost.Required("GRIDGOV_BENCH_DB");
        await using var dataSource = NpgsqlDataSource.Create(db);
        var rng = new Random(14);
        // 200,000 lamps over a 12 km × 10 km town, 25-40 m apart along imaginary streets: uniformly scattered is enough here.
        var lamps = Enumerable.Range(0, 200_000).Select(_ => (Lon: 115.34 + rng.NextDouble() * 0.12, Lat: 25.90 + rng.NextDouble() * 0.09)).ToList();
        await using (var cmd = dataSource.CreateCommand("""
            DROP TABLE IF EXISTS bench_lamps;
            CREATE TABLE bench_lamps AS SELECT i AS id, ST_SetSRID(ST_MakePoint(x, y), 4490) AS geom FROM unnest(@xs, @ys) WITH ORDINALITY AS u(x, y, i);
            CREATE INDEX ON bench_lamps USING gist (geom); ANALYZE bench_lamps;
            """))
        {
            cmd.Parameters.AddWithValue("xs", lamps.Select(l => l.Lon).ToArray());
            cmd.Parameters.AddWithValue("ys", lamps.Select(l => l.Lat).ToArray());
            cmd.CommandTimeout = 600;
            await cmd.ExecuteNonQueryAsync();
        }
        var build = Stopwatch.StartNew();
        var index = PointIndex.Build(lamps);
        Console.WriteLine($"[bench streetlights] 200,000 lamps indexed in {build.ElapsedMilliseconds} ms");

        var queries = Enumerable.Range(0, 1_000_000).Select(_ => (Lon: 115.34 + rng.NextDouble() * 0.12, Lat: 25.90 + rng.NextDouble() * 0.09)).ToArray();
        for (var i = 0; i < 10_000; i++) index.Nearest(queries[i].Lon, queries[i].Lat, 50);
        var found = 0;
        var watch = Stopwatch.StartNew();
        foreach (var (lon, lat) in queries) found += index.Nearest(lon, lat, 50).Count;
        var oneThread = queries.Length / watch.Elapsed.TotalSeconds;
        watch.Restart();
        Parallel.ForEach(System.Collections.Concurrent.Partitioner.Create(0, queries.Length, 10_000), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++) index.Nearest(queries[i].Lon, queries[i].Lat, 50);
        });
        var allCores = queries.Length / watch.Elapsed.TotalSeconds;

        // PostGIS: 20,000 lookups in one statement (no round trips counted), the index's nearest within 50 m.
        var pgQueries = queries.Take(20_000).ToArray();
        await using var knn = dataSource.CreateCommand("""
            SELECT count(n.id) FROM unnest(@xs, @ys) AS p(x, y) LEFT JOIN LATERAL (
              SELECT l.id FROM bench_lamps l WHERE ST_DWithin(l.geom::geography, ST_SetSRID(ST_MakePoint(p.x, p.y), 4490)::geography, 50)
              ORDER BY l.geom <-> ST_SetSRID(ST_MakePoint(p.x, p.y), 4490) LIMIT 1) n ON true
            """);
        knn.Parameters.AddWithValue("xs", pgQueries.Select(q => q.Lon).ToArray());
        knn.Parameters.AddWithValue("ys", pgQueries.Select(q => q.Lat).ToArray());
        knn.CommandTimeout = 600;
        await knn.ExecuteScalarAsync();
        watch.Restart();
        var pgFound = Convert.ToInt64(await knn.ExecuteScalarAsync());
        var postgis = pgQueries.Length / watch.Elapsed.TotalSeconds;
        await using (var drop = dataSource.CreateCommand("DROP TABLE bench_lamps")) await drop.ExecuteNonQueryAsync();

        Console.WriteLine();
        Console.WriteLine("| figure | lookups/s | target | baseline (PostGIS, same run) | baseline lookups/s | ratio |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|");
        Console.WriteLine($"| nearest lamp within 50 m of 200,000, one thread ({found * 100.0 / queries.Length:0}% found) | {oneThread:N0} | ≥ 100,000 | KNN `ORDER BY geom <-> p LIMIT 1` + ST_DWithin, GiST, one statement ({pgFound * 100.0 / pgQueries.Length:0}% found) | {postgis:N0} | {oneThread / postgis:0.0}x |");
        Console.WriteLine($"| the same, all {Environment.ProcessorCount} cores | {allCores:N0} | | the same | {postgis:N0} | {allCores / postgis:0.0}x |");
    }
}
