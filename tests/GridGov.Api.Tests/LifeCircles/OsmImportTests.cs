using System.Text.Json;
using GridGov.Api.LifeCircles;
using GridGov.Api.Live;
using GridGov.Api.Tests.Live;
using GridGov.Geo.Osm;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GridGov.Api.Tests.LifeCircles;

/// <summary>
/// The OpenStreetMap import against its source: the demo county (GRIDGOV_TEST_DB) exported to .osm.pbf and imported
/// into a county of its own (GRIDGOV_TEST_OSM_DB) answers as the demo does, and pgRouting agrees on the distances.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OsmImportTests(GridGovFactory demo, OsmTown town) : IClassFixture<OsmTown>, IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("gridgov-osm-test-");
    // Started (migrated, the demo loaded) before any import runs against its database.
    private readonly NpgsqlDataSource _started = town.DataSource;

    public void Dispose() => _work.Delete(recursive: true);

    [Fact]
    public async Task The_demo_county_exported_to_OpenStreetMap_and_imported_back_matches_its_source()
    {
        var pbf = Path.Combine(_work.FullName, "demo.osm.pbf");
        var exported = await OsmExport.WriteAsync(demo.DataSource, pbf);
        var source = await CountyFacts.ReadAsync(demo.DataSource);
        Assert.Equal(source.Roads, exported.Roads);
        Assert.Equal(0, exported.FacilitiesSkipped);

        // Through the command line, as a county admin runs it; the running service reloads its road graph.
        var network = town.Services.GetRequiredService<RoadNetwork>();
        var version = network.Version;
        var run = await OsmTown.Command("import", "osm", pbf, "--json");
        Assert.True(run.Code == 0, run.Err);
        foreach (var stage in new[] { "check:", "roads: osm2pgrouting noded", "buildings and facilities:", "written in one transaction:" })
            Assert.Contains(stage, run.Err);
        var summary = JsonDocument.Parse(run.Out).RootElement;
        var imported = await CountyFacts.ReadAsync(town.DataSource);
        Assert.Equal(imported.Roads, summary.GetProperty("roads").GetInt32());
        Assert.Equal(imported.Buildings, summary.GetProperty("buildings").GetInt32());

        Assert.Equal(source.Buildings, imported.Buildings);
        Assert.Equal(source.Residential, imported.Residential);
        Assert.Equal(source.FacilityBuildings, imported.FacilityBuildings);
        Assert.Equal(source.Households, imported.Households);
        Assert.Equal(source.Floors, imported.Floors);
        Assert.Equal(source.BuildingsPerUnitGrid, imported.BuildingsPerUnitGrid);
        Assert.Equal(source.FacilitiesByClass, imported.FacilitiesByClass);
        Assert.Equal(source.FacilitiesPerUnitGrid, imported.FacilitiesPerUnitGrid);

        Assert.Equal(source.Roads, imported.Roads);
        Assert.Equal(source.Junctions, imported.Junctions);
        Assert.InRange(imported.WalkM, source.WalkM * 0.995, source.WalkM * 1.005);
        Assert.Equal(imported.WalkM, imported.DriveM); // the demo has streets only
        var expectedClasses = source.RoadClasses.GroupBy(c => OsmExport.Highway(c.Key)).ToDictionary(g => g.Key, g => g.Sum(c => c.Value));
        Assert.Equal(expectedClasses.OrderBy(c => c.Key), imported.RoadClasses.OrderBy(c => c.Key));
        Assert.Equal(source.LampsOnRoads, imported.LampsOnRoads);
        Assert.InRange(imported.FarthestLampM, 0, OsmImport.StreetlightSnapM);
        Assert.Equal(0L, await Scalar<long>(town.DataSource, "SELECT count(*) FROM roads WHERE osm_id IS NULL OR NOT walk"));
        Assert.Equal(0L, await Scalar<long>(town.DataSource, "SELECT count(*) FROM buildings WHERE osm_id IS NULL"));
        Assert.Equal(0L, await Scalar<long>(town.DataSource, "SELECT count(*) FROM facilities WHERE osm_ref !~ '^n[0-9]+$'"));

        // pgRouting is the oracle: between two far-apart junctions, the same shortest walk on both networks (the
        // source's lengths taken on the spheroid, as osm2pgrouting measures length_m).
        var (sw, ne) = await CornersAsync(demo.DataSource);
        var sourceWalk = await WalkAsync(demo.DataSource, "ST_Length(geometry::geography)", sw, ne);
        var importedWalk = await WalkAsync(town.DataSource, "length_m", sw, ne);
        Assert.True(sourceWalk > 3000, $"the two corners are only {sourceWalk:0} m apart");
        Assert.InRange(importedWalk, sourceWalk - 1, sourceWalk + 1);

        await LiveKit.Eventually(() => Task.FromResult(network.Version > version && network.Graph?.NodeCount == imported.Junctions),
            "the running service's road graph reloaded with the imported junctions");

        // Importing again replaces every layer: the same county, no staging left behind.
        var progress = new List<string>();
        var again = await OsmImport.RunAsync(OsmTown.ConnectionString, pbf, progress.Add);
        Assert.Equal(imported, await CountyFacts.ReadAsync(town.DataSource), new FactsComparer());
        Assert.Equal(imported.Roads, again.Roads);
        Assert.Equal(source.Households, again.Households);
        Assert.Contains(progress, p => p.StartsWith("written in one transaction:", StringComparison.Ordinal));
        Assert.Equal(0L, await Scalar<long>(town.DataSource, "SELECT count(*) FROM pg_namespace WHERE nspname = 'osm_stage'"));
        Assert.Equal(0L, await Scalar<long>(town.DataSource, "SELECT count(*) FROM pg_class WHERE relname LIKE '\\_\\_ways%'"));
    }

    [Fact]
    public async Task Motorways_and_ways_closed_to_walkers_are_left_out_footways_are_walked_not_ridden_and_buildings_and_facilities_follow_their_tags()
    {
        // A tiny town far from the demo's grids: a street, footways, steps and a cycleway, a motorway beside them, and ways closed to walkers.
        var pbf = await OsmTown.Pbf(_work.FullName, "tiny", w =>
        {
            var t = OsmTown.Tags;
            double X(int i) => 116.5 + i * 0.001;
            for (var i = 1; i <= 7; i++) w.WriteNode(i, X(i), 26.5);
            w.WriteNode(8, X(2), 26.501);
            // Building corners (ids 20-35) and two facility nodes.
            void Square(long first, double x, double y)
            {
                w.WriteNode(first, x, y); w.WriteNode(first + 1, x + 0.0002, y); w.WriteNode(first + 2, x + 0.0002, y + 0.0002); w.WriteNode(first + 3, x, y + 0.0002);
            }
            Square(20, X(1), 26.4995); Square(24, X(3), 26.4995); Square(28, X(5), 26.4995); Square(32, X(6), 26.4995);
            w.WriteNode(40, X(5) + 0.0001, 26.4996, t(("amenity", "kindergarten")));
            w.WriteNode(41, X(7), 26.502, t(("amenity", "toilets"), ("name", "公厕一号")));

            w.WriteWay(1, [1, 2], t(("highway", "primary"), ("name", "人民路")));
            w.WriteWay(2, [2, 8, 3], t(("highway", "footway")));
            w.WriteWay(3, [3, 4], t(("highway", "steps")));
            w.WriteWay(4, [4, 5], t(("highway", "motorway")));
            w.WriteWay(5, [5, 6], t(("highway", "motorway_link")));
            w.WriteWay(6, [2, 6], t(("highway", "residential")));
            w.WriteWay(7, [6, 7], t(("highway", "cycleway")));
            w.WriteWay(8, [1, 7], t(("highway", "bridleway")));
            // Closed to people on foot: left out of the walking network.
            w.WriteWay(9, [3, 7], t(("highway", "service"), ("access", "private")));
            w.WriteWay(10, [1, 3], t(("highway", "footway"), ("foot", "no")));
            w.WriteWay(20, [20, 21, 22, 23, 20], t(("building", "apartments"), ("building:levels", "6"), ("building:flats", "24")));
            w.WriteWay(21, [24, 25, 26, 27, 24], t(("building", "school"), ("amenity", "school"), ("name", "实验小学")));
            w.WriteWay(22, [28, 29, 30, 31, 28], t(("building", "yes")));
            w.WriteWay(23, [32, 33, 34, 35, 32], t(("building", "yes"), ("building:levels", "2.6")));
        });

        var result = await OsmImport.RunAsync(OsmTown.ConnectionString, pbf);

        var roads = await Rows(town.DataSource, "SELECT osm_id, class, walk, drive, coalesce(name, '') FROM roads ORDER BY osm_id",
            r => $"{r.GetInt64(0)} {r.GetString(1)} walk={r.GetBoolean(2)} drive={r.GetBoolean(3)} {r.GetString(4)}".TrimEnd());
        Assert.Equal(
        [
            "1 primary walk=True drive=True 人民路", "2 footway walk=True drive=False", "3 steps walk=True drive=False",
            "6 residential walk=True drive=True", "7 cycleway walk=True drive=False",
        ], roads);
        Assert.Equal(3, result.WalkOnlyRoads);
        Assert.Equal(6, result.Junctions); // nodes 1, 2, 3, 4, 6, 7: node 8 is inside the footway, 5 only on motorways

        var buildings = await Rows(town.DataSource, "SELECT osm_id, kind, floors, households, unit_grid_code IS NULL FROM buildings ORDER BY osm_id",
            r => $"{r.GetInt64(0)} {r.GetString(1)} {r.GetInt32(2)} {r.GetInt32(3)} outside={r.GetBoolean(4)}");
        Assert.Equal(["20 residential 6 24 outside=True", "21 facility 1 0 outside=True", "22 facility 1 0 outside=True", "23 other 3 0 outside=True"], buildings);

        var facilities = await Rows(town.DataSource, "SELECT osm_ref, kind, name, level_minutes, unit_grid_code IS NULL FROM facilities ORDER BY osm_ref",
            r => $"{r.GetString(0)} {r.GetString(1)} {r.GetString(2)} {r.GetInt32(3)} outside={r.GetBoolean(4)}");
        Assert.Equal(["n40 kindergarten 幼儿园 5 outside=True", "n41 public_toilet 公厕一号 5 outside=True", "w21 primary_school 实验小学 10 outside=True"], facilities);

        // Every demo lamp is now kilometres from any road: none keeps one.
        Assert.Equal(0, result.LampsOnRoads);
        Assert.Equal(0L, await Scalar<long>(town.DataSource, "SELECT count(*) FROM streetlights WHERE road_id IS NOT NULL"));
    }

    [Fact]
    public async Task A_file_that_is_not_OpenStreetMap_or_has_no_roads_is_refused_with_the_reason_and_nothing_changes()
    {
        var before = await CountyFacts.FingerprintAsync(town.DataSource);

        var text = Path.Combine(_work.FullName, "town.osm.pbf");
        await File.WriteAllTextAsync(text, "name,lon,lat\n人民路,115.4,25.95\n");
        var run = await OsmTown.Command("import", "osm", text);
        Assert.Equal(1, run.Code);
        Assert.Contains("town.osm.pbf is not an OpenStreetMap file: ", run.Err);
        Assert.Contains("Nothing was changed.", run.Err);

        var nodesOnly = await OsmTown.Pbf(_work.FullName, "nodes-only", w =>
        {
            w.WriteNode(1, 115.40, 25.95, OsmTown.Tags(("amenity", "toilets")));
            w.WriteNode(2, 115.41, 25.95);
        });
        var noWays = await Assert.ThrowsAsync<OsmImportException>(() => OsmImport.RunAsync(OsmTown.ConnectionString, nodesOnly));
        Assert.Contains("the extract has no ways", noWays.Message);

        var motorwayOnly = await OsmTown.Pbf(_work.FullName, "motorway-only", w =>
        {
            w.WriteNode(1, 115.40, 25.95);
            w.WriteNode(2, 115.41, 25.95);
            w.WriteWay(1, [1, 2], OsmTown.Tags(("highway", "motorway")));
        });
        var noRoads = await Assert.ThrowsAsync<OsmImportException>(() => OsmImport.RunAsync(OsmTown.ConnectionString, motorwayOnly));
        Assert.Contains("has no walkable roads", noRoads.Message);

        var missing = await Assert.ThrowsAsync<OsmImportException>(() => OsmImport.RunAsync(OsmTown.ConnectionString, Path.Combine(_work.FullName, "nowhere.osm.pbf")));
        Assert.Contains("There is no file", missing.Message);

        // A good extract that the database refuses halfway through the write (the facilities, after the roads, the
        // lamps and the buildings): the one transaction rolls back whole.
        var good = await OsmTown.Pbf(_work.FullName, "good", w =>
        {
            w.WriteNode(1, 115.40, 25.95);
            w.WriteNode(2, 115.401, 25.95);
            w.WriteNode(3, 115.4002, 25.9502); w.WriteNode(4, 115.4004, 25.9502); w.WriteNode(5, 115.4004, 25.9504);
            w.WriteNode(6, 115.4003, 25.9501, OsmTown.Tags(("amenity", "toilets")));
            w.WriteWay(1, [1, 2], OsmTown.Tags(("highway", "residential")));
            w.WriteWay(2, [3, 4, 5, 3], OsmTown.Tags(("building", "house")));
        });
        await Execute(town.DataSource, """
            CREATE FUNCTION osm_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'facilities are closed for the test'; END $$;
            CREATE TRIGGER osm_test_refuse BEFORE INSERT ON facilities FOR EACH ROW EXECUTE FUNCTION osm_test_refuse();
            """);
        try
        {
            var refused = await Assert.ThrowsAsync<OsmImportException>(() => OsmImport.RunAsync(OsmTown.ConnectionString, good));
            Assert.Contains("The database refused the import: facilities are closed for the test", refused.Message);
        }
        finally
        {
            await Execute(town.DataSource, "DROP TRIGGER osm_test_refuse ON facilities; DROP FUNCTION osm_test_refuse()");
        }

        Assert.Equal(before, await CountyFacts.FingerprintAsync(town.DataSource));
    }

    private static async Task<((double X, double Y) Sw, (double X, double Y) Ne)> CornersAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geometry) AS e FROM roads) x");
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return ((r.GetDouble(0), r.GetDouble(1)), (r.GetDouble(2), r.GetDouble(3)));
    }

    /// <summary>pgr_dijkstra's walking distance between the junctions nearest two points, with COST as each road's cost.</summary>
    private static async Task<double> WalkAsync(NpgsqlDataSource db, string cost, (double X, double Y) from, (double X, double Y) to)
    {
        const string nearest = """
            (SELECT id FROM (SELECT source AS id, ST_StartPoint(geometry) AS p FROM roads UNION ALL SELECT target, ST_EndPoint(geometry) FROM roads) v
             ORDER BY p <-> ST_SetSRID(ST_MakePoint({0}, {1}), 4490), id LIMIT 1)
            """;
        var sql = $"""
            SELECT max(agg_cost) FROM pgr_dijkstra(
              'SELECT id, source, target, {cost} AS cost, {cost} AS reverse_cost FROM roads',
              {string.Format(System.Globalization.CultureInfo.InvariantCulture, nearest, from.X, from.Y)}::bigint,
              {string.Format(System.Globalization.CultureInfo.InvariantCulture, nearest, to.X, to.Y)}::bigint, directed => false)
            """;
        return await Scalar<double>(db, sql);
    }

    private static async Task<T> Scalar<T>(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task Execute(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<List<string>> Rows(NpgsqlDataSource db, string sql, Func<NpgsqlDataReader, string> row)
    {
        var rows = new List<string>();
        await using var cmd = db.CreateCommand(sql);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) rows.Add(row(r));
        return rows;
    }

    /// <summary>Facts compared field by field, the dictionaries by content.</summary>
    private sealed class FactsComparer : IEqualityComparer<CountyFacts>
    {
        public bool Equals(CountyFacts? a, CountyFacts? b) =>
            a is not null && b is not null
            && a with { RoadClasses = b.RoadClasses, FacilitiesByClass = b.FacilitiesByClass } == b
            && a.RoadClasses.OrderBy(c => c.Key).SequenceEqual(b.RoadClasses.OrderBy(c => c.Key))
            && a.FacilitiesByClass.OrderBy(c => c.Key).SequenceEqual(b.FacilitiesByClass.OrderBy(c => c.Key));

        public int GetHashCode(CountyFacts f) => f.Roads;
    }
}
