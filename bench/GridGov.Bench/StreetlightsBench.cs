using System.Diagnostics;
using GridGov.Geo.Assets;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
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
        var rollUp = await RollUpAsync(db); // starts the service first: the migrated schema is what the tiles copy
        var tiles = await TilesAsync(dataSource, lamps, rng);

        Console.WriteLine();
        Console.WriteLine("| figure | lookups/s | target | baseline (PostGIS, same run) | baseline lookups/s | ratio |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|");
        Console.WriteLine($"| nearest lamp within 50 m of 200,000, one thread ({found * 100.0 / queries.Length:0}% found) | {oneThread:N0} | ≥ 100,000 | KNN `ORDER BY geom <-> p LIMIT 1` + ST_DWithin, GiST, one statement ({pgFound * 100.0 / pgQueries.Length:0}% found) | {postgis:N0} | {oneThread / postgis:0.0}x |");
        Console.WriteLine($"| the same, all {Environment.ProcessorCount} cores | {allCores:N0} | | the same | {postgis:N0} | {allCores / postgis:0.0}x |");
        Console.WriteLine();
        Console.WriteLine("| streetlight tiles, 200,000 lamps (1% faulty, ~90 circuits faulted) | tiles | lamps/tile (median) | served, first time: p50 / p95 ms | again (cached) p95 ms | target p95 | the same layer as SQL (lamps from z13, faults, circuit lines): p50 / p95 ms | baseline: ST_AsMVT of every lamp, p95 ms | ratio p95 (baseline / served) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var t in tiles)
            Console.WriteLine($"| z{t.Z} | {t.Count} | {t.Lamps:N0} | {t.P50:0.0} / {t.P95:0.0} | {t.WarmP95:0.00} | < 30 | {t.SqlP50:0.0} / {t.SqlP95:0.0} | {t.BaseP95:0.0} | {t.BaseP95 / t.P95:0.0}x |");
        Console.WriteLine();
        Console.WriteLine("| roll-up | per report | target | baseline | baseline | ratio |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|");
        Console.WriteLine($"| decision (FaultRule.Judge: threshold, share, the history sentence) | {rollUp.DecisionUs:0.00} µs | < 1 ms | | | |");
        Console.WriteLine($"| lamp report end to end (POST with assetCode → stored → roll-up judged; p50 / p95) | {rollUp.LampP50:0.0} / {rollUp.LampP95:0.0} ms | | a report of another matter, same service (p50 / p95) | {rollUp.PlainP50:0.0} / {rollUp.PlainP95:0.0} ms | {rollUp.LampP50 / rollUp.PlainP50:0.00}x |");
        Console.WriteLine($"| of which the roll-up transaction (lock, count, link or explain; p50 / p95) | {rollUp.RollP50:0.0} / {rollUp.RollP95:0.0} ms | | | | |");
    }

    private sealed record TileFigure(int Z, int Count, int Lamps, double P50, double P95, double WarmP95, double SqlP50, double SqlP95, double BaseP95);

    /// <summary>
    /// The streetlights tile statement as served (<see cref="GridGov.Api.Tiles.TilesApi.LayerSql"/>: lamps from z13,
    /// faults at every zoom, faulted circuits as lines) over 200,000 lamps in a schema of their own, beside the plain
    /// ST_AsMVT of every lamp in the tile, over the same tiles (z12-z16, up to 40 tiles a zoom where lamps stand).
    /// </summary>
    private static async Task<List<TileFigure>> TilesAsync(NpgsqlDataSource dataSource, List<(double Lon, double Lat)> lamps, Random rng)
    {
        await using (var cmd = dataSource.CreateCommand("""
            DROP SCHEMA IF EXISTS bench14 CASCADE; CREATE SCHEMA bench14;
            CREATE TABLE bench14.streetlights (LIKE public.streetlights INCLUDING DEFAULTS);
            INSERT INTO bench14.streetlights (code, component, location, cabinet_code, circuit_code, circuit_seq, unit_grid_code, status)
              SELECT lpad(i::text, 17, '0'), CASE WHEN i % 50 = 0 THEN '01060' ELSE '01037' END, ST_SetSRID(ST_MakePoint(x, y), 4490),
                     lpad((i / 200 * 200)::text, 17, '0'), CASE WHEN i % 50 = 0 THEN NULL ELSE lpad((i / 200 * 200)::text, 17, '0') || '-' || (i / 40 % 5 + 1) END,
                     (i % 40)::int, 'bench', CASE WHEN i % 100 = 7 OR (i / 40) % 55 = 3 THEN 'faulty' ELSE 'normal' END
              FROM unnest(@xs, @ys) WITH ORDINALITY AS u(x, y, i);
            ALTER TABLE bench14.streetlights ADD PRIMARY KEY (code);
            CREATE INDEX ON bench14.streetlights USING gist (location);
            CREATE INDEX ON bench14.streetlights (circuit_code, circuit_seq);
            CREATE INDEX ON bench14.streetlights (status) WHERE status <> 'normal';
            CREATE TABLE bench14.circuits (LIKE public.circuits INCLUDING DEFAULTS);
            INSERT INTO bench14.circuits (code, cabinet_code, number, status)
              SELECT DISTINCT ON (circuit_code) circuit_code, cabinet_code, 0,
                     CASE WHEN ((substr(circuit_code, 1, 17)::bigint + (substr(circuit_code, 19)::int - 1) * 40) / 40) % 55 = 3 THEN 'faulty' ELSE 'normal' END
              FROM bench14.streetlights WHERE circuit_code IS NOT NULL ORDER BY circuit_code;
            CREATE INDEX ON bench14.circuits (status) WHERE status <> 'normal';
            ANALYZE bench14.streetlights; ANALYZE bench14.circuits;
            """))
        {
            // Lamps in cable order lie along a street, not scattered: sort each run of 40 lamps along a line.
            var sorted = lamps.Chunk(40).SelectMany(c => c.OrderBy(p => p.Lon)).ToList();
            cmd.Parameters.AddWithValue("xs", sorted.Select(l => l.Lon).ToArray());
            cmd.Parameters.AddWithValue("ys", sorted.Select(l => l.Lat).ToArray());
            cmd.CommandTimeout = 600;
            await cmd.ExecuteNonQueryAsync();
        }
        // The service's own tile path over the same 200,000 lamps: the lamp index and status snapshot read from bench14.
        var schemaDb = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString) { SearchPath = "bench14,public" }.ConnectionString;
        await using var schemaSource = NpgsqlDataSource.Create(schemaDb);
        using var logs = Microsoft.Extensions.Logging.LoggerFactory.Create(_ => { });
        var lampIndex = new GridGov.Api.Streetlights.StreetlightIndex(schemaSource, Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<GridGov.Api.Streetlights.StreetlightIndex>(logs));
        var lampStatus = new GridGov.Api.Streetlights.StreetlightStatus(schemaSource, Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<GridGov.Api.Streetlights.StreetlightStatus>(logs));
        await lampIndex.StartAsync(CancellationToken.None);
        await lampStatus.StartAsync(CancellationToken.None);
        var memory = new GridGov.Api.Streetlights.StreetlightTiles(lampIndex, lampStatus);
        var loadWatch = Stopwatch.StartNew();
        await memory.TileAsync(0, 0, 0, CancellationToken.None);
        Console.WriteLine($"[bench streetlights] tile path loaded (lamp index + statuses + lon order) in {loadWatch.ElapsedMilliseconds} ms");
        var served = GridGov.Api.Tiles.TilesApi.LayerSql("streetlights");
        const string plain = """
            WITH b AS (SELECT ST_TileEnvelope(@z, @x, @y) AS m, ST_Transform(ST_TileEnvelope(@z, @x, @y, margin => 0.015625), 4490) AS g)
            SELECT ST_AsMVT(t, 'streetlights', 4096, 'geom') FROM (
              SELECT trim(code) AS code, status, ST_AsMVTGeom(ST_Transform(location, 3857), b.m, 4096, 16, true) AS geom
              FROM streetlights, b WHERE location && b.g) t
            """;
        await using var conn = await dataSource.OpenConnectionAsync();
        await using (var path = new NpgsqlCommand("SET search_path = bench14, public", conn)) await path.ExecuteNonQueryAsync();
        var figures = new List<TileFigure>();
        for (var z = 12; z <= 16; z++)
        {
            var n = 1 << z;
            // Tiles under random lamps, distinct: where a map would look.
            var picks = new HashSet<(int, int)>();
            for (var tries = 0; picks.Count < 40 && tries < 400; tries++)
            {
                var (lon, lat) = lamps[rng.Next(lamps.Count)];
                var x = (int)((lon + 180) / 360 * n);
                var y = (int)((1 - Math.Log(Math.Tan(lat * Math.PI / 180) + 1 / Math.Cos(lat * Math.PI / 180)) / Math.PI) / 2 * n);
                picks.Add((x, y));
            }
            var ours = new List<double>();
            var theirs = new List<double>();
            var cold = new List<double>();
            var counts = new List<int>();
            foreach (var (x, y) in picks)
            {
                var t = Stopwatch.StartNew();
                await memory.TileAsync(z, x, y, CancellationToken.None);
                cold.Add(t.Elapsed.TotalMilliseconds);
                foreach (var (sql, times) in new[] { (served, ours), (plain, theirs) })
                {
                    await using var cmd = new NpgsqlCommand(sql, conn);
                    cmd.Parameters.AddWithValue("z", z);
                    cmd.Parameters.AddWithValue("x", x);
                    cmd.Parameters.AddWithValue("y", y);
                    await cmd.ExecuteScalarAsync(); // warm: the plan and the pages
                    times.Add(BenchTiming.Median(3, () => BenchTiming.Time(() => cmd.ExecuteScalar())));
                }
                await using var count = new NpgsqlCommand("SELECT count(*) FROM streetlights WHERE location && ST_Transform(ST_TileEnvelope(@z, @x, @y), 4490) AND (@z >= 13 OR status <> 'normal')", conn);
                count.Parameters.AddWithValue("z", z);
                count.Parameters.AddWithValue("x", x);
                count.Parameters.AddWithValue("y", y);
                counts.Add(Convert.ToInt32(await count.ExecuteScalarAsync()));
            }
            ours.Sort();
            theirs.Sort();
            cold.Sort();
            counts.Sort();
            var warm = new List<double>();
            foreach (var (x, y) in picks) warm.Add(BenchTiming.Time(() => memory.TileAsync(z, x, y, CancellationToken.None).GetAwaiter().GetResult()));
            warm.Sort();
            figures.Add(new TileFigure(z, picks.Count, counts[counts.Count / 2], cold[cold.Count / 2], P95(cold), P95(warm), ours[ours.Count / 2], P95(ours), P95(theirs)));
        }
        await lampIndex.StopAsync(CancellationToken.None);
        await lampStatus.StopAsync(CancellationToken.None);
        await using (var drop = new NpgsqlCommand("DROP SCHEMA bench14 CASCADE", conn)) await drop.ExecuteNonQueryAsync();
        return figures;
    }

    private static double P95(List<double> sorted) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.95) - 1)];

    private sealed record RollUpFigure(double DecisionUs, double LampP50, double LampP95, double PlainP50, double PlainP95, double RollP50, double RollP95);

    /// <summary>
    /// The roll-up per report: the rule alone (a million judgements), and lamp reports end to end through the service on
    /// the demo county (each lamp on a fresh circuit but the third, so every outcome occurs: explained, opened, joined)
    /// beside reports of another matter, and the roll-up transaction alone.
    /// </summary>
    private static async Task<RollUpFigure> RollUpAsync(string db)
    {
        var watch = Stopwatch.StartNew();
        var sink = 0;
        for (var i = 0; i < 1_000_000; i++)
            sink += GridGov.Api.Streetlights.FaultRule.Judge("36079901060000001-1", "circuit", 20 + i % 41, 1 + i % 5, 3, 0.3, 6).Threshold;
        var decisionUs = watch.Elapsed.TotalMilliseconds * 1000 / 1_000_000;
        GC.KeepAlive(sink);

        await using var service = await BenchHost.Service.StartAsync(db, "dispatcher");
        var lampCodes = new List<string>();
        await using (var cmd = service.DataSource.CreateCommand("""
            SELECT trim(s.code) FROM streetlights s WHERE s.component = '01037'
              AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.asset_code = s.code::text)
            ORDER BY s.circuit_code, s.circuit_seq LIMIT 3000
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) lampCodes.Add(r.GetString(0));
        var lampTimes = new List<double>();
        var plainTimes = new List<double>();
        var rollTimes = new List<double>();
        var desk = service.Services.GetRequiredService<GridGov.Api.Incidents.IIncidentRollUp>();
        var spot = (Lon: 115.41, Lat: 25.95);
        for (var i = 0; i < Math.Min(300, lampCodes.Count); i++)
        {
            var code = lampCodes[i * 7 % lampCodes.Count];
            var t = Stopwatch.StartNew();
            var response = await service.Client.PostAsJsonAsync("/api/incidents", new { category = "01037", source = "patrol", assetCode = code, clientRequestId = $"bench14-{Guid.NewGuid():N}" });
            lampTimes.Add(t.Elapsed.TotalMilliseconds);
            var created = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
            t.Restart();
            await response.Content.ReadAsStringAsync();
            var plain = await service.Client.PostAsJsonAsync("/api/incidents", new { category = "06002", source = "patrol", lon = spot.Lon + i * 1e-4, lat = spot.Lat, clientRequestId = $"bench14p-{Guid.NewGuid():N}" });
            plainTimes.Add(t.Elapsed.TotalMilliseconds);
            // The roll-up alone, again on the stored report: the lock, the count and the explanation (it finds the
            // report already judged or linked, so this times the look-ups and the decision).
            if (created.TryGetProperty("id", out var id))
                rollTimes.Add(BenchTiming.Time(() => desk.AfterIntakeAsync(id.GetInt64(), CancellationToken.None).GetAwaiter().GetResult()));
        }
        lampTimes.Sort();
        plainTimes.Sort();
        rollTimes.Sort();
        return new RollUpFigure(decisionUs, lampTimes[lampTimes.Count / 2], P95(lampTimes), plainTimes[plainTimes.Count / 2], P95(plainTimes),
            rollTimes.Count > 0 ? rollTimes[rollTimes.Count / 2] : double.NaN, rollTimes.Count > 0 ? P95(rollTimes) : double.NaN);
    }
}
