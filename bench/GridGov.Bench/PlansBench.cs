using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Geo.Coordinates;
using GridGov.Geo.Grids;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using Npgsql;
using NpgsqlTypes;
using static GridGov.Bench.BenchTiming;

namespace GridGov.Bench;

/// <summary>
/// Issue 12's figures on a 3,000-cell coverage of ~90 vertices: validate, clean (of a copy with digitising noise), one
/// reshape with its neighbours, and a publish that re-routes 2,000 open cases — each beside PostGIS checking the same
/// coverage (ST_IsValid + pairwise ST_Overlaps + an ST_Union gap test) in the same run.
/// </summary>
internal static class PlansBench
{
    public static async Task RunAsync()
    {
        var db = BenchHost.Required("GRIDGOV_BENCH_DB");
        Step("starting GridGov on the bench database (migrate + demo county) ...");
        // Reports of the publish figure lie close together; here they are separate cases (no duplicate merging).
        await using var service = await BenchHost.Service.StartAsync(db, "planner", ("Incidents:DuplicateRadiusM", "0.01"),
            ("Logging:LogLevel:GridGov.Api.Plans", "Debug"));
        var cells = StressCells.Generate();
        var items = cells.Select(c => new CoverageItem(c.Code, c.Polygon)).ToList();
        Step($"stress coverage: {items.Count} cells, {cells.Average(c => c.Polygon.NumPoints):0} vertices on average");
        await StoreAsync(service.DataSource, "bench_plan_cells", cells);

        var postgis = Median(3, () => PostgisCheckAsync(service.DataSource, "bench_plan_cells").GetAwaiter().GetResult());
        Step($"PostGIS check: {postgis:0} ms");

        var validate = Median(3, () => Time(() => CoverageCheck.Check(cells.Select(c => (c.Code, c.Polygon)).ToList(), 10)));
        var found = CoverageCheck.Check(cells.Select(c => (c.Code, c.Polygon)).ToList(), 10).Count;
        Step($"validate: {validate:0} ms ({found} problems)");

        var noisy = Noisy(cells, metres: 1.5);
        var noisyProblems = CoverageCheck.Check(noisy.Select(c => (c.Code, c.Geometry)).ToList(), 10).Count;
        CoverageEditResult? cleaned = null;
        var clean = Median(3, () => Time(() => cleaned = CoverageCleaner.Clean(noisy, snapM: 2, maxGapM: 10)));
        var merged = noisy.ToDictionary(n => n.Code, n => n.Geometry);
        foreach (var c in cleaned!.Changed) merged[c.Code] = c.Geometry;
        foreach (var r in cleaned.Removed) merged.Remove(r);
        var left = CoverageCheck.Check(merged.Select(m => (m.Key, m.Value)).ToList(), 10).Count;
        var leftKinds = CoverageCheck.Check(merged.Select(m => (m.Key, m.Value)).ToList(), 10).GroupBy(p => p.Kind).Select(g => $"{g.Count()} {g.Key}");
        Step($"clean: {clean:0} ms ({noisyProblems} problems before, {left} after: {string.Join(", ", leftKinds)}; {cleaned.Changes.Count} changes)");

        var reshape = ReshapeMs(items);
        Step($"reshape with neighbours: median {reshape:0.0} ms");

        var (publish, rerouted) = await PublishAsync(service);
        Step($"publish: {publish:0} ms, {rerouted} open cases re-routed");
        var demoCheck = Median(3, () => PostgisCheckAsync(service.DataSource, "grids WHERE level = 'Unit'").GetAwaiter().GetResult());

        Console.WriteLine();
        Console.WriteLine("| figure | ms | target | baseline (PostGIS, same run) | baseline ms | ratio |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|");
        Row("validate 3,000 cells (CoverageValidator + gap finder)", validate, "< 1,000", "ST_IsValid + pairwise ST_Overlaps + ST_Union gap test, 3,000 cells", postgis);
        Row($"clean 3,000 noisy cells (snap 2 m, gaps 10 m; {noisyProblems} → {left} problems)", clean, "< 5,000", "the same PostGIS check", postgis);
        Row("one reshape with its neighbours (median of 50)", reshape, "< 50", "the same PostGIS check", postgis);
        Row($"publish, {rerouted} open cases re-routed (HTTP, demo county)", publish, "< 2,000", "the PostGIS check of the demo's unit grids", demoCheck);
    }

    private static void Row(string figure, double ms, string target, string baseline, double baseMs) =>
        Console.WriteLine($"| {figure} | {ms:N1} | {target} | {baseline} | {baseMs:N0} | {baseMs / ms:0.0}x faster |");

    private static void Step(string message) => Console.WriteLine($"[bench plans] {message}");

    private static async Task StoreAsync(NpgsqlDataSource db, string table, List<(string Code, Geometry Polygon)> cells)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using (var cmd = new NpgsqlCommand($"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (code text PRIMARY KEY, geometry geometry(Polygon, 4490));", conn))
            await cmd.ExecuteNonQueryAsync();
        await using (var writer = await conn.BeginBinaryImportAsync($"COPY {table} (code, geometry) FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (code, polygon) in cells)
            {
                await writer.StartRowAsync();
                await writer.WriteAsync(code);
                await writer.WriteAsync(polygon, NpgsqlDbType.Geometry);
            }
            await writer.CompleteAsync();
        }
        await using (var cmd = new NpgsqlCommand($"CREATE INDEX ON {table} USING gist (geometry); ANALYZE {table};", conn)) await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>PostGIS doing the same check: every outline valid, every overlapping pair, and the holes of the union (gaps).</summary>
    private static async Task<double> PostgisCheckAsync(NpgsqlDataSource db, string from)
    {
        var watch = Stopwatch.StartNew();
        await using var cmd = db.CreateCommand($"""
            WITH g AS (SELECT code, geometry FROM {from})
            SELECT (SELECT count(*) FROM g WHERE NOT ST_IsValid(geometry)),
                   (SELECT count(*) FROM g a JOIN g b ON a.code < b.code AND a.geometry && b.geometry AND ST_Overlaps(a.geometry, b.geometry)),
                   (SELECT sum(ST_NumInteriorRings(p.geom)) FROM ST_Dump((SELECT ST_Union(geometry) FROM g)) p)
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>The cells as if each were traced by hand: every vertex moved up to <paramref name="metres"/>, on its own.</summary>
    private static List<CoverageItem> Noisy(List<(string Code, Geometry Polygon)> cells, double metres)
    {
        var rnd = new Random(7);
        var gk = GaussKruger.ForLongitude(115.415);
        return cells.Select(c =>
        {
            var copy = (Polygon)c.Polygon.Copy();
            var coords = copy.Shell.CoordinateSequence;
            for (var i = 0; i < coords.Count - 1; i++)
            {
                var (x, y) = gk.Forward(coords.GetX(i), coords.GetY(i));
                var (lon, lat) = gk.Inverse(x + (rnd.NextDouble() - 0.5) * 2 * metres, y + (rnd.NextDouble() - 0.5) * 2 * metres);
                coords.SetX(i, lon);
                coords.SetY(i, lat);
            }
            coords.SetX(coords.Count - 1, coords.GetX(0));
            coords.SetY(coords.Count - 1, coords.GetY(0));
            copy.GeometryChanged();
            Geometry g = copy.IsValid ? copy : NetTopologySuite.Geometries.Utilities.GeometryFixer.Fix(copy);
            return new CoverageItem(c.Code, g);
        }).ToList();
    }

    /// <summary>Pushes a cell 8 m into its neighbours, with the neighbours found as the API finds them (an envelope query).</summary>
    private static double ReshapeMs(List<CoverageItem> items)
    {
        var tree = new STRtree<CoverageItem>();
        foreach (var i in items) tree.Insert(i.Geometry.EnvelopeInternal, i);
        var gk = GaussKruger.ForLongitude(115.415);
        var rnd = new Random(3);
        var times = new List<double>();
        for (var n = 0; n < 55; n++)
        {
            var cell = items[rnd.Next(items.Count)];
            var grown = gk.Unproject(gk.Project(cell.Geometry).Buffer(8, 2));
            if (grown is not Polygon outline) continue;
            var reach = new Envelope(grown.EnvelopeInternal);
            reach.ExpandBy(0.0005);
            var watch = Stopwatch.StartNew();
            var near = tree.Query(reach).ToList();
            try
            {
                CoverageEdits.Reshape(near, cell.Code, outline, 1);
            }
            catch (CoverageEditException)
            {
                continue;
            }
            if (n >= 5) times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>
    /// On the demo county: open cases in the unit grids along large-grid borders, those unit grids given to the
    /// neighbouring large grid in a draft, then the publish over HTTP.
    /// </summary>
    private static async Task<(double Ms, int Rerouted)> PublishAsync(BenchHost.Service service)
    {
        var moves = new List<(string Unit, string To)>();
        await using (var cmd = service.DataSource.CreateCommand("""
            SELECT DISTINCT ON (u.code) u.code, n.parent_code
            FROM grids u JOIN grids n ON n.level = 'Unit' AND n.parent_code <> u.parent_code AND ST_Intersects(u.geometry, n.geometry)
              AND ST_Length(ST_Intersection(ST_Boundary(u.geometry), ST_Boundary(n.geometry))) > 0.0005
            JOIN grids lu ON lu.code = u.parent_code JOIN grids ln ON ln.code = n.parent_code AND ln.parent_code = lu.parent_code
            WHERE u.level = 'Unit' ORDER BY u.code, n.parent_code
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) moves.Add((r.GetString(0), r.GetString(1)));
        // Keep every large grid at least one unit grid of its own.
        var perLarge = new Dictionary<string, int>();
        await using (var cmd = service.DataSource.CreateCommand("SELECT parent_code, count(*)::int FROM grids WHERE level = 'Unit' GROUP BY parent_code"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) perLarge[r.GetString(0)] = r.GetInt32(1);
        var parents = new Dictionary<string, string>();
        await using (var cmd = service.DataSource.CreateCommand("SELECT code, parent_code FROM grids WHERE level = 'Unit'"))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) parents[r.GetString(0)] = r.GetString(1);
        var chosen = new List<(string Unit, string To)>();
        var targets = new HashSet<string>();
        foreach (var m in moves)
        {
            var from = parents[m.Unit];
            if (targets.Contains(from) || perLarge[from] <= 2) continue; // a grid that receives does not give, so nothing moves twice
            perLarge[from]--;
            targets.Add(m.To);
            chosen.Add(m);
        }
        Step($"publish: {chosen.Count} unit grids change large grid; reporting 2,000 open cases in them ...");

        var points = new List<(double Lon, double Lat)>();
        await using (var cmd = service.DataSource.CreateCommand("""
            SELECT ST_X(p), ST_Y(p) FROM grids u, ST_Dump(ST_GeneratePoints(u.geometry, 2000 / greatest(1, cardinality($1::text[])) + 1, 1)) d, LATERAL (SELECT d.geom AS p) x
            WHERE u.code = ANY($1)
            """))
        {
            cmd.Parameters.AddWithValue(chosen.Select(c => c.Unit).ToArray());
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) points.Add((r.GetDouble(0), r.GetDouble(1)));
        }
        var dispatcher = new HttpClient { BaseAddress = service.Client.BaseAddress };
        var token = (await (await dispatcher.PostAsJsonAsync("/api/auth/token", new { username = "dispatcher", password = "gridgov-demo" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        dispatcher.DefaultRequestHeaders.Authorization = new("Bearer", token);
        string[] categories = ["01001", "01002", "01003", "02001", "04002", "06003", "09002", "09001"];
        var created = 0;
        await Parallel.ForEachAsync(points.Take(2000).Select((p, i) => (p, i)), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (x, ct) =>
        {
            var response = await dispatcher.PostAsJsonAsync("/api/incidents", new
            {
                category = categories[x.i % categories.Length], source = "hotline", lon = x.p.Lon, lat = x.p.Lat, description = $"bench {x.i}", clientRequestId = $"bench-plan-{x.i}",
            }, ct);
            if (response.StatusCode == System.Net.HttpStatusCode.Created) Interlocked.Increment(ref created);
        });
        Step($"publish: {created} cases reported; drafting ...");

        var draft = await (await service.Client.PostAsJsonAsync("/api/plans", new { name = "bench publish" })).Content.ReadFromJsonAsync<JsonElement>();
        var id = draft.GetProperty("id").GetInt64();
        var version = draft.GetProperty("version").GetInt32();
        foreach (var group in chosen.GroupBy(c => c.To))
        {
            var edit = await service.Client.PostAsJsonAsync($"/api/plans/{id}/edits", new { op = "assign", baseVersion = version, codes = group.Select(g => g.Unit).ToArray(), largeGrid = group.Key });
            var body = await edit.Content.ReadFromJsonAsync<JsonElement>();
            if (!edit.IsSuccessStatusCode) throw new InvalidOperationException($"assign failed: {body}");
            version = body.GetProperty("version").GetInt32();
        }
        var watch = Stopwatch.StartNew();
        var published = await service.Client.PostAsJsonAsync($"/api/plans/{id}/publish", new { baseVersion = version });
        var ms = watch.Elapsed.TotalMilliseconds;
        var result = await published.Content.ReadFromJsonAsync<JsonElement>();
        if (!published.IsSuccessStatusCode) throw new InvalidOperationException($"publish failed: {result}");
        return (ms, result.GetProperty("rerouted").GetInt32());
    }
}
