using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Tests.Incidents;

namespace GridGov.Api.Tests.Streetlights;

/// <summary>
/// Lamp reports on the demo's circuits: the exact lamp (code, snap, flag), the asset's group owning the case, and the
/// roll-up to a circuit fault (then a cabinet fault) with its linking and closing. Each test takes circuits no other
/// test reports on (picked from the far end of the code order and checked to have no open case).
/// </summary>
[Collection(ApiCollection.Name)]
public class FaultRollUpTests(GridGovFactory app)
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly HashSet<string> TakenCabinets = [];

    private sealed record LampRow(string Code, double Lon, double Lat, string Unit);

    /// <summary>A cabinet with <paramref name="circuits"/> to <paramref name="most"/> circuits of 20+ lamps and no open case on any of them; its circuits' lamps in cable order.</summary>
    private async Task<List<(string Circuit, List<LampRow> Lamps)>> FreshCabinet(int circuits, int most = 6)
    {
        await Gate.WaitAsync();
        try
        {
            await using var cmd = app.DataSource.CreateCommand("""
                SELECT c.cabinet_code FROM circuits c
                GROUP BY c.cabinet_code
                HAVING count(*) BETWEEN $1 AND $2 AND bool_and((SELECT count(*) FROM streetlights s WHERE s.circuit_code = c.code) >= 20)
                   AND NOT EXISTS (SELECT 1 FROM streetlights s JOIN incidents i ON i.asset_code IN (s.code::text, s.circuit_code, s.cabinet_code)
                                   WHERE s.cabinet_code = c.cabinet_code)
                ORDER BY c.cabinet_code DESC
                """);
            cmd.Parameters.AddWithValue(circuits);
            cmd.Parameters.AddWithValue(most);
            string? cabinet = null;
            await using (var r = await cmd.ExecuteReaderAsync())
                while (cabinet is null && await r.ReadAsync())
                    if (!TakenCabinets.Contains(r.GetString(0))) cabinet = r.GetString(0);
            Assert.NotNull(cabinet);
            TakenCabinets.Add(cabinet);
            await using var lamps = app.DataSource.CreateCommand("""
                SELECT circuit_code, trim(code), ST_X(location), ST_Y(location), unit_grid_code FROM streetlights
                WHERE cabinet_code = $1 AND component = '01037' ORDER BY circuit_code, circuit_seq
                """);
            lamps.Parameters.AddWithValue(cabinet);
            var list = new List<(string, LampRow)>();
            await using (var r = await lamps.ExecuteReaderAsync())
                while (await r.ReadAsync()) list.Add((r.GetString(0), new LampRow(r.GetString(1), r.GetDouble(2), r.GetDouble(3), r.GetString(4))));
            return list.GroupBy(x => x.Item1).Select(g => (g.Key, g.Select(x => x.Item2).ToList())).ToList();
        }
        finally
        {
            Gate.Release();
        }
    }

    private async Task<int> Group(string duty)
    {
        await using var cmd = app.DataSource.CreateCommand("SELECT id FROM teams WHERE duty = $1");
        cmd.Parameters.AddWithValue(duty);
        return (int)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<JsonElement> ReportLamp(HttpClient client, string code, HttpStatusCode expected = HttpStatusCode.Created) =>
        await (await client.PostAsJsonAsync("/api/incidents", new { category = "01037", source = "resident", assetCode = code, description = "路灯不亮" })).Json(expected);

    [Fact]
    public async Task Two_lamp_reports_are_two_repair_cases_the_third_opens_one_line_fault_absorbing_all_and_a_fourth_joins_it()
    {
        var circuit = (await FreshCabinet(1))[0];
        var (repair, line) = (await Group("Repair"), await Group("Line"));
        using var resident = app.CreateClient();
        using var dispatcher = await app.ClientFor("dispatcher");

        var first = await ReportLamp(resident, circuit.Lamps[3].Code);
        var second = await ReportLamp(resident, circuit.Lamps[9].Code);
        foreach (var (created, lamp) in new[] { (first, circuit.Lamps[3]), (second, circuit.Lamps[9]) })
        {
            Assert.Equal(repair, created.GetProperty("teamId").GetInt32());
            Assert.Equal("lamp", created.GetProperty("assetKind").GetString());
            Assert.Equal(lamp.Code, created.GetProperty("assetCode").GetString());
            Assert.Equal(lamp.Unit, created.GetProperty("unitGridCode").GetString());
            Assert.False(created.GetProperty("fault").TryGetProperty("faultId", out _));
            Assert.Contains("未达", created.GetProperty("fault").GetProperty("note").GetString());
        }
        Assert.NotEqual(first.GetProperty("id").GetInt64(), second.GetProperty("id").GetInt64());
        var lampView = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/streetlights/{circuit.Lamps[3].Code}");
        Assert.Equal("faulty", lampView.GetProperty("status").GetString());
        Assert.Equal(first.GetProperty("id").GetInt64(), Assert.Single(lampView.GetProperty("openReports").EnumerateArray()).GetProperty("id").GetInt64());

        // The third dark lamp on the circuit: one circuit fault for the line group, the three reports linked to it.
        var third = await ReportLamp(resident, circuit.Lamps[15].Code);
        var fault = third.GetProperty("fault");
        Assert.True(fault.GetProperty("opened").GetBoolean());
        Assert.Equal("circuit", fault.GetProperty("level").GetString());
        var faultId = fault.GetProperty("faultId").GetInt64();
        var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{faultId}");
        Assert.Equal("circuit", detail.GetProperty("assetKind").GetString());
        Assert.Equal(circuit.Circuit, detail.GetProperty("assetCode").GetString());
        Assert.Equal(line, detail.GetProperty("teamId").GetInt32());
        Assert.Equal("registered", detail.GetProperty("status").GetString());
        var reportIds = new[] { first, second, third }.Select(c => c.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(reportIds, detail.GetProperty("linked").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Contains(detail.GetProperty("history").EnumerateArray(), h => h.GetProperty("note").GetString()!.Contains($"{circuit.Lamps.Count} 盏灯"));
        foreach (var id in reportIds)
        {
            var report = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
            Assert.Equal(faultId, report.GetProperty("faultId").GetInt64());
            Assert.Equal(line, report.GetProperty("teamId").GetInt32());
            Assert.Contains(report.GetProperty("history").EnumerateArray(), h => h.GetProperty("action").GetString() == "link");
        }

        // A fourth joins the open fault instead of opening another.
        var fourth = await ReportLamp(resident, circuit.Lamps[18].Code);
        Assert.False(fourth.GetProperty("fault").GetProperty("opened").GetBoolean());
        Assert.Equal(faultId, fourth.GetProperty("fault").GetProperty("faultId").GetInt64());
        reportIds.Add(fourth.GetProperty("id").GetInt64());
        var faults = await dispatcher.GetFromJsonAsync<JsonElement>("/api/streetlights/faults");
        var listed = faults.EnumerateArray().Single(f => f.GetProperty("id").GetInt64() == faultId);
        Assert.Equal(reportIds, listed.GetProperty("absorbed").EnumerateArray().Select(a => a.GetProperty("id").GetInt64()));
        var circuitView = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/circuits/{circuit.Circuit}");
        Assert.Equal("faulty", circuitView.GetProperty("status").GetString());
        Assert.Equal(faultId, Assert.Single(circuitView.GetProperty("openFaults").EnumerateArray()).GetProperty("id").GetInt64());
        Assert.Equal(circuit.Lamps.Select(l => l.Code), circuitView.GetProperty("lamps").EnumerateArray().Select(l => l.GetProperty("code").GetString()));

        // Closing the line fault closes the lamp reports with it, and the lamps are normal again.
        using var admin = await app.ClientFor("admin");
        (await dispatcher.Act(faultId, "dispatch")).EnsureSuccessStatusCode();
        foreach (var action in new[] { "accept", "start", "handle" })
            (await admin.Act(faultId, action, note: "更换回路电缆接头")).EnsureSuccessStatusCode();
        (await dispatcher.Act(faultId, "verify", score: 5)).EnsureSuccessStatusCode();
        (await dispatcher.Act(faultId, "close")).EnsureSuccessStatusCode();
        foreach (var id in reportIds)
        {
            var report = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
            Assert.Equal("closed", report.GetProperty("status").GetString());
            Assert.Equal("closeWithFault", report.GetProperty("history").EnumerateArray().Last().GetProperty("action").GetString());
        }
        foreach (var lamp in new[] { 3, 9, 15, 18 })
            Assert.Equal("normal", (await dispatcher.GetFromJsonAsync<JsonElement>($"/api/streetlights/{circuit.Lamps[lamp].Code}")).GetProperty("status").GetString());
        Assert.Equal("normal", (await dispatcher.GetFromJsonAsync<JsonElement>($"/api/circuits/{circuit.Circuit}")).GetProperty("status").GetString());
    }

    private static (int X, int Y) TileOf(double lon, double lat, int z)
    {
        var n = 1 << z;
        var y = (1 - Math.Log(Math.Tan(lat * Math.PI / 180) + 1 / Math.Cos(lat * Math.PI / 180)) / Math.PI) / 2 * n;
        return ((int)((lon + 180) / 360 * n), (int)y);
    }

    /// <summary>The lamp codes (with status) and circuit codes of a decoded streetlights tile.</summary>
    private static (HashSet<string> Lamps, HashSet<string> Circuits) Decode(byte[] bytes, int z, int x, int y)
    {
        if (bytes.Length == 0) return ([], []);
        var definition = new NetTopologySuite.IO.VectorTiles.Tiles.Tile(x, y, z);
        var tile = new NetTopologySuite.IO.VectorTiles.Mapbox.MapboxTileReader().Read(new MemoryStream(bytes), definition);
        var lamps = tile.Layers.Where(l => l.Name == "streetlights").SelectMany(l => l.Features)
            .Select(f => $"{f.Attributes["code"]}:{f.Attributes["status"]}").ToHashSet();
        var circuits = tile.Layers.Where(l => l.Name == "circuits").SelectMany(l => l.Features).Select(f => $"{f.Attributes["code"]}").ToHashSet();
        return (lamps, circuits);
    }

    [Fact]
    public async Task The_lamp_tiles_show_faults_at_every_zoom_and_every_lamp_from_z13_as_postgis_draws_them()
    {
        var circuit = (await FreshCabinet(1))[0];
        using var resident = app.CreateClient();
        foreach (var i in new[] { 2, 6, 11 }) await ReportLamp(resident, circuit.Lamps[i].Code);
        using var dispatcher = await app.ClientFor("dispatcher");
        var dark = new[] { 2, 6, 11 }.Select(i => circuit.Lamps[i].Code).ToHashSet();
        var middle = circuit.Lamps[6];
        foreach (var z in new[] { 11, 12, 14, 16 })
        {
            var (x, y) = TileOf(middle.Lon, middle.Lat, z);
            var response = await dispatcher.GetAsync($"/tiles/streetlights/{z}/{x}/{y}.pbf");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var served = Decode(await response.Content.ReadAsByteArrayAsync(), z, x, y);
            // The same tile straight from PostGIS: the layer's SQL over the same rows.
            await using var cmd = app.DataSource.CreateCommand(GridGov.Api.Tiles.TilesApi.LayerSql("streetlights"));
            cmd.Parameters.AddWithValue("z", z);
            cmd.Parameters.AddWithValue("x", x);
            cmd.Parameters.AddWithValue("y", y);
            var oracle = Decode(await cmd.ExecuteScalarAsync() as byte[] ?? [], z, x, y);
            // Compared inside the tile proper (1% in from its edges, by the lamps' true positions): on the margin the
            // two encoders round a pixel apart and may keep or drop a lamp differently.
            await using var inner = app.DataSource.CreateCommand("""
                SELECT trim(code) FROM streetlights, ST_TileEnvelope(@z, @x, @y) e
                WHERE ST_Intersects(ST_Transform(location, 3857), ST_Expand(e, -(ST_XMax(e) - ST_XMin(e)) / 100))
                """);
            inner.Parameters.AddWithValue("z", z);
            inner.Parameters.AddWithValue("x", x);
            inner.Parameters.AddWithValue("y", y);
            var inside = new HashSet<string>();
            await using (var r = await inner.ExecuteReaderAsync())
                while (await r.ReadAsync()) inside.Add(r.GetString(0));
            bool Inside(string lamp) => inside.Contains(lamp[..lamp.IndexOf(':')]);
            Assert.Equal(oracle.Lamps.Where(Inside).Order(), served.Lamps.Where(Inside).Order());
            await using var innerLines = app.DataSource.CreateCommand("""
                SELECT c.code FROM circuits c, ST_TileEnvelope(@z, @x, @y) e
                WHERE c.status <> 'normal' AND ST_Intersects(ST_Expand(e, -(ST_XMax(e) - ST_XMin(e)) / 100),
                    (SELECT ST_Transform(ST_MakeLine(s.location ORDER BY s.circuit_seq, s.code), 3857) FROM streetlights s WHERE s.circuit_code = c.code))
                """);
            innerLines.Parameters.AddWithValue("z", z);
            innerLines.Parameters.AddWithValue("x", x);
            innerLines.Parameters.AddWithValue("y", y);
            var crossing = new HashSet<string>();
            await using (var r = await innerLines.ExecuteReaderAsync())
                while (await r.ReadAsync()) crossing.Add(r.GetString(0));
            Assert.Equal(oracle.Circuits.Where(crossing.Contains).Order(), served.Circuits.Where(crossing.Contains).Order());
            Assert.Equal(crossing.Order(), served.Circuits.Where(crossing.Contains).Order());
            Assert.Contains(circuit.Circuit, served.Circuits);
            Assert.Contains($"{middle.Code}:faulty", served.Lamps);
            if (z < 13) Assert.DoesNotContain(served.Lamps, l => l.EndsWith(":normal", StringComparison.Ordinal));
            else Assert.Contains(served.Lamps, l => l.EndsWith(":normal", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Faults_on_two_circuits_of_one_cabinet_roll_up_into_a_cabinet_fault()
    {
        // 2-4 circuits: two faulted circuits reach the cabinet threshold (3, or half of them, never fewer than two).
        var circuits = await FreshCabinet(2, 4);
        using var resident = app.CreateClient();
        using var dispatcher = await app.ClientFor("dispatcher");
        long? circuitFault = null;
        foreach (var lamp in circuits[0].Lamps.Take(3))
            circuitFault = (await ReportLamp(resident, lamp.Code)).GetProperty("fault").TryGetProperty("faultId", out var f) ? f.GetInt64() : null;
        Assert.NotNull(circuitFault);
        JsonElement last = default;
        foreach (var lamp in circuits[1].Lamps.Take(3)) last = await ReportLamp(resident, lamp.Code);
        var fault = last.GetProperty("fault");
        Assert.True(fault.GetProperty("opened").GetBoolean());
        Assert.Equal("cabinet", fault.GetProperty("level").GetString());
        var cabinet = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{fault.GetProperty("faultId").GetInt64()}");
        Assert.Equal("01060", cabinet.GetProperty("category").GetProperty("code").GetString());
        Assert.Equal(2, cabinet.GetProperty("linked").GetArrayLength());
        var first = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{circuitFault}");
        Assert.Equal(cabinet.GetProperty("id").GetInt64(), first.GetProperty("faultId").GetInt64());
    }

    [Fact]
    public async Task A_pin_snaps_to_the_nearest_lamp_within_50_m_and_a_pin_60_m_from_every_lamp_goes_flagged_to_the_office_group()
    {
        using var resident = app.CreateClient();
        // A pin 20 m north of a lamp on a fresh cabinet: PostGIS says which lamp is nearest on the spheroid.
        var lamp = (await FreshCabinet(1))[0].Lamps[5];
        var (lon, lat) = (lamp.Lon, lamp.Lat + IncidentClient.NorthBy(20));
        await using var knn = app.DataSource.CreateCommand("""
            SELECT trim(code) FROM (SELECT code, location FROM streetlights WHERE component = '01037'
              ORDER BY location <-> ST_SetSRID(ST_MakePoint($1, $2), 4490) LIMIT 10) c
            ORDER BY ST_Distance(location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4490)::geography) LIMIT 1
            """);
        knn.Parameters.AddWithValue(lon);
        knn.Parameters.AddWithValue(lat);
        var expected = (string)(await knn.ExecuteScalarAsync())!;
        var snapped = await (await resident.Report("01037", "resident", lon, lat)).Json(HttpStatusCode.Created);
        Assert.Equal(expected, snapped.GetProperty("assetCode").GetString());
        Assert.Equal(await Group("Repair"), snapped.GetProperty("teamId").GetInt32());
        Assert.Contains("吸附", snapped.GetProperty("routing").GetProperty("note").GetString());

        // A pin at least 60 m from every lamp, inside a unit grid.
        await using var far = app.DataSource.CreateCommand("""
            SELECT ST_X(p), ST_Y(p) FROM grids u, ST_PointOnSurface(u.geometry) p
            WHERE u.level = 'Unit' AND NOT EXISTS (SELECT 1 FROM streetlights s WHERE s.component = '01037'
                AND ST_DWithin(s.location::geography, p::geography, 60))
            ORDER BY u.code LIMIT 1
            """);
        double fx, fy;
        await using (var r = await far.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync(), "the demo has a unit grid whose middle is 60 m from every lamp");
            (fx, fy) = (r.GetDouble(0), r.GetDouble(1));
        }
        var flagged = await (await resident.Report("01037", "resident", fx, fy)).Json(HttpStatusCode.Created);
        Assert.False(flagged.TryGetProperty("assetCode", out _));
        Assert.Equal(await Group("Office"), flagged.GetProperty("teamId").GetInt32());
        Assert.Contains("50 米内没有路灯", flagged.GetProperty("routing").GetProperty("note").GetString());
    }

    [Fact]
    public async Task Bad_asset_codes_are_refused_with_what_to_do()
    {
        using var resident = app.CreateClient();
        var lamp = (await FreshCabinet(1))[0].Lamps[0];
        // A lamp code that does not exist: 400 listing the codes near the spot (as PostGIS finds them within 200 m).
        var missing = "99999901037999999";
        var unknown = await resident.PostAsJsonAsync("/api/incidents", new { category = "01037", source = "resident", assetCode = missing, lon = lamp.Lon, lat = lamp.Lat });
        var problem = (await ProblemAssert.IsProblem(unknown, HttpStatusCode.BadRequest, $"no streetlight '{missing}'")).GetProperty("detail").GetString();
        await using var near = app.DataSource.CreateCommand("""
            SELECT trim(code) FROM streetlights WHERE component = '01037'
              AND ST_DWithin(location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4490)::geography, 190)
            ORDER BY ST_Distance(location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4490)::geography) LIMIT 3
            """);
        near.Parameters.AddWithValue(lamp.Lon);
        near.Parameters.AddWithValue(lamp.Lat);
        await using (var r = await near.ExecuteReaderAsync())
            while (await r.ReadAsync()) Assert.Contains(r.GetString(0), problem);

        await ProblemAssert.IsProblem(await resident.PostAsJsonAsync("/api/incidents", new { category = "01037", source = "resident", assetCode = "路灯123" }),
            HttpStatusCode.BadRequest, "'assetCode'");
        // The code and the spot 2 km apart: which is right?
        await ProblemAssert.IsProblem(await resident.PostAsJsonAsync("/api/incidents",
                new { category = "01037", source = "resident", assetCode = lamp.Code, lon = lamp.Lon, lat = lamp.Lat + IncidentClient.NorthBy(2000) }),
            HttpStatusCode.BadRequest, "which is right");
        // A lamp's code under a matter that is not about lamps.
        await ProblemAssert.IsProblem(await resident.PostAsJsonAsync("/api/incidents",
                new { category = "06002", source = "resident", assetCode = lamp.Code, lon = lamp.Lon, lat = lamp.Lat }),
            HttpStatusCode.BadRequest, "not a streetlight matter");
        await using var none = app.DataSource.CreateCommand("SELECT count(*) FROM incidents WHERE asset_code = $1 OR asset_code = $2");
        none.Parameters.AddWithValue(lamp.Code);
        none.Parameters.AddWithValue(missing);
        Assert.Equal(0L, await none.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_grid_team_sees_a_lamp_case_in_its_area_but_the_repair_group_owns_it()
    {
        // The demo crew's team and a lamp in its large grid.
        await using var cmd = app.DataSource.CreateCommand("""
            SELECT trim(s.code), t.id FROM users u JOIN teams t ON t.id = u.team_id JOIN grids g ON g.parent_code = t.large_grid_code
            JOIN streetlights s ON s.unit_grid_code = g.code AND s.component = '01037'
            WHERE u.username = 'crew' AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.asset_code = s.code::text)
            ORDER BY s.code DESC LIMIT 1
            """);
        string code;
        int team;
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            (code, team) = (r.GetString(0), r.GetInt32(1));
        }
        using var resident = app.CreateClient();
        var created = await ReportLamp(resident, code);
        Assert.NotEqual(team, created.GetProperty("teamId").GetInt32());
        using var crew = await app.ClientFor("crew");
        var seen = await (await crew.GetAsync($"/api/incidents/{created.GetProperty("id").GetInt64()}")).Json(HttpStatusCode.OK);
        Assert.DoesNotContain("accept", seen.GetProperty("availableActions").EnumerateArray().Select(a => a.GetString()));
    }
}
