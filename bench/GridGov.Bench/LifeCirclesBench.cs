using System.Diagnostics;
using GridGov.Api.LifeCircles;
using GridGov.Geo.Roads;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;
using static GridGov.Bench.BenchTiming;

namespace GridGov.Bench;

/// <summary>
/// Issue 13's figures: a 15-minute walking isochrone and the coverage of every building for every facility class, on the
/// demo town and on a synthetic 100,000-junction walking network, each beside pgRouting doing the same on the same graph
/// in the same run (<c>pgr_drivingDistance</c> + <c>ST_ConcaveHull</c>; one <c>pgr_drivingDistance(..., equicost)</c> per
/// class joined to the buildings' nearest junctions), and the graph's memory per junction.
/// </summary>
internal static class LifeCirclesBench
{
    private const double FifteenMinutesM = 1200; // 15 min at 4.8 km/h

    public static async Task RunAsync()
    {
        var db = BenchHost.Required("GRIDGOV_BENCH_DB");
        Step("starting GridGov on the bench database (migrate + demo county) ...");
        await using var service = await BenchHost.Service.StartAsync(db, "planner");
        var network = service.Services.GetRequiredService<WalkNetwork>();
        // The town as a county brings it: the demo exported to OpenStreetMap and imported through ./gridgov import osm's path.
        var pbf = Path.Combine(Path.GetTempPath(), $"gridgov-bench-{Environment.ProcessId}.osm.pbf");
        var watch = Stopwatch.StartNew();
        await OsmExport.WriteAsync(service.DataSource, pbf);
        var exportMs = watch.ElapsedMilliseconds;
        var imported = await OsmImport.RunAsync(db, pbf);
        File.Delete(pbf);
        Step($"demo exported to OSM in {exportMs} ms and imported in {imported.ElapsedMs} ms: {imported.Roads} roads, {imported.Junctions} junctions, " +
             $"{imported.ResidentialBuildings} residential buildings, {imported.Facilities} facilities");
        watch.Restart();
        await network.WhenLoadedAsync(CancellationToken.None);
        Step($"first life-circle load (roads, facilities, buildings, coverage, building_walk written): {watch.ElapsedMilliseconds} ms");
        var classes = service.Services.GetRequiredService<FacilityClasses>().All.Select(c => c.Class).ToList();

        // ---- the demo town
        var graph = network.Current.Graph!;
        await SqlAsync(service.DataSource, """
            DROP TABLE IF EXISTS bench_lc_edges, bench_lc_vertices;
            CREATE TABLE bench_lc_edges AS SELECT id, source, target, length_m AS cost, geometry FROM roads WHERE walk;
            CREATE TABLE bench_lc_vertices AS SELECT DISTINCT ON (id) id, p FROM (
              SELECT source AS id, ST_StartPoint(geometry) AS p FROM bench_lc_edges UNION ALL SELECT target, ST_EndPoint(geometry) FROM bench_lc_edges) v ORDER BY id;
            CREATE INDEX ON bench_lc_vertices USING gist (p); ANALYZE bench_lc_edges; ANALYZE bench_lc_vertices;
            """);
        var demoOrigins = await OriginsAsync(service.DataSource, 40, seed: 1);
        var demoIso = IsochroneMs(graph, demoOrigins, [FifteenMinutesM]);
        var demoIso3 = IsochroneMs(graph, demoOrigins, [400, 800, FifteenMinutesM]);
        var demoPgIso = await PgIsochroneMs(service.DataSource, demoOrigins.Take(20).ToList());
        Step($"demo isochrone: {demoIso:0.00} ms (3 bands {demoIso3:0.00} ms); pgRouting {demoPgIso:0.0} ms");

        var facilities = await WalkNetwork.ReadFacilitiesAsync(service.DataSource, CancellationToken.None);
        var buildings = await WalkNetwork.ReadResidentialAsync(service.DataSource, CancellationToken.None);
        var demoCoverage = Median(3, () => Time(() => Coverage.Compute(graph, classes, facilities, buildings, 300)));
        var refresh = Median(3, () => Time(() => network.RefreshAsync(CancellationToken.None).GetAwaiter().GetResult()));
        var demoPgCoverage = await PgCoverageMs(service.DataSource, "bench_lc_edges", "bench_lc_vertices", facilities, buildings, classes);
        Step($"demo coverage: {demoCoverage:0} ms in memory ({buildings.Count} residential buildings × {classes.Count} classes, {facilities.Count} facilities), " +
             $"{refresh:0} ms with reading and writing building_walk; pgRouting {demoPgCoverage:0} ms");

        // ---- a synthetic 100,000-junction walking network
        var (synthetic, segments) = Lattice(317, 80, seed: 5);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var big = RoadGraph.Build(segments, maxTableJunctions: 0);
        var after = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(big);
        Step($"synthetic network: {big.NodeCount:N0} junctions, {big.EdgeCount:N0} edges; {big.Bytes / (double)big.NodeCount:0} B per junction by its arrays, {(after - before) / (double)big.NodeCount:0} B per junction on the heap");
        await StoreNetworkAsync(service.DataSource, segments, synthetic);
        var rng = new Random(11);
        var bigOrigins = Enumerable.Range(0, 40).Select(_ => synthetic[rng.Next(synthetic.Count)]).ToList();
        var bigIso = IsochroneMs(big, bigOrigins.Select(o => (o.Id, o.Lon, o.Lat)).ToList(), [FifteenMinutesM]);
        var bigPgIso = await PgIsochroneMs(service.DataSource, bigOrigins.Take(5).Select(o => (o.Id, o.Lon, o.Lat)).ToList(), "bench_lc_big_edges", "bench_lc_big_vertices");
        Step($"synthetic isochrone: {bigIso:0.00} ms; pgRouting {bigPgIso:0} ms");

        var (minLon, minLat, maxLon, maxLat) = (synthetic.Min(n => n.Lon), synthetic.Min(n => n.Lat), synthetic.Max(n => n.Lon), synthetic.Max(n => n.Lat));
        var bigFacilities = Enumerable.Range(0, 300).Select(i => new FacilityPoint(i + 1, classes[i % classes.Count],
            minLon + rng.NextDouble() * (maxLon - minLon), minLat + rng.NextDouble() * (maxLat - minLat))).ToList();
        var bigBuildings = Enumerable.Range(0, 100_000).Select(i => new BuildingPoint(i + 1,
            minLon + rng.NextDouble() * (maxLon - minLon), minLat + rng.NextDouble() * (maxLat - minLat))).ToList();
        var bigCoverage = Median(3, () => Time(() => Coverage.Compute(big, classes, bigFacilities, bigBuildings, 300)));
        Step($"synthetic coverage: {bigCoverage:0} ms ({bigBuildings.Count:N0} buildings × {classes.Count} classes, {bigFacilities.Count} facilities)");
        var bigPgCoverage = await PgCoverageMs(service.DataSource, "bench_lc_big_edges", "bench_lc_big_vertices", bigFacilities, bigBuildings, classes);
        Step($"synthetic coverage in pgRouting: {bigPgCoverage:0} ms");

        Console.WriteLine();
        Console.WriteLine("| figure | ms | target | baseline (pgRouting/PostGIS, same run) | baseline ms | ratio |");
        Console.WriteLine("|---|---:|---:|---|---:|---:|");
        Row($"imported demo town ({graph.NodeCount:N0} junctions): one 15-minute isochrone (median of {demoOrigins.Count})", demoIso, "< 5", "pgr_drivingDistance 1,200 m + ST_ConcaveHull", demoPgIso);
        Row("demo town: 5/10/15-minute isochrones in one call", demoIso3, "", "the same, one band", demoPgIso);
        Row($"demo town: coverage, {buildings.Count:N0} buildings × {classes.Count} classes", demoCoverage, "< 2,000", $"{classes.Count} × pgr_drivingDistance(equicost) joined to buildings", demoPgCoverage);
        Row("demo town: the same, reading tables and writing building_walk", refresh, "", "the same", demoPgCoverage);
        Row($"synthetic {big.NodeCount:N0} junctions: one 15-minute isochrone (median of {bigOrigins.Count})", bigIso, "< 5", "pgr_drivingDistance 1,200 m + ST_ConcaveHull", bigPgIso);
        Row($"synthetic: coverage, {bigBuildings.Count:N0} buildings × {classes.Count} classes, 300 facilities", bigCoverage, "< 30,000", $"{classes.Count} × pgr_drivingDistance(equicost) joined to buildings", bigPgCoverage);
        Console.WriteLine($"| synthetic: graph memory per junction | {big.Bytes / (double)big.NodeCount:0} B (arrays), {(after - before) / (double)big.NodeCount:0} B (heap) | | | | |");
    }

    private static void Row(string figure, double ms, string target, string baseline, double baseMs) =>
        Console.WriteLine($"| {figure} | {ms:N2} | {target} | {baseline} | {baseMs:N1} | {baseMs / ms:0.0}x faster |");

    private static void Step(string message) => Console.WriteLine($"[bench lifecircles] {message}");

    private static async Task SqlAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.CommandTimeout = 600;
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<List<(long Id, double Lon, double Lat)>> OriginsAsync(NpgsqlDataSource db, int count, int seed)
    {
        await using var cmd = db.CreateCommand($"SELECT id, ST_X(p), ST_Y(p) FROM bench_lc_vertices ORDER BY md5(id::text || '{seed}') LIMIT {count}");
        var list = new List<(long, double, double)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add((Convert.ToInt64(r.GetValue(0)), r.GetDouble(1), r.GetDouble(2)));
        return list;
    }

    /// <summary>Median ms of one isochrone call (after a warm-up) from each origin.</summary>
    private static double IsochroneMs(RoadGraph graph, List<(long Id, double Lon, double Lat)> origins, double[] bands)
    {
        var snaps = origins.Select(o => graph.Snap(o.Lon, o.Lat, 50)!.Value).ToList();
        foreach (var s in snaps.Take(3)) graph.Isochrones(s, bands);
        var times = snaps.Select(s => Time(() => graph.Isochrones(s, bands))).Order().ToList();
        return times[times.Count / 2];
    }

    /// <summary>pgRouting's isochrone on the same graph: the junctions within 1,200 m and their concave hull; median ms.</summary>
    private static async Task<double> PgIsochroneMs(NpgsqlDataSource db, List<(long Id, double Lon, double Lat)> origins,
        string edges = "bench_lc_edges", string vertices = "bench_lc_vertices")
    {
        var times = new List<double>();
        foreach (var (id, _, _) in origins)
        {
            var watch = Stopwatch.StartNew();
            await using var cmd = db.CreateCommand($"""
                SELECT ST_ConcaveHull(ST_Collect(v.p), 0.3)
                FROM pgr_drivingDistance('SELECT id, source, target, cost, cost AS reverse_cost FROM {edges}', @start, {FifteenMinutesM}, directed => false) d
                JOIN {vertices} v ON v.id = d.node
                """);
            cmd.CommandTimeout = 600;
            cmd.Parameters.AddWithValue("start", id);
            await cmd.ExecuteScalarAsync();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>
    /// pgRouting's coverage on the same graph: facilities and buildings on their nearest junctions (not timed), then per
    /// class one <c>pgr_drivingDistance(..., equicost => true)</c> from the class's junctions, joined to every building (timed).
    /// </summary>
    private static async Task<double> PgCoverageMs(NpgsqlDataSource db, string edges, string vertices, List<FacilityPoint> facilities,
        List<BuildingPoint> buildings, List<string> classes)
    {
        await SqlAsync(db, "DROP TABLE IF EXISTS bench_lc_fac, bench_lc_bld; CREATE TABLE bench_lc_fac (id int, class text, lon float8, lat float8); CREATE TABLE bench_lc_bld (id int, lon float8, lat float8);");
        await using (var conn = await db.OpenConnectionAsync())
        {
            await using (var w = await conn.BeginBinaryImportAsync("COPY bench_lc_fac FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var f in facilities)
                {
                    await w.StartRowAsync();
                    await w.WriteAsync(f.Id);
                    await w.WriteAsync(f.Class);
                    await w.WriteAsync(f.Lon);
                    await w.WriteAsync(f.Lat);
                }
                await w.CompleteAsync();
            }
            await using (var w = await conn.BeginBinaryImportAsync("COPY bench_lc_bld FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var b in buildings)
                {
                    await w.StartRowAsync();
                    await w.WriteAsync(b.Id);
                    await w.WriteAsync(b.Lon);
                    await w.WriteAsync(b.Lat);
                }
                await w.CompleteAsync();
            }
        }
        await SqlAsync(db, $"""
            ALTER TABLE bench_lc_fac ADD COLUMN vid bigint; ALTER TABLE bench_lc_bld ADD COLUMN vid bigint;
            UPDATE bench_lc_fac f SET vid = (SELECT v.id FROM {vertices} v ORDER BY v.p <-> ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4490) LIMIT 1);
            UPDATE bench_lc_bld b SET vid = (SELECT v.id FROM {vertices} v ORDER BY v.p <-> ST_SetSRID(ST_MakePoint(b.lon, b.lat), 4490) LIMIT 1);
            ANALYZE bench_lc_fac; ANALYZE bench_lc_bld;
            """);
        var watch = Stopwatch.StartNew();
        // A class without facilities covers nothing (pgRouting refuses an empty start array).
        foreach (var cls in classes.Where(c => facilities.Any(f => f.Class == c)))
        {
            await using var cmd = db.CreateCommand($"""
                SELECT count(*) FILTER (WHERE d.agg_cost <= 500) FROM bench_lc_bld b LEFT JOIN (
                  SELECT node, agg_cost FROM pgr_drivingDistance('SELECT id, source, target, cost, cost AS reverse_cost FROM {edges}',
                    (SELECT array_agg(DISTINCT vid) FROM bench_lc_fac WHERE class = @class), 1e9, directed => false, equicost => true)) d
                ON d.node = b.vid
                """);
            cmd.CommandTimeout = 600;
            cmd.Parameters.AddWithValue("class", cls);
            await cmd.ExecuteScalarAsync();
        }
        return watch.Elapsed.TotalMilliseconds;
    }

    private sealed record SyntheticNode(long Id, double Lon, double Lat);

    /// <summary>An n×n street lattice <paramref name="spacingM"/> apart with jittered junctions and 8 % of the blocks' sides missing.</summary>
    private static (List<SyntheticNode> Nodes, List<RoadSegment> Segments) Lattice(int n, double spacingM, int seed)
    {
        const double lat0 = 30.0;
        var perLon = 111_320.0 * Math.Cos(lat0 * Math.PI / 180);
        const double perLat = 110_574.0;
        var rng = new Random(seed);
        var nodes = new List<SyntheticNode>(n * n);
        for (var r = 0; r < n; r++)
            for (var c = 0; c < n; c++)
                nodes.Add(new SyntheticNode(r * n + c + 1, 114 + (c * spacingM + (rng.NextDouble() - 0.5) * 24) / perLon, lat0 + (r * spacingM + (rng.NextDouble() - 0.5) * 24) / perLat));
        var segments = new List<RoadSegment>(2 * n * n);
        long id = 1;
        void Add(SyntheticNode a, SyntheticNode b)
        {
            var length = Math.Sqrt(Math.Pow((b.Lon - a.Lon) * perLon, 2) + Math.Pow((b.Lat - a.Lat) * perLat, 2));
            segments.Add(new RoadSegment(id++, a.Id, b.Id, length, [new Coordinate(a.Lon, a.Lat), new Coordinate(b.Lon, b.Lat)]));
        }
        for (var r = 0; r < n; r++)
            for (var c = 0; c < n; c++)
            {
                var a = nodes[r * n + c];
                if (c + 1 < n && rng.NextDouble() > 0.08) Add(a, nodes[r * n + c + 1]);
                if (r + 1 < n && rng.NextDouble() > 0.08) Add(a, nodes[(r + 1) * n + c]);
            }
        return (nodes, segments);
    }

    private static async Task StoreNetworkAsync(NpgsqlDataSource db, List<RoadSegment> segments, List<SyntheticNode> nodes)
    {
        await SqlAsync(db, """
            DROP TABLE IF EXISTS bench_lc_big_edges, bench_lc_big_vertices;
            CREATE TABLE bench_lc_big_edges (id bigint, source bigint, target bigint, cost float8);
            CREATE TABLE bench_lc_big_vertices (id bigint, p geometry(Point, 4490));
            """);
        await using var conn = await db.OpenConnectionAsync();
        await using (var w = await conn.BeginBinaryImportAsync("COPY bench_lc_big_edges FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var s in segments)
            {
                await w.StartRowAsync();
                await w.WriteAsync(s.Id);
                await w.WriteAsync(s.Source);
                await w.WriteAsync(s.Target);
                await w.WriteAsync(s.LengthM);
            }
            await w.CompleteAsync();
        }
        var factory = new GeometryFactory(new PrecisionModel(), 4490);
        await using (var w = await conn.BeginBinaryImportAsync("COPY bench_lc_big_vertices FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var v in nodes)
            {
                await w.StartRowAsync();
                await w.WriteAsync(v.Id);
                await w.WriteAsync((Geometry)factory.CreatePoint(new Coordinate(v.Lon, v.Lat)), NpgsqlDbType.Geometry);
            }
            await w.CompleteAsync();
        }
        await using var index = new NpgsqlCommand("CREATE INDEX ON bench_lc_big_vertices USING gist (p); CREATE INDEX ON bench_lc_big_vertices (id); ANALYZE bench_lc_big_edges; ANALYZE bench_lc_big_vertices;", conn);
        index.CommandTimeout = 600;
        await index.ExecuteNonQueryAsync();
    }
}
