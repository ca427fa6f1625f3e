using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.LifeCircles;
using GridGov.Geo.Roads;
using Microsoft.Extensions.DependencyInjection;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using Npgsql;
using NpgsqlTypes;

namespace GridGov.Api.Tests.LifeCircles;

/// <summary>Life circles on the demo town: isochrones and coverage cross-checked against pgRouting on the same roads.</summary>
[Collection(ApiCollection.Name)]
public class LifeCircleTests(GridGovFactory app)
{
    private static readonly JsonSerializerOptions GeoJson = new() { Converters = { new GeoJsonConverterFactory() } };
    private const string WalkEdges = "SELECT id, source, target, length_m AS cost, length_m AS reverse_cost FROM roads WHERE walk";

    private async Task<RoadGraph> GraphAsync()
    {
        var network = app.Services.GetRequiredService<WalkNetwork>();
        await network.WhenLoadedAsync(CancellationToken.None);
        return network.Current.Graph!;
    }

    /// <summary>Junctions of the walking network with their positions (pgRouting's vertices of the roads table).</summary>
    private async Task<Dictionary<long, Point>> JunctionsAsync()
    {
        var result = new Dictionary<long, Point>();
        await using var cmd = app.DataSource.CreateCommand("""
            SELECT DISTINCT ON (id) id, x, y FROM (
              SELECT source AS id, ST_X(ST_StartPoint(geometry)) AS x, ST_Y(ST_StartPoint(geometry)) AS y FROM roads WHERE walk
              UNION ALL SELECT target, ST_X(ST_EndPoint(geometry)), ST_Y(ST_EndPoint(geometry)) FROM roads WHERE walk) v ORDER BY id
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        var f = new GeometryFactory(new PrecisionModel(), 4490);
        while (await r.ReadAsync()) result[r.GetInt32(0)] = f.CreatePoint(new Coordinate(r.GetDouble(1), r.GetDouble(2)));
        return result;
    }

    [Fact]
    public async Task Isochrone_bands_hold_what_pgr_drivingDistance_reaches_and_nest()
    {
        var graph = await GraphAsync();
        var junctions = await JunctionsAsync();
        var settings = app.Services.GetRequiredService<LifeCircleSettings>();
        using var client = await app.ClientFor("planner");
        var rng = new Random(13);
        var ids = junctions.Keys.Order().ToList();
        for (var round = 0; round < 6; round++)
        {
            var originId = ids[rng.Next(ids.Count)];
            var at = junctions[originId];
            var response = await client.GetAsync(FormattableString.Invariant($"/api/lifecircles/isochrone?lon={at.X:R}&lat={at.Y:R}&minutes=5,10,15"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var bands = (await response.Content.ReadFromJsonAsync<FeatureCollection>(GeoJson))!;
            Assert.Equal(3, bands.Count);
            Geometry? inner = null;
            foreach (var band in bands)
            {
                var metres = Convert.ToDouble(band.Attributes["metres"], System.Globalization.CultureInfo.InvariantCulture);
                var polygon = band.Geometry;
                Assert.True(polygon.IsValid, $"band {metres} m from junction {originId} is not a valid polygon");
                if (inner is not null) Assert.True(polygon.Covers(inner), $"band {metres} m from junction {originId} does not contain the band inside it");
                inner = polygon;

                // pgRouting on the same graph: every junction within the band's walking distance.
                var reached = await DrivingDistanceAsync(originId, metres);
                var ours = graph.Reach(graph.Snap(at.X, at.Y, 1)!.Value, metres).ToDictionary(r => r.NodeId, r => r.Metres);
                Assert.Equal(reached.Keys.Order(), ours.Keys.Order());
                foreach (var (node, cost) in reached) Assert.Equal(cost, ours[node], 2);

                // Inside: everything reached with 30 m to spare (the polygon's frontier is drawn on a 20 m cell).
                foreach (var (node, cost) in reached)
                    if (cost <= metres - 30) Assert.True(polygon.Covers(junctions[node]), $"junction {node} ({cost:F0} m) lies outside the {metres} m band from {originId}");
                // Outside: a junction not reached within the band plus 90 m is inside only where it lies within the
                // polygon's reach (50 m) plus a cell of a road the band reaches.
                var farther = await DrivingDistanceAsync(originId, metres + 90);
                var insideUnreached = junctions.Where(j => !farther.ContainsKey(j.Key) && polygon.Covers(j.Value)).Select(j => j.Key).ToArray();
                if (insideUnreached.Length > 0)
                {
                    var far = await NotNearReachedRoadsAsync(insideUnreached, reached.Keys.ToArray(), settings.ReachM + settings.CellM);
                    Assert.True(far.Count == 0, $"junctions {string.Join(", ", far)} lie inside the {metres} m band from {originId} but are neither reached nor near a reached road");
                }
            }
        }
    }

    private async Task<Dictionary<long, double>> DrivingDistanceAsync(long start, double metres)
    {
        await using var cmd = app.DataSource.CreateCommand("SELECT node, agg_cost FROM pgr_drivingDistance(@edges, @start, @d, directed => false)");
        cmd.Parameters.AddWithValue("edges", WalkEdges);
        cmd.Parameters.AddWithValue("start", start);
        cmd.Parameters.AddWithValue("d", metres);
        var result = new Dictionary<long, double>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) result[r.GetInt64(0)] = r.GetDouble(1);
        return result;
    }

    private async Task<List<long>> NotNearReachedRoadsAsync(long[] nodes, long[] reached, double withinM)
    {
        await using var cmd = app.DataSource.CreateCommand("""
            WITH v AS (SELECT DISTINCT ON (id) id, p FROM (
                SELECT source AS id, ST_StartPoint(geometry) AS p FROM roads WHERE walk UNION ALL SELECT target, ST_EndPoint(geometry) FROM roads WHERE walk) x
              WHERE id = ANY(@nodes))
            SELECT v.id::bigint FROM v WHERE NOT EXISTS (
              SELECT 1 FROM roads r WHERE r.walk AND (r.source = ANY(@reached) OR r.target = ANY(@reached))
                AND ST_DWithin(r.geometry::geography, v.p::geography, @m))
            """);
        cmd.Parameters.AddWithValue("nodes", NpgsqlDbType.Array | NpgsqlDbType.Bigint, nodes);
        cmd.Parameters.AddWithValue("reached", NpgsqlDbType.Array | NpgsqlDbType.Bigint, reached);
        cmd.Parameters.AddWithValue("m", withinM);
        var result = new List<long>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) result.Add(r.GetInt64(0));
        return result;
    }

    [Theory]
    [InlineData("kindergarten")]
    [InlineData("primary_school")]
    [InlineData("middle_school")]
    public async Task Coverage_search_gives_the_nearest_source_distance_of_pgr_withPointsDD(string facilityClass)
    {
        var graph = await GraphAsync();
        var facilities = (await WalkNetwork.ReadFacilitiesAsync(app.DataSource, CancellationToken.None)).Where(f => f.Class == facilityClass).ToList();
        var buildings = (await WalkNetwork.ReadResidentialAsync(app.DataSource, CancellationToken.None)).Take(1500).ToList();
        Assert.NotEmpty(facilities);
        // Sources and targets as points on their edges (pgRouting's points have no walk onto the road: offsets zero here).
        var sources = facilities.Select(f => graph.Snap(f.Lon, f.Lat, 300)!.Value with { OffsetM = 0 }).ToList();
        var targets = buildings.Select(b => graph.Snap(b.Lon, b.Lat, 300)).Where(s => s is not null).Select(s => s!.Value with { OffsetM = 0 }).ToList();
        var field = graph.Access(sources);

        var points = sources.Concat(targets).ToList();
        var pid = Enumerable.Range(1, points.Count).ToArray();
        var edge = points.Select(p => graph.EdgeId(p.Edge)).ToArray();
        var lengths = await EdgeLengthsAsync(edge.Distinct().ToArray());
        var fraction = points.Select((p, i) => Math.Clamp(p.AlongM / lengths[edge[i]], 0, 1)).ToArray();
        await using var cmd = app.DataSource.CreateCommand("""
            CREATE TEMP TABLE IF NOT EXISTS lc_points (pid bigint, edge_id bigint, fraction float8, side char);
            TRUNCATE lc_points;
            INSERT INTO lc_points SELECT p, e, f, 'b' FROM unnest(@pid, @edge, @fraction) AS u(p, e, f);
            SELECT node, agg_cost FROM pgr_withPointsDD(@edges, 'SELECT pid, edge_id, fraction, side FROM lc_points',
                @starts, 100000, directed => false, details => true, equicost => false);
            """);
        cmd.Parameters.AddWithValue("pid", pid.Select(x => (long)x).ToArray());
        cmd.Parameters.AddWithValue("edge", edge);
        cmd.Parameters.AddWithValue("fraction", fraction);
        cmd.Parameters.AddWithValue("edges", WalkEdges);
        cmd.Parameters.AddWithValue("starts", Enumerable.Range(1, sources.Count).Select(i => -(long)i).ToArray());
        // One tree per source, the least per junction. (pgRouting 3.4's equicost => true answers up to ~25 m more than this
        // minimum at some junctions of the demo town: it does not give the nearest source's distance exactly.)
        var oracle = new Dictionary<long, double>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) oracle[r.GetInt64(0)] = Math.Min(oracle.GetValueOrDefault(r.GetInt64(0), double.PositiveInfinity), r.GetDouble(1));

        var junctionsChecked = 0;
        foreach (var (node, cost) in oracle.Where(o => o.Key > 0))
        {
            Assert.Equal(cost, field.AtNode(node), 1);
            junctionsChecked++;
        }
        Assert.True(junctionsChecked > 500, $"{junctionsChecked} junctions");
        for (var t = 0; t < targets.Count; t++)
        {
            var p = -(long)(sources.Count + t + 1);
            Assert.True(oracle.TryGetValue(p, out var expected), $"pgRouting did not reach building point {p}");
            Assert.Equal(expected, field.At(targets[t]), 1);
        }
    }

    private async Task<Dictionary<long, double>> EdgeLengthsAsync(long[] ids)
    {
        await using var cmd = app.DataSource.CreateCommand("SELECT id, length_m FROM roads WHERE id = ANY(@ids)");
        cmd.Parameters.AddWithValue("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint, ids);
        var result = new Dictionary<long, double>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) result[r.GetInt32(0)] = r.GetDouble(1);
        return result;
    }

    [Fact]
    public async Task Snapping_agrees_with_postgis_nearest_road()
    {
        var graph = await GraphAsync();
        var buildings = (await WalkNetwork.ReadResidentialAsync(app.DataSource, CancellationToken.None)).Take(300).ToList();
        await using var cmd = app.DataSource.CreateCommand("""
            SELECT b.i, (SELECT ST_Distance(r.geometry::geography, ST_SetSRID(ST_MakePoint(b.x, b.y), 4490)::geography)
                         FROM roads r WHERE r.walk ORDER BY r.geometry::geography <-> ST_SetSRID(ST_MakePoint(b.x, b.y), 4490)::geography LIMIT 1)
            FROM unnest(@xs, @ys) WITH ORDINALITY AS b(x, y, i)
            """);
        cmd.Parameters.AddWithValue("xs", buildings.Select(b => b.Lon).ToArray());
        cmd.Parameters.AddWithValue("ys", buildings.Select(b => b.Lat).ToArray());
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var b = buildings[(int)r.GetInt64(0) - 1];
            var snap = graph.Snap(b.Lon, b.Lat, 300)!.Value;
            // The plane is equirectangular about the town's middle: well under 0.5 % off the geodesic at town scale.
            Assert.InRange(snap.OffsetM, r.GetDouble(1) * 0.995 - 0.05, r.GetDouble(1) * 1.005 + 0.05);
        }
    }

    private async Task<string> ACommunityAsync()
    {
        await using var cmd = app.DataSource.CreateCommand("SELECT code FROM grids WHERE level = 'Community' ORDER BY code LIMIT 1");
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Coverage_counts_buildings_within_each_levels_GB_50180_distance()
    {
        using var client = await app.ClientFor("leader");
        var classes = await client.GetFromJsonAsync<JsonElement>("/api/lifecircles/classes");
        var metresOf = new Dictionary<int, double>();
        foreach (var c in classes.EnumerateArray()) metresOf[c.GetProperty("level").GetInt32()] = c.GetProperty("metres").GetDouble();
        Assert.Equal(300, metresOf[5]);
        Assert.Equal(500, metresOf[10]);
        Assert.Equal(1000, metresOf[15]);

        var community = await ACommunityAsync();
        var coverage = await client.GetFromJsonAsync<JsonElement>($"/api/lifecircles/coverage?community={community}");
        Assert.Equal(community, coverage.GetProperty("code").GetString());
        var total = coverage.GetProperty("buildings").GetInt32();
        Assert.True(total > 20, $"{total} residential buildings");
        foreach (var c in coverage.GetProperty("classes").EnumerateArray())
        {
            var cls = c.GetProperty("class").GetString()!;
            var band = c.GetProperty("metres").GetDouble();
            Assert.Equal(metresOf[c.GetProperty("level").GetInt32()], band);
            // The same count straight from the table the service wrote, by the band of the class's level.
            await using var cmd = app.DataSource.CreateCommand("""
                SELECT count(*) FILTER (WHERE building_walk_metres(b.id, @class) <= @band), count(*) FROM buildings b
                JOIN grids u ON u.code = b.unit_grid_code JOIN grids l ON l.code = u.parent_code
                WHERE b.kind = 'residential' AND l.parent_code = @community
                """);
            cmd.Parameters.AddWithValue("band", (float)band);
            cmd.Parameters.AddWithValue("class", cls);
            cmd.Parameters.AddWithValue("community", community);
            await using var r = await cmd.ExecuteReaderAsync();
            await r.ReadAsync();
            Assert.Equal(r.GetInt64(0), c.GetProperty("buildingsCovered").GetInt32());
            Assert.Equal(r.GetInt64(1), c.GetProperty("buildings").GetInt32());
            Assert.Equal(total, c.GetProperty("buildings").GetInt32());
            var share = c.GetProperty("share").GetDouble();
            Assert.Equal(Math.Round((double)r.GetInt64(0) / r.GetInt64(1), 4), share, 6);
        }
        // Gaps: one feature per class with uncovered buildings, counting them.
        var gaps = coverage.GetProperty("gaps").GetProperty("features").EnumerateArray().ToList();
        foreach (var gap in gaps)
        {
            var cls = gap.GetProperty("properties").GetProperty("class").GetString();
            var row = coverage.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("class").GetString() == cls);
            Assert.Equal(row.GetProperty("buildings").GetInt32() - row.GetProperty("buildingsCovered").GetInt32(), gap.GetProperty("properties").GetProperty("buildings").GetInt32());
            Assert.Equal("MultiPolygon", gap.GetProperty("geometry").GetProperty("type").GetString());
        }
        // The worst classes are required ones below the met share, lowest first.
        var worst = coverage.GetProperty("worst").EnumerateArray().Select(w => w.GetString()).ToList();
        var shares = worst.Select(w => coverage.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("class").GetString() == w).GetProperty("share").GetDouble()).ToList();
        Assert.Equal(shares.Order(), shares);

        // Large grids answer the same way, and the community list covers every community.
        var communities = await client.GetFromJsonAsync<JsonElement>("/api/lifecircles/communities");
        await using (var count = app.DataSource.CreateCommand("SELECT count(*) FROM grids WHERE level = 'Community'"))
            Assert.Equal((long)(await count.ExecuteScalarAsync())!, communities.GetArrayLength());
        var mine = communities.EnumerateArray().Single(c => c.GetProperty("code").GetString() == community);
        Assert.Equal(total, mine.GetProperty("buildings").GetInt32());
        Assert.InRange(mine.GetProperty("classesMet").GetInt32(), 0, mine.GetProperty("classes").GetInt32());
    }

    [Fact]
    public async Task A_facility_placed_where_one_is_missing_moves_coverage_and_removing_it_moves_it_back()
    {
        using var planner = await app.ClientFor("planner");
        var community = await ACommunityAsync();
        // The residential building of the community farthest from a kindergarten.
        await using var far = app.DataSource.CreateCommand("""
            SELECT b.id, ST_X(ST_PointOnSurface(b.geometry)), ST_Y(ST_PointOnSurface(b.geometry)) FROM buildings b
            JOIN grids u ON u.code = b.unit_grid_code JOIN grids l ON l.code = u.parent_code
            WHERE b.kind = 'residential' AND l.parent_code = @community ORDER BY coalesce(building_walk_metres(b.id, 'kindergarten'), 1e9) DESC, b.id LIMIT 1
            """);
        await app.Services.GetRequiredService<WalkNetwork>().WhenLoadedAsync(CancellationToken.None);
        far.Parameters.AddWithValue("community", community);
        int buildingId;
        double lon, lat;
        await using (var r = await far.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            (buildingId, lon, lat) = (r.GetInt32(0), r.GetDouble(1), r.GetDouble(2));
        }
        async Task<int> Covered()
        {
            var c = await planner.GetFromJsonAsync<JsonElement>($"/api/lifecircles/coverage?community={community}");
            return c.GetProperty("classes").EnumerateArray().Single(x => x.GetProperty("class").GetString() == "kindergarten").GetProperty("buildingsCovered").GetInt32();
        }
        var before = await Covered();

        using var leader = await app.ClientFor("leader");
        Assert.Equal(HttpStatusCode.Forbidden, (await leader.PostAsJsonAsync("/api/lifecircles/facilities", new { @class = "kindergarten", lon, lat })).StatusCode);

        var placed = await planner.PostAsJsonAsync("/api/lifecircles/facilities", new { @class = "kindergarten", name = "规划幼儿园", lon, lat });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        var id = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        try
        {
            // A retry of the same placement is the same facility.
            var again = await planner.PostAsJsonAsync("/api/lifecircles/facilities", new { @class = "kindergarten", name = "规划幼儿园", lon, lat });
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(id, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32());
            Assert.Equal(1L, await Scalar<long>("SELECT count(*) FROM facilities WHERE name = '规划幼儿园'"));

            var after = await Covered();
            Assert.True(after > before, $"kindergarten coverage {before} → {after}");
            Assert.True(await Scalar<float>($"SELECT building_walk_metres({buildingId}, 'kindergarten')") < 300);
            var listed = await planner.GetFromJsonAsync<JsonElement>("/api/lifecircles/facilities?class=kindergarten");
            Assert.Contains(listed.GetProperty("features").EnumerateArray(), f => f.GetProperty("properties").GetProperty("id").GetInt32() == id);
        }
        finally
        {
            Assert.Equal(HttpStatusCode.NoContent, (await planner.DeleteAsync($"/api/lifecircles/facilities/{id}")).StatusCode);
        }
        Assert.Equal(before, await Covered());
        await ProblemAssert.IsProblem(await planner.DeleteAsync($"/api/lifecircles/facilities/{id}"), HttpStatusCode.NotFound, $"no facility {id}");
    }

    private async Task<T> Scalar<T>(string sql)
    {
        await using var cmd = app.DataSource.CreateCommand(sql);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    [Theory]
    [InlineData("minutes=0", "1 to 60")]
    [InlineData("minutes=61", "1 to 60")]
    [InlineData("minutes=5,10,15,20,25", "at most 4")]
    [InlineData("minutes=five", "1 to 60")]
    [InlineData("minutes=5,5", "twice")]
    [InlineData("crs=mars", "crs")]
    public async Task Bad_isochrone_parameters_are_refused(string query, string detail)
    {
        using var client = await app.ClientFor("planner");
        await ProblemAssert.IsProblem(await client.GetAsync($"/api/lifecircles/isochrone?lon=115.415&lat=25.955&{query}"), HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task Bad_requests_get_clear_answers()
    {
        using var planner = await app.ClientFor("planner");
        await ProblemAssert.IsProblem(await planner.GetAsync("/api/lifecircles/isochrone?lon=115.0&lat=25.0"), HttpStatusCode.UnprocessableEntity, "No walkable road lies within 200 m");
        await ProblemAssert.IsProblem(await planner.GetAsync("/api/lifecircles/isochrone?lon=115.415"), HttpStatusCode.BadRequest, "'lat' is required");
        await ProblemAssert.IsProblem(await planner.GetAsync("/api/lifecircles/coverage?community=999999999999"), HttpStatusCode.NotFound, "999999999999");
        await ProblemAssert.IsProblem(await planner.GetAsync("/api/lifecircles/coverage"), HttpStatusCode.BadRequest, "exactly one");
        await ProblemAssert.IsProblem(await planner.GetAsync($"/api/lifecircles/coverage?community=1&largeGrid=2"), HttpStatusCode.BadRequest, "exactly one");
        await ProblemAssert.IsProblem(await planner.GetAsync("/api/lifecircles/facilities?class=casino"), HttpStatusCode.BadRequest, "Unknown facility class 'casino'");
        await ProblemAssert.IsProblem(await planner.PostAsJsonAsync("/api/lifecircles/facilities", new { @class = "casino", lon = 115.415, lat = 25.955 }), HttpStatusCode.BadRequest, "casino");
        await ProblemAssert.IsProblem(await planner.PostAsJsonAsync("/api/lifecircles/facilities", new { @class = "kindergarten", lon = 12.0, lat = 25.955 }), HttpStatusCode.BadRequest, "outside the county");
        await ProblemAssert.IsProblem(await planner.GetAsync("/tiles/lifecircle/14/13445/6969.pbf"), HttpStatusCode.BadRequest, "?class=");

        using var dispatcher = await app.ClientFor("dispatcher");
        Assert.Equal(HttpStatusCode.Forbidden, (await dispatcher.GetAsync("/api/lifecircles/coverage?community=1")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dispatcher.GetAsync("/tiles/lifecircle/14/13445/6969.pbf?class=kindergarten")).StatusCode);
    }

    [Fact]
    public async Task The_building_tile_layer_carries_metres_to_the_chosen_class()
    {
        using var leader = await app.ClientFor("leader");
        // z14 tiles around the demo town centre (115.415E, 25.955N).
        var found = false;
        for (var dx = 0; dx < 2 && !found; dx++)
        for (var dy = 0; dy < 2 && !found; dy++)
        {
            var response = await leader.GetAsync($"/tiles/lifecircle/14/{13444 + dx}/{6968 + dy}.pbf?class=kindergarten");
            Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
            if (response.StatusCode != HttpStatusCode.OK) continue;
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.True(bytes.Length > 100);
            Assert.True(bytes.AsSpan().IndexOf("metres"u8) >= 0, "the tile has no metres property");
            found = true;
        }
        Assert.True(found, "no tile of the town centre had residential buildings");
    }
}
