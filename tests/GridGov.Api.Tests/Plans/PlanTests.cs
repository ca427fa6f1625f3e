using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridGov.Api.Tests.Incidents;
using GridGov.Geo.Files;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridGov.Api.Tests.Plans;

/// <summary>
/// Plans end to end against the real PostGIS: drafts, versions, undo and redo, moving unit grids, balance, compare,
/// publish (routing and open cases follow at once; a failed publish leaves the old plan), bad files.
/// </summary>
[Collection(PlansCollection.Name)]
public class PlanTests(PlansFactory app)
{
    private static readonly WKTReader Wkt = new(new NetTopologySuite.NtsGeometryServices(new PrecisionModel(), 4490));

    internal static async Task<(long Id, int Version)> Draft(HttpClient planner, string name, long? basedOnId = null, bool empty = false)
    {
        var plan = await (await planner.PostAsJsonAsync("/api/plans", new { name, basedOnId, empty = empty ? true : (bool?)null })).Json(HttpStatusCode.Created);
        Assert.Equal("draft", plan.GetProperty("status").GetString());
        return (plan.GetProperty("id").GetInt64(), plan.GetProperty("version").GetInt32());
    }

    internal static Task<HttpResponseMessage> Edit(HttpClient planner, long plan, int version, object edit)
    {
        var body = JsonSerializer.SerializeToElement(edit);
        var merged = body.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value);
        merged["baseVersion"] = version;
        return planner.PostAsJsonAsync($"/api/plans/{plan}/edits", merged);
    }

    private Task<long> PublishedId() => app.Scalar<long>("SELECT id FROM plans WHERE status = 'Published'");

    /// <summary>A unit grid whose large grid has other unit grids, next to a unit grid of another large grid of the same community.</summary>
    private async Task<(string Unit, string From, string To, int FromTeam, int ToTeam, double Lon, double Lat)> UnitOnABorder()
    {
        await using var cmd = app.DataSource.CreateCommand("""
            SELECT u.code, lu.code, ln.code, lu.team_id, ln.team_id, ST_X(p), ST_Y(p)
            FROM plans pl
            JOIN plan_grids u ON u.plan_id = pl.id AND u.level = 'Unit'
            JOIN plan_grids lu ON lu.plan_id = pl.id AND lu.code = u.parent_code
            JOIN plan_grids n ON n.plan_id = pl.id AND n.level = 'Unit' AND n.parent_code <> u.parent_code
              AND ST_Length(ST_Intersection(ST_Boundary(u.geometry), ST_Boundary(n.geometry))) > 0.0005
            JOIN plan_grids ln ON ln.plan_id = pl.id AND ln.code = n.parent_code AND ln.parent_code = lu.parent_code,
            ST_PointOnSurface(u.geometry) p
            WHERE pl.status = 'Published' AND lu.team_id IS NOT NULL AND ln.team_id IS NOT NULL AND lu.team_id <> ln.team_id
              AND (SELECT count(*) FROM plan_grids x WHERE x.plan_id = pl.id AND x.parent_code = lu.code) > 3
              AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.unit_grid_code = u.code)
            ORDER BY u.code DESC LIMIT 1
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), "the demo county has unit grids on a large grid's border");
        return (r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4), r.GetDouble(5), r.GetDouble(6));
    }

    [Fact]
    public async Task A_draft_is_a_copy_that_changes_only_on_the_version_it_was_read_at_with_undo_redo_and_history()
    {
        var planner = await app.ClientFor("planner");
        var plans = (await (await planner.GetAsync("/api/plans")).Json(HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.Single(plans, p => p.GetProperty("status").GetString() == "published");
        var published = plans.First(p => p.GetProperty("status").GetString() == "published");
        var (id, version) = await Draft(planner, "改名草案");
        var draft = await (await planner.GetAsync($"/api/plans/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal(published.GetProperty("grids").GetInt32(), draft.GetProperty("grids").GetInt32());
        Assert.Equal(published.GetProperty("id").GetInt64(), draft.GetProperty("basedOnId").GetInt64());

        var unit = await app.Scalar<string>("SELECT code FROM plan_grids WHERE plan_id = $1 AND level = 'Unit' ORDER BY code LIMIT 1", id);
        var oldName = await app.Scalar<string>("SELECT name FROM plan_grids WHERE plan_id = $1 AND code = $2", id, unit);
        var renamed = await (await Edit(planner, id, version, new { op = "rename", code = unit, name = "新的名字" })).Json(HttpStatusCode.OK);
        Assert.Equal(version + 1, renamed.GetProperty("version").GetInt32());
        Assert.Equal([unit], renamed.GetProperty("changed").EnumerateArray().Select(c => c.GetString()!));

        // Another planner's edit made on the version before: refused, not an overwrite.
        var stale = await Edit(planner, id, version, new { op = "rename", code = unit, name = "另一个名字" });
        var problem = await stale.Json(HttpStatusCode.Conflict);
        Assert.Contains("version", problem.GetProperty("detail").GetString());
        Assert.Equal("新的名字", await app.Scalar<string>("SELECT name FROM plan_grids WHERE plan_id = $1 AND code = $2", id, unit));

        var undone = await (await planner.PostAsJsonAsync($"/api/plans/{id}/undo", new { baseVersion = version + 1 })).Json(HttpStatusCode.OK);
        Assert.Equal(version + 2, undone.GetProperty("version").GetInt32());
        Assert.Equal(oldName, await app.Scalar<string>("SELECT name FROM plan_grids WHERE plan_id = $1 AND code = $2", id, unit));
        (await planner.PostAsJsonAsync($"/api/plans/{id}/undo", new { baseVersion = version + 2 })).StatusCode.Is(HttpStatusCode.Conflict);
        await (await planner.PostAsJsonAsync($"/api/plans/{id}/redo", new { baseVersion = version + 2 })).Json(HttpStatusCode.OK);
        Assert.Equal("新的名字", await app.Scalar<string>("SELECT name FROM plan_grids WHERE plan_id = $1 AND code = $2", id, unit));

        var history = (await (await planner.GetAsync($"/api/plans/{id}/history")).Json(HttpStatusCode.OK)).EnumerateArray().ToList();
        var entry = Assert.Single(history);
        Assert.Equal("rename", entry.GetProperty("op").GetString());
        Assert.Equal("planner", entry.GetProperty("actor").GetString());
        Assert.False(entry.GetProperty("undone").GetBoolean());
        Assert.Contains(unit, entry.GetProperty("summary").GetString());

        // The published plan does not change; bad requests are answered, not ignored.
        var publishedId = published.GetProperty("id").GetInt64();
        var onPublished = await (await Edit(planner, publishedId, published.GetProperty("version").GetInt32(), new { op = "rename", code = unit, name = "x" })).Json(HttpStatusCode.Conflict);
        Assert.Contains("only a draft changes", onPublished.GetProperty("detail").GetString());
        var unknownOp = await (await Edit(planner, id, version + 3, new { op = "explode", code = unit })).Json(HttpStatusCode.BadRequest);
        Assert.True(unknownOp.GetProperty("errors").TryGetProperty("op", out _));
        var noVersion = await (await planner.PostAsJsonAsync($"/api/plans/{id}/edits", new { op = "rename", code = unit, name = "y" })).Json(HttpStatusCode.BadRequest);
        Assert.True(noVersion.GetProperty("errors").TryGetProperty("baseVersion", out _));
        var noGrid = await (await Edit(planner, id, version + 3, new { op = "rename", code = "999999999999999", name = "y" })).Json(HttpStatusCode.BadRequest);
        Assert.True(noGrid.GetProperty("errors").TryGetProperty("code", out _));
        (await planner.GetAsync($"/api/plans/{id}/grids?level=block")).StatusCode.Is(HttpStatusCode.BadRequest);
        (await planner.GetAsync("/api/plans/999999/validation")).StatusCode.Is(HttpStatusCode.NotFound);

        // Roles: a leader reads plans, a crew does not; only planners and admins change them.
        var leader = await app.ClientFor("leader");
        (await leader.GetAsync($"/api/plans/{id}/balance")).StatusCode.Is(HttpStatusCode.OK);
        (await leader.PostAsJsonAsync("/api/plans", new { name = "x" })).StatusCode.Is(HttpStatusCode.Forbidden);
        (await (await app.ClientFor("crew")).GetAsync("/api/plans")).StatusCode.Is(HttpStatusCode.Forbidden);
        (await (await app.ClientFor("dispatcher")).PostAsJsonAsync($"/api/plans/{id}/publish", new { baseVersion = 0 })).StatusCode.Is(HttpStatusCode.Forbidden);

        (await planner.DeleteAsync($"/api/plans/{id}")).StatusCode.Is(HttpStatusCode.NoContent);
        (await planner.DeleteAsync($"/api/plans/{publishedId}")).StatusCode.Is(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Moving_a_unit_grid_to_another_large_grid_shows_in_balance_and_compare_and_on_publish_routing_and_open_cases_follow()
    {
        var planner = await app.ClientFor("planner");
        var dispatcher = await app.ClientFor("dispatcher");
        var (unit, from, to, fromTeam, toTeam, lon, lat) = await UnitOnABorder();
        var oldPlan = await PublishedId();
        var open = await (await dispatcher.Report("09002", "hotline", lon, lat)).Json(HttpStatusCode.Created);
        var caseId = open.GetProperty("id").GetInt64();
        Assert.Equal(fromTeam, open.GetProperty("teamId").GetInt32());

        var (id, version) = await Draft(planner, "调整大网格");
        var before = await Balance(planner, id);
        var moved = await (await Edit(planner, id, version, new { op = "assign", codes = new[] { unit }, largeGrid = to })).Json(HttpStatusCode.OK);
        version = moved.GetProperty("version").GetInt32();
        var changed = moved.GetProperty("changed").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains(unit, changed);
        Assert.Contains(from, changed); // the large grids' outlines are their unit grids' union
        Assert.Contains(to, changed);

        var after = await Balance(planner, id);
        Assert.Equal(before[from].GetProperty("unitGrids").GetInt32() - 1, after[from].GetProperty("unitGrids").GetInt32());
        Assert.Equal(before[to].GetProperty("unitGrids").GetInt32() + 1, after[to].GetProperty("unitGrids").GetInt32());
        Assert.True(after[to].GetProperty("areaKm2").GetDouble() > before[to].GetProperty("areaKm2").GetDouble());
        Assert.True(after[to].GetProperty("incidents12m").GetInt32() >= before[to].GetProperty("incidents12m").GetInt32() + 1);
        var largeSum = await app.Scalar<double>("SELECT sum(area_m2) FROM plan_grids WHERE plan_id = $1 AND code = ANY($2)", id, new[] { from, to });
        var unitSum = await app.Scalar<double>("SELECT sum(area_m2) FROM plan_grids WHERE plan_id = $1 AND parent_code = ANY($2)", id, new[] { from, to });
        Assert.InRange(largeSum - unitSum, -5, 5);

        var validation = await (await planner.GetAsync($"/api/plans/{id}/validation")).Json(HttpStatusCode.OK);
        Assert.True(validation.GetProperty("valid").GetBoolean(), validation.ToString());
        var compare = await (await planner.GetAsync($"/api/plans/{id}/compare?with={oldPlan}")).Json(HttpStatusCode.OK);
        Assert.Equal(new[] { from, to }.Order(StringComparer.Ordinal), compare.GetProperty("reshaped").EnumerateArray().Select(g => g.GetProperty("code").GetString()!).Order(StringComparer.Ordinal));
        var moving = compare.GetProperty("openIncidentsMoving").EnumerateArray().Single(m => m.GetProperty("incidentId").GetInt64() == caseId);
        Assert.Equal(toTeam, moving.GetProperty("toTeamId").GetInt32());
        (await planner.GetAsync($"/api/plans/{id}/compare?with=abc")).StatusCode.Is(HttpStatusCode.BadRequest);

        var published = await (await planner.PostAsJsonAsync($"/api/plans/{id}/publish", new { baseVersion = version })).Json(HttpStatusCode.OK);
        Assert.True(published.GetProperty("rerouted").GetInt32() >= 1);
        Assert.Equal(oldPlan, published.GetProperty("archivedPlanId").GetInt64());
        Assert.Equal("published", published.GetProperty("plan").GetProperty("status").GetString());

        // Routing switched without a restart; the open case moved with a history entry; its new team's lead was told.
        var located = await (await dispatcher.GetAsync(FormattableString.Invariant($"/api/grids/locate?lon={lon}&lat={lat}"))).Json(HttpStatusCode.OK);
        Assert.Equal(to, located.GetProperty("largeGrid").GetProperty("code").GetString());
        Assert.Equal(toTeam, located.GetProperty("team").GetProperty("id").GetInt32());
        var detail = await (await dispatcher.GetAsync($"/api/incidents/{caseId}")).Json(HttpStatusCode.OK);
        Assert.Equal(toTeam, detail.GetProperty("teamId").GetInt32());
        Assert.Equal(to, detail.GetProperty("largeGridCode").GetString());
        var reroute = detail.GetProperty("history").EnumerateArray().Single(h => h.GetProperty("action").GetString() == "reroute");
        Assert.Contains("调整大网格", reroute.GetProperty("note").GetString());
        Assert.True(await app.Scalar<long>("SELECT count(*) FROM notices n JOIN crews c ON c.id = n.crew_id WHERE n.kind = 'rerouted' AND c.team_id = $1", toTeam) >= 1
            || await app.Scalar<long>("SELECT count(*) FROM crews WHERE team_id = $1 AND is_lead AND active", toTeam) == 0);
        var fresh = await (await dispatcher.Report("04002", "hotline", lon, lat + IncidentClient.NorthBy(1))).Json(HttpStatusCode.Created);
        Assert.Equal(toTeam, fresh.GetProperty("teamId").GetInt32());

        // The old plan is archived and still readable, with the unit grid where it was; live grids and teams agree.
        var list = (await (await planner.GetAsync("/api/plans")).Json(HttpStatusCode.OK)).EnumerateArray().ToList();
        Assert.Equal("archived", list.Single(p => p.GetProperty("id").GetInt64() == oldPlan).GetProperty("status").GetString());
        var oldUnits = await (await planner.GetAsync($"/api/plans/{oldPlan}/grids?level=unit")).Json(HttpStatusCode.OK);
        Assert.Equal(from, oldUnits.GetProperty("features").EnumerateArray().Single(f => f.GetProperty("properties").GetProperty("code").GetString() == unit)
            .GetProperty("properties").GetProperty("parentCode").GetString());
        Assert.Equal(to, await app.Scalar<string>("SELECT parent_code FROM grids WHERE code = $1", unit));
        Assert.Equal(to, await app.Scalar<string>("SELECT large_grid_code FROM teams WHERE id = $1", toTeam));
        Assert.Equal(0L, await app.Scalar<long>("""
            SELECT count(*) FROM grids g FULL JOIN (SELECT * FROM plan_grids WHERE plan_id = $1) p ON p.code = g.code
            WHERE g.code IS NULL OR p.code IS NULL OR NOT ST_Equals(g.geometry, p.geometry) OR g.parent_code IS DISTINCT FROM p.parent_code
            """, id));
        (await (await app.ClientFor("planner")).PostAsJsonAsync($"/api/plans/{id}/edits", new { op = "rename", baseVersion = version, code = unit, name = "z" }))
            .StatusCode.Is(HttpStatusCode.Conflict);
    }

    private static async Task<Dictionary<string, JsonElement>> Balance(HttpClient client, long plan) =>
        (await (await client.GetAsync($"/api/plans/{plan}/balance")).Json(HttpStatusCode.OK)).EnumerateArray()
            .ToDictionary(r => r.GetProperty("code").GetString()!, r => r.Clone());

    [Fact]
    public async Task A_plan_with_an_overlap_is_refused_with_its_problems_clean_repairs_it_and_a_publish_failing_midway_leaves_the_old_plan()
    {
        var planner = await app.ClientFor("planner");
        var (id, version) = await Draft(planner, "有重叠的草案");
        // The unit level as a file, one grid grown 15 m into its neighbours: what hand tracing produces.
        var units = await (await planner.GetAsync($"/api/plans/{id}/grids?level=unit")).Json(HttpStatusCode.OK);
        var features = units.GetProperty("features").EnumerateArray().ToList();
        var grown = features[features.Count / 2].GetProperty("properties").GetProperty("code").GetString()!;
        var file = await UnitFile(features, grown, metres: 15);
        var imported = await (await Import(planner, id, version, file, "units.geojson", "level=unit")).Json(HttpStatusCode.OK);
        version = imported.GetProperty("version").GetInt32();
        Assert.Equal(features.Count, imported.GetProperty("updated").GetInt32());

        var validation = await (await planner.GetAsync($"/api/plans/{id}/validation")).Json(HttpStatusCode.OK);
        Assert.False(validation.GetProperty("valid").GetBoolean());
        var overlaps = validation.GetProperty("problems").EnumerateArray().Where(p => p.GetProperty("kind").GetString() == "overlap").ToList();
        Assert.NotEmpty(overlaps);
        Assert.All(overlaps, o => Assert.Contains(grown, o.GetProperty("codes").EnumerateArray().Select(c => c.GetString())));
        Assert.All(overlaps, o => Assert.Equal("unit", o.GetProperty("level").GetString()));
        // PostGIS on the same grids: the same pairs overlap.
        var postgis = new HashSet<string>();
        await using (var cmd = app.DataSource.CreateCommand("""
            SELECT b.code FROM plan_grids a JOIN plan_grids b ON b.plan_id = a.plan_id AND b.level = 'Unit' AND b.code <> a.code
            WHERE a.plan_id = $1 AND a.code = $2 AND ST_Overlaps(a.geometry, b.geometry)
            """))
        {
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(grown);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) postgis.Add(r.GetString(0));
        }
        Assert.Equal(postgis.Order(), overlaps.SelectMany(o => o.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!)).Where(c => c != grown).Distinct().Order());

        var refused = await (await planner.PostAsJsonAsync($"/api/plans/{id}/publish", new { baseVersion = version })).Json(HttpStatusCode.Conflict);
        Assert.Contains("overlap", refused.GetProperty("detail").GetString());
        Assert.NotEmpty(refused.GetProperty("problems").EnumerateArray());

        var cleaned = await (await Edit(planner, id, version, new { op = "clean", level = "unit", snapM = 2, maxGapM = 20 })).Json(HttpStatusCode.OK);
        version = cleaned.GetProperty("version").GetInt32();
        Assert.Contains(cleaned.GetProperty("changes").EnumerateArray(), c => c.GetProperty("kind").GetString() == "overlapResolved");
        var repaired = await (await planner.GetAsync($"/api/plans/{id}/validation")).Json(HttpStatusCode.OK);
        Assert.True(repaired.GetProperty("valid").GetBoolean(), repaired.ToString());

        // A publish that fails inside its transaction (here a trigger refusing writes to grids) changes nothing.
        var oldPlan = await PublishedId();
        var liveBefore = await app.Scalar<string>("SELECT md5(string_agg(code || ST_AsBinary(geometry)::text, ',' ORDER BY code)) FROM grids");
        await app.Execute("""
            CREATE OR REPLACE FUNCTION test_refuse_grids() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test: grids are read-only'; END $$;
            CREATE TRIGGER test_refuse_grids BEFORE INSERT OR UPDATE OR DELETE ON grids FOR EACH STATEMENT EXECUTE FUNCTION test_refuse_grids();
            """);
        try
        {
            var failed = await planner.PostAsJsonAsync($"/api/plans/{id}/publish", new { baseVersion = version });
            Assert.False(failed.IsSuccessStatusCode);
        }
        finally
        {
            await app.Execute("DROP TRIGGER test_refuse_grids ON grids; DROP FUNCTION test_refuse_grids();");
        }
        Assert.Equal(oldPlan, await PublishedId());
        Assert.Equal("Draft", await app.Scalar<string>("SELECT status FROM plans WHERE id = $1", id));
        Assert.Equal(liveBefore, await app.Scalar<string>("SELECT md5(string_agg(code || ST_AsBinary(geometry)::text, ',' ORDER BY code)) FROM grids"));
        Assert.Equal(0L, await app.Scalar<long>("SELECT count(*) FROM incident_events WHERE action = 'reroute' AND note LIKE '%有重叠的草案%'"));

        // Undo the clean: the overlap is back.
        await (await planner.PostAsJsonAsync($"/api/plans/{id}/undo", new { baseVersion = version })).Json(HttpStatusCode.OK);
        Assert.False((await (await planner.GetAsync($"/api/plans/{id}/validation")).Json(HttpStatusCode.OK)).GetProperty("valid").GetBoolean());
        (await planner.DeleteAsync($"/api/plans/{id}")).StatusCode.Is(HttpStatusCode.NoContent);
    }

    private static async Task<byte[]> UnitFile(List<JsonElement> features, string? grow, double metres, bool withCodes = true)
    {
        var reader = new JsonSerializerOptions { Converters = { new NetTopologySuite.IO.Converters.GeoJsonConverterFactory() } };
        var list = new List<(IReadOnlyDictionary<string, object?>, Geometry)>();
        foreach (var f in features)
        {
            var p = f.GetProperty("properties");
            var code = p.GetProperty("code").GetString()!;
            var g = f.GetProperty("geometry").Deserialize<Geometry>(reader)!;
            if (code == grow) g = g.Buffer(metres / 111_000.0, 2);
            var attributes = new Dictionary<string, object?> { ["name"] = p.GetProperty("name").GetString(), ["parentCode"] = p.GetProperty("parentCode").GetString() };
            if (withCodes) attributes["code"] = code;
            list.Add(((IReadOnlyDictionary<string, object?>)attributes, g));
        }
        await Task.CompletedTask;
        using var output = new MemoryStream();
        BoundaryFiles.Write(output, BoundaryFormat.GeoJson, "units", withCodes ? ["code", "name", "parentCode"] : ["name", "parentCode"], list);
        return output.ToArray();
    }

    internal static Task<HttpResponseMessage> Import(HttpClient planner, long plan, int version, byte[] file, string fileName, string query)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(file), "file", fileName } };
        return planner.PostAsync($"/api/plans/{plan}/import?{query}&baseVersion={version}", form);
    }

    [Fact]
    public async Task Bad_files_are_refused_whole_with_the_feature_named_and_the_draft_stays_as_it_was()
    {
        var planner = await app.ClientFor("planner");
        var (id, version) = await Draft(planner, "坏文件草案");
        var count = await app.Scalar<long>("SELECT count(*) FROM plan_grids WHERE plan_id = $1", id);
        var units = (await (await planner.GetAsync($"/api/plans/{id}/grids?level=unit")).Json(HttpStatusCode.OK)).GetProperty("features").EnumerateArray().ToList();

        // A Shapefile without its .prj and no crs named.
        using (var shp = new MemoryStream())
        {
            BoundaryFiles.Write(shp, BoundaryFormat.Shapefile, "units", ["code", "name"],
                [(new Dictionary<string, object?> { ["code"] = "360799001001001", ["name"] = "a" }, Wkt.Read("POLYGON ((115 28, 115.01 28, 115.01 28.01, 115 28))"))]);
            var noPrj = WithoutEntry(shp.ToArray(), ".prj");
            var problem = await (await Import(planner, id, version, noPrj, "units.zip", "level=unit")).Json(HttpStatusCode.BadRequest);
            Assert.Contains(".prj", problem.GetProperty("detail").GetString());
        }
        // Not what it says it is.
        var text = await (await Import(planner, id, version, Encoding.UTF8.GetBytes("code,name\n1,a\n"), "units.zip", "level=unit&format=shapefile")).Json(HttpStatusCode.BadRequest);
        Assert.True(text.GetProperty("errors").TryGetProperty("file", out _));
        // A self-intersecting outline (a bow tie), named by its feature.
        var bowTie = Encoding.UTF8.GetBytes("""
            {"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"360799001001001"},
              "geometry":{"type":"Polygon","coordinates":[[[115.0,28.0],[115.01,28.01],[115.01,28.0],[115.0,28.01],[115.0,28.0]]]}}]}
            """);
        var selfCrossing = await (await Import(planner, id, version, bowTie, "u.geojson", "level=unit")).Json(HttpStatusCode.BadRequest);
        Assert.Contains(selfCrossing.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith("feature 1", StringComparison.Ordinal));
        // A code missing on some features only.
        var file = await UnitFile(units, null, 0);
        var json = System.Text.Json.Nodes.JsonNode.Parse(file)!;
        json["features"]![3]!["properties"]!.AsObject().Remove("code");
        var gappy = await (await Import(planner, id, version, Encoding.UTF8.GetBytes(json.ToJsonString()), "u.geojson", "level=unit")).Json(HttpStatusCode.BadRequest);
        Assert.Contains(gappy.GetProperty("errors").EnumerateObject(), e => e.Name == "feature 4");
        // Unknown values of parameters are refused, not ignored.
        (await Import(planner, id, version, file, "u.geojson", "level=unit&crs=utm50")).StatusCode.Is(HttpStatusCode.BadRequest);
        (await Import(planner, id, version, file, "u.geojson", "level=blocks")).StatusCode.Is(HttpStatusCode.BadRequest);
        (await Import(planner, id, version, file, "u.geojson", "level=unit&format=kml")).StatusCode.Is(HttpStatusCode.BadRequest);
        // Too big: refused by its length before a byte is read.
        var huge = new HugeContent(200L * 1024 * 1024);
        var tooBig = await planner.PostAsync($"/api/plans/{id}/import?level=unit&baseVersion={version}", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);

        Assert.Equal(version, (await (await planner.GetAsync($"/api/plans/{id}")).Json(HttpStatusCode.OK)).GetProperty("version").GetInt32());
        Assert.Equal(count, await app.Scalar<long>("SELECT count(*) FROM plan_grids WHERE plan_id = $1", id));
        Assert.Empty((await (await planner.GetAsync($"/api/plans/{id}/history")).Json(HttpStatusCode.OK)).EnumerateArray());
        (await planner.DeleteAsync($"/api/plans/{id}")).StatusCode.Is(HttpStatusCode.NoContent);
    }

    private static byte[] WithoutEntry(byte[] zip, string extension)
    {
        using var input = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        using var output = new MemoryStream();
        using (var copy = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var e in input.Entries.Where(e => !e.Name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)))
            {
                using var from = e.Open();
                using var to = copy.CreateEntry(e.FullName).Open();
                from.CopyTo(to);
            }
        return output.ToArray();
    }

    /// <summary>A multipart body that says it is this long and would produce zeros forever: the server must refuse it by its length.</summary>
    private sealed class HugeContent : HttpContent
    {
        private readonly long _length;

        public HugeContent(long length)
        {
            _length = length;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("multipart/form-data");
            Headers.ContentType.Parameters.Add(new System.Net.Http.Headers.NameValueHeaderValue("boundary", "x"));
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var block = new byte[1 << 16];
            for (long sent = 0; sent < _length; sent += block.Length) await stream.WriteAsync(block);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }
    }

    [Fact]
    public async Task Reshape_split_and_merge_keep_the_unit_grids_a_valid_coverage_and_the_neighbour_follows()
    {
        var planner = await app.ClientFor("planner");
        var (id, version) = await Draft(planner, "几何编辑");
        // Two unit grids of one large grid sharing an edge.
        string a, b;
        await using (var cmd = app.DataSource.CreateCommand("""
            SELECT x.code, y.code FROM plan_grids x JOIN plan_grids y ON y.plan_id = x.plan_id AND y.level = 'Unit' AND y.parent_code = x.parent_code AND y.code > x.code
              AND ST_Length(ST_Intersection(ST_Boundary(x.geometry), ST_Boundary(y.geometry))) > 0.001
            WHERE x.plan_id = $1 AND x.level = 'Unit' ORDER BY x.code LIMIT 1
            """))
        {
            cmd.Parameters.AddWithValue(id);
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            (a, b) = (r.GetString(0), r.GetString(1));
        }
        var areaA = await app.Scalar<double>("SELECT area_m2 FROM plan_grids WHERE plan_id = $1 AND code = $2", id, a);
        var areaB = await app.Scalar<double>("SELECT area_m2 FROM plan_grids WHERE plan_id = $1 AND code = $2", id, b);
        // A's new outline: A grown 20 m, but only into B (as a planner drags the shared edge).
        var outline = await app.Scalar<string>("""
            SELECT ST_AsGeoJSON(ST_GeometryN(ST_Multi(ST_Intersection(ST_SetSRID(ST_Buffer(a.geometry::geography, 20)::geometry, 4490), ST_Union(a.geometry, b.geometry))), 1), 9)
            FROM plan_grids a, plan_grids b WHERE a.plan_id = $1 AND b.plan_id = $1 AND a.code = $2 AND b.code = $3
            """, id, a, b);
        var reshaped = await (await Edit(planner, id, version, new { op = "reshape", level = "unit", code = a, geometry = JsonDocument.Parse(outline).RootElement })).Json(HttpStatusCode.OK);
        version = reshaped.GetProperty("version").GetInt32();
        Assert.Contains(b, reshaped.GetProperty("changed").EnumerateArray().Select(c => c.GetString()));
        var newA = await app.Scalar<double>("SELECT area_m2 FROM plan_grids WHERE plan_id = $1 AND code = $2", id, a);
        var newB = await app.Scalar<double>("SELECT area_m2 FROM plan_grids WHERE plan_id = $1 AND code = $2", id, b);
        Assert.True(newA > areaA + 100, $"A grew: {areaA} → {newA}");
        Assert.InRange(newA + newB - (areaA + areaB), -1, 1);
        await AssertValid(planner, id);

        // Split A by a line across its middle, then merge the pieces back.
        var line = await app.Scalar<string>("""
            SELECT ST_AsGeoJSON(ST_MakeLine(ST_MakePoint(ST_XMin(g) - 0.001, c.y), ST_MakePoint(ST_XMax(g) + 0.001, c.y)), 9)
            FROM (SELECT geometry AS g, ST_Y(ST_PointOnSurface(geometry)) AS y FROM plan_grids WHERE plan_id = $1 AND code = $2) c
            """, id, a);
        var split = await (await Edit(planner, id, version, new { op = "split", code = a, line = JsonDocument.Parse(line).RootElement })).Json(HttpStatusCode.OK);
        version = split.GetProperty("version").GetInt32();
        var changedCodes = split.GetProperty("changed").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var fresh = await app.Scalar<string[]>("""
            SELECT coalesce(array_agg(c ORDER BY c), '{}') FROM unnest($1::text[]) c
            WHERE NOT EXISTS (SELECT 1 FROM plan_grids p WHERE p.plan_id = (SELECT id FROM plans WHERE status = 'Published') AND p.code = c)
            """, (object)changedCodes);
        var newCode = Assert.Single(fresh);
        Assert.StartsWith(a[..12], newCode, StringComparison.Ordinal); // the community's next free sequence
        Assert.Equal(2L, await app.Scalar<long>("SELECT count(*) FROM plan_grids WHERE plan_id = $1 AND code = ANY($2)", id, new[] { a, newCode }));
        await AssertValid(planner, id);
        var tooShort = await (await Edit(planner, id, version, new { op = "split", code = b, line = new { type = "LineString", coordinates = new[] { new[] { 0.0, 0.0 }, new[] { 0.0001, 0.0001 } } } })).Json(HttpStatusCode.BadRequest);
        Assert.True(tooShort.GetProperty("errors").TryGetProperty("line", out _));
        var merged = await (await Edit(planner, id, version, new { op = "merge", codes = new[] { a, newCode } })).Json(HttpStatusCode.OK);
        version = merged.GetProperty("version").GetInt32();
        Assert.Contains(newCode, merged.GetProperty("removed").EnumerateArray().Select(c => c.GetString()));
        Assert.InRange(await app.Scalar<double>("SELECT area_m2 FROM plan_grids WHERE plan_id = $1 AND code = $2", id, a) - newA, -1, 1);
        await AssertValid(planner, id);

        // Three undos bring the first outlines back exactly.
        for (var i = 0; i < 3; i++)
            version = (await (await planner.PostAsJsonAsync($"/api/plans/{id}/undo", new { baseVersion = version })).Json(HttpStatusCode.OK)).GetProperty("version").GetInt32();
        Assert.Equal(0L, await app.Scalar<long>("""
            SELECT count(*) FROM plan_grids d JOIN plan_grids p ON p.code = d.code AND p.plan_id = (SELECT id FROM plans WHERE status = 'Published')
            WHERE d.plan_id = $1 AND NOT ST_OrderingEquals(d.geometry, p.geometry)
            """, id));
        (await planner.DeleteAsync($"/api/plans/{id}")).StatusCode.Is(HttpStatusCode.NoContent);
    }

    private static async Task AssertValid(HttpClient planner, long id)
    {
        var validation = await (await planner.GetAsync($"/api/plans/{id}/validation")).Json(HttpStatusCode.OK);
        Assert.True(validation.GetProperty("valid").GetBoolean(), validation.ToString());
    }

    [Fact]
    public async Task Exported_levels_come_back_in_each_format_and_grids_without_codes_are_numbered_by_the_rule()
    {
        var planner = await app.ClientFor("planner");
        var (id, version) = await Draft(planner, "导出导入");
        var source = await PublishedId();
        var unitCount = await app.Scalar<long>("SELECT count(*) FROM plan_grids WHERE plan_id = $1 AND level = 'Unit'", source);
        foreach (var (format, name) in new[] { ("shapefile", "units.zip"), ("geopackage", "units.gpkg"), ("geojson", "units.geojson") })
        {
            var export = await planner.GetAsync($"/api/plans/{id}/export?level=unit&format={format}");
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
            var bytes = await export.Content.ReadAsByteArrayAsync();
            var imported = await (await Import(planner, id, version, bytes, name, "level=unit")).Json(HttpStatusCode.OK);
            version = imported.GetProperty("version").GetInt32();
            Assert.Equal(0, imported.GetProperty("created").GetInt32());
            Assert.Equal(0, imported.GetProperty("removed").GetInt32());
            // Every unit grid back with its code, parent and outline (within 1e-8 degrees, about a millimetre).
            Assert.Equal(unitCount, await app.Scalar<long>("""
                SELECT count(*) FROM plan_grids a JOIN plan_grids b ON b.plan_id = $2 AND b.code = a.code AND b.parent_code = a.parent_code AND b.name = a.name
                WHERE a.plan_id = $1 AND a.level = 'Unit' AND ST_HausdorffDistance(a.geometry, b.geometry) < 1e-8
                """, id, source));
        }
        (await planner.GetAsync($"/api/plans/{id}/export?level=unit&format=kml")).StatusCode.Is(HttpStatusCode.BadRequest);

        // Without a code field anywhere, each grid gets its community's 12 digits and the next free sequence.
        var units = (await (await planner.GetAsync($"/api/plans/{id}/grids?level=unit")).Json(HttpStatusCode.OK)).GetProperty("features").EnumerateArray().ToList();
        var numbered = await (await Import(planner, id, version, await UnitFile(units.Take(units.Count).ToList(), null, 0, withCodes: false), "u.geojson", "level=unit")).Json(HttpStatusCode.OK);
        Assert.Equal(units.Count, numbered.GetProperty("numbered").GetInt32());
        Assert.Equal(0L, await app.Scalar<long>("""
            SELECT count(*) FROM plan_grids u JOIN plan_grids l ON l.plan_id = u.plan_id AND l.code = u.parent_code
            WHERE u.plan_id = $1 AND u.level = 'Unit' AND (u.code !~ '^\d{15}$' OR left(u.code, 12) <> l.parent_code)
            """, id));
        var validation = await (await planner.GetAsync($"/api/plans/{id}/validation")).Json(HttpStatusCode.OK);
        Assert.True(validation.GetProperty("valid").GetBoolean(), validation.ToString());
        (await planner.DeleteAsync($"/api/plans/{id}")).StatusCode.Is(HttpStatusCode.NoContent);
    }
}

internal static class StatusAssert
{
    public static void Is(this HttpStatusCode actual, HttpStatusCode expected) => Assert.Equal(expected, actual);
}
