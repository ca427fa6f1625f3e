using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridGov.Geo.Coordinates;
using Microsoft.AspNetCore.Hosting;

namespace GridGov.Api.Tests.Incidents;

[Collection(ApiCollection.Name)]
public class IntakeTests(GridGovFactory app)
{
    [Fact]
    public async Task A_resident_report_is_routed_to_its_unit_grid_large_grid_team_and_role()
    {
        var spot = await Spots.Next(app);
        using var anonymous = app.CreateClient();
        var response = await anonymous.Report("06002", "resident", spot, description: "小区门口堆了一堆建筑垃圾");
        var created = await response.Json(HttpStatusCode.Created);
        Assert.Equal("reported", created.GetProperty("status").GetString());
        Assert.Equal(spot.UnitCode, created.GetProperty("unitGridCode").GetString());
        Assert.Equal(spot.LargeCode, created.GetProperty("largeGridCode").GetString());
        Assert.Equal(spot.TeamId, created.GetProperty("teamId").GetInt32());
        Assert.Equal("sanitation", created.GetProperty("role").GetString());
        Assert.Equal("inGrid", created.GetProperty("routing").GetProperty("rule").GetString());
        Assert.True(created.GetProperty("deadline").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        var id = created.GetProperty("id").GetInt64();
        Assert.Equal($"/api/incidents/{id}", response.Headers.Location?.OriginalString);

        using var dispatcher = await app.ClientFor("dispatcher");
        var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.Equal("resident", detail.GetProperty("source").GetString());
        var history = detail.GetProperty("history").EnumerateArray().ToList();
        Assert.Single(history);
        Assert.Equal("report", history[0].GetProperty("action").GetString());
        Assert.Equal("reported", history[0].GetProperty("to").GetString());
        Assert.Contains("register", detail.GetProperty("availableActions").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task A_patrol_report_is_registered_at_once_and_the_street_light_goes_to_municipal()
    {
        // A lamp in the middle of the code order that no case names yet (the streetlight tests take theirs from the ends).
        await using var pick = app.DataSource.CreateCommand("""
            SELECT trim(s.code), ST_X(s.location), ST_Y(s.location) FROM streetlights s
            WHERE s.component = '01037' AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.asset_code = s.code::text)
            ORDER BY s.code OFFSET 10000 LIMIT 1
            """);
        string code;
        double lon, lat;
        await using (var r = await pick.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            (code, lon, lat) = (r.GetString(0), r.GetDouble(1), r.GetDouble(2));
        }
        using var crew = await app.ClientFor("crew");
        var created = await (await crew.Report("01037", "patrol", lon, lat + IncidentClient.NorthBy(3))).Json(HttpStatusCode.Created);
        Assert.Equal("registered", created.GetProperty("status").GetString());
        Assert.Equal("municipal", created.GetProperty("role").GetString());
        Assert.Equal(code, created.GetProperty("assetCode").GetString());
    }

    [Fact]
    public async Task The_same_clientRequestId_returns_the_first_incident_and_a_different_body_is_409()
    {
        var spot = await Spots.Next(app);
        using var client = app.CreateClient();
        var key = Guid.NewGuid().ToString();
        var first = await (await client.Report("09001", "resident", spot, key, "流动摊贩")).Json(HttpStatusCode.Created);
        var again = await (await client.Report("09001", "resident", spot, key, "流动摊贩")).Json(HttpStatusCode.OK);
        Assert.Equal(first.GetProperty("id").GetInt64(), again.GetProperty("id").GetInt64());

        var conflict = await client.Report("09001", "resident", spot, key, "另一个问题");
        await ProblemAssert.IsProblem(conflict, HttpStatusCode.Conflict, "different body");

        await using var count = app.DataSource.CreateCommand("SELECT count(*) FROM incidents WHERE client_request_id = $1");
        count.Parameters.AddWithValue(key);
        Assert.Equal(1L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_second_report_of_the_same_problem_nearby_is_linked_to_the_open_original()
    {
        var spot = await Spots.Next(app);
        using var client = app.CreateClient();
        var original = await (await client.Report("03006", "resident", spot)).Json(HttpStatusCode.Created);
        var near = await (await client.Report("03006", "resident", spot.Lon, spot.Lat + IncidentClient.NorthBy(30))).Json(HttpStatusCode.Created);
        Assert.Equal(original.GetProperty("id").GetInt64(), near.GetProperty("duplicateOf").GetProperty("id").GetInt64());
        Assert.Equal("reported", near.GetProperty("duplicateOf").GetProperty("status").GetString());
        Assert.Equal("voided", near.GetProperty("status").GetString());

        var otherCategory = await (await client.Report("06001", "resident", spot)).Json(HttpStatusCode.Created);
        Assert.False(otherCategory.TryGetProperty("duplicateOf", out _));
        var far = await (await client.Report("03006", "resident", spot.Lon, spot.Lat + IncidentClient.NorthBy(70))).Json(HttpStatusCode.Created);
        Assert.False(far.TryGetProperty("duplicateOf", out _), "70 m away is outside the 50 m duplicate radius");

        using var dispatcher = await app.ClientFor("dispatcher");
        var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{original.GetProperty("id").GetInt64()}");
        Assert.Equal(1, detail.GetProperty("duplicateCount").GetInt32());
    }

    [Fact]
    public async Task Outside_every_grid_the_nearest_grid_within_200_m_takes_it_else_it_waits_unrouted()
    {
        // The west-most vertex of the county, then points 100 m and 5 km further west.
        await using var cmd = app.DataSource.CreateCommand("""
            SELECT ST_X(p), ST_Y(p) FROM (SELECT (ST_DumpPoints(geometry)).geom p FROM grids WHERE level = 'Unit') v ORDER BY ST_X(p) LIMIT 1
            """);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (x, y) = (reader.GetDouble(0), reader.GetDouble(1));
        var metresPerDegree = 111_320 * Math.Cos(y * Math.PI / 180);
        var nearLon = x - 100 / metresPerDegree;

        await using var truth = app.DataSource.CreateCommand("""
            SELECT code, ST_Distance(geometry::geography, ST_SetSRID(ST_MakePoint($1, $2), 4490)::geography)
            FROM grids WHERE level = 'Unit' ORDER BY geometry <-> ST_SetSRID(ST_MakePoint($1, $2), 4490) LIMIT 1
            """);
        truth.Parameters.AddWithValue(nearLon);
        truth.Parameters.AddWithValue(y);
        await using var t = await truth.ExecuteReaderAsync();
        await t.ReadAsync();
        var (nearestCode, nearestMetres) = (t.GetString(0), t.GetDouble(1));

        using var client = await app.ClientFor("dispatcher");
        var near = await (await client.Report("10099", "hotline", nearLon, y)).Json(HttpStatusCode.Created);
        Assert.Equal("nearestGrid", near.GetProperty("routing").GetProperty("rule").GetString());
        Assert.Equal(nearestCode, near.GetProperty("unitGridCode").GetString());
        Assert.InRange(near.GetProperty("routing").GetProperty("distanceM").GetDouble(), nearestMetres - 1.5, nearestMetres + 1.5);
        Assert.Equal("reported", near.GetProperty("status").GetString());

        var far = await (await client.Report("10099", "hotline", x - 5000 / metresPerDegree, y)).Json(HttpStatusCode.Created);
        Assert.Equal("unrouted", far.GetProperty("status").GetString());
        Assert.Equal("unrouted", far.GetProperty("routing").GetProperty("rule").GetString());
        Assert.False(far.TryGetProperty("teamId", out _));
        var queue = await client.GetFromJsonAsync<JsonElement>("/api/incidents?status=unrouted");
        Assert.Contains(far.GetProperty("id").GetInt64(), queue.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task Gcj02_input_named_by_the_caller_is_converted_before_routing()
    {
        var spot = await Spots.Next(app);
        var (gLon, gLat) = ChinaOffsets.Wgs84ToGcj02(spot.Lon, spot.Lat);
        using var client = app.CreateClient();
        var created = await (await client.PostAsJsonAsync("/api/incidents",
            new { category = "07001", source = "resident", lon = gLon, lat = gLat, crs = "gcj02" })).Json(HttpStatusCode.Created);
        Assert.Equal(spot.UnitCode, created.GetProperty("unitGridCode").GetString());
    }

    [Fact]
    public async Task Markup_in_a_description_is_stored_as_text_and_returned_as_json()
    {
        var spot = await Spots.Next(app);
        const string text = "<script>alert('x')</script><img src=x onerror=alert(1)> 井盖 & \"缺失\"";
        using var client = app.CreateClient();
        var id = (await (await client.Report("01002", "resident", spot, description: text)).Json(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        using var dispatcher = await app.ClientFor("dispatcher");
        var response = await dispatcher.GetAsync($"/api/incidents/{id}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var detail = await response.Json(HttpStatusCode.OK);
        Assert.Equal(text, detail.GetProperty("description").GetString());
    }

    public static TheoryData<string, string, string> BadReports => new()
    {
        { """{"category":"99999","source":"resident","lon":115.4,"lat":25.9}""", "category", "06002" },
        { """{"source":"resident","lon":115.4,"lat":25.9}""", "category", "is missing" },
        { """{"category":"06002","source":"tiktok","lon":115.4,"lat":25.9}""", "source", "doorKnock" },
        { """{"category":"06002","source":"resident","lon":215.4,"lat":25.9}""", "lon", "between -180 and 180" },
        { """{"category":"06002","source":"resident","lon":115.4,"lat":-95}""", "lat", "between -90 and 90" },
        { """{"category":"06002","source":"resident","lon":115.4}""", "lat", "required" },
        { """{"category":"06002","source":"resident","lon":115.4,"lat":25.9,"crs":"wgs85"}""", "crs", "gcj02" },
        { $$"""{"category":"06002","source":"resident","lon":115.4,"lat":25.9,"description":"{{new string('长', 4001)}}"}""", "description", "4000" },
        { $$"""{"category":"06002","source":"resident","lon":115.4,"lat":25.9,"clientRequestId":"{{new string('k', 101)}}"}""", "clientRequestId", "100" },
        { """{"category":"06002","source":"resident","lon":115.4,"lat":25.9,"assetCode":"<lamp>"}""", "assetCode", "component code" },
    };

    [Theory]
    [MemberData(nameof(BadReports))]
    public async Task Bad_reports_get_a_400_naming_the_field_and_store_nothing(string json, string field, string hint)
    {
        await using var before = app.DataSource.CreateCommand("SELECT count(*) FROM incidents");
        var count = (long)(await before.ExecuteScalarAsync())!;
        using var client = app.CreateClient();
        var response = await client.PostAsync("/api/incidents", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest);
        var messages = problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(messages, m => m!.Contains(hint, StringComparison.Ordinal));
        await using var after = app.DataSource.CreateCommand("SELECT count(*) FROM incidents WHERE reported_at > now() - interval '2 seconds' AND category_code = '99999'");
        Assert.Equal(0L, await after.ExecuteScalarAsync());
        Assert.True(count >= 0);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        using var client = app.CreateClient();
        var response = await client.PostAsync("/api/incidents", new StringContent("{\"category\": \"06002\", \"lon\": ", Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblem(response, HttpStatusCode.BadRequest, "JSON");
        var wrongType = await client.PostAsync("/api/incidents", new StringContent("""{"category":"06002","source":"resident","lon":"east","lat":25.9}""", Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblem(wrongType, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Without_a_token_only_a_resident_may_report()
    {
        var spot = await Spots.Next(app);
        using var anonymous = app.CreateClient();
        await ProblemAssert.IsProblem(await anonymous.Report("06002", "patrol", spot), HttpStatusCode.Unauthorized, "resident");
        await ProblemAssert.IsProblem(await anonymous.GetAsync("/api/incidents"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Anonymous_reports_are_rate_limited_per_client()
    {
        using var limited = app.WithWebHostBuilder(b => b.UseSetting("Incidents:ResidentPermitsPerMinute", "3"));
        using var client = limited.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
            statuses.Add((await client.PostAsJsonAsync("/api/incidents", new { category = "99999", source = "resident", lon = 1, lat = 1 })).StatusCode);
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest], statuses.Take(3));
        var rejected = await client.PostAsJsonAsync("/api/incidents", new { category = "06002", source = "resident", lon = 1, lat = 1 });
        await ProblemAssert.IsProblem(rejected, HttpStatusCode.TooManyRequests, "wait a minute");
        using var staff = limited.CreateClient();
        staff.DefaultRequestHeaders.Authorization = new("Bearer", await app.TokenFor("dispatcher"));
        var spot = await Spots.Next(app);
        Assert.Equal(HttpStatusCode.Created, (await staff.Report("06002", "hotline", spot)).StatusCode);
    }

    [Fact]
    public async Task Categories_cover_every_major_with_a_role_and_deadline_rule()
    {
        using var client = await app.ClientFor("leader");
        var categories = (await client.GetFromJsonAsync<JsonElement>("/api/categories")).EnumerateArray().ToList();
        Assert.True(categories.Count >= 40, $"{categories.Count} categories");
        Assert.Equal(Enumerable.Range(1, 10).Select(m => m.ToString("00")), categories.Select(c => c.GetProperty("major").GetString()).Distinct().Order());
        Assert.All(categories, c =>
        {
            Assert.Matches("^[0-9]{5}$", c.GetProperty("code").GetString()!);
            Assert.Contains(c.GetProperty("role").GetString(), new[] { "enforcement", "municipal", "landscaping", "sanitation" });
            Assert.Contains(c.GetProperty("deadlineUnit").GetString(), new[] { "emergencyHours", "workingHours", "workingDays" });
        });
        var light = categories.Single(c => c.GetProperty("code").GetString() == "01037");
        Assert.Equal("municipal", light.GetProperty("role").GetString());
        Assert.Equal("2 workingDays", light.GetProperty("deadlineRule").GetString());
    }

    [Fact]
    public async Task Only_an_admin_edits_categories_and_intake_uses_the_edit_at_once()
    {
        using var dispatcher = await app.ClientFor("dispatcher");
        await ProblemAssert.IsProblem(await dispatcher.PutAsJsonAsync("/api/categories/10098", new { name = "x" }), HttpStatusCode.Forbidden);
        using var admin = await app.ClientFor("admin");
        var created = await admin.PutAsJsonAsync("/api/categories/10098",
            new { name = "共享单车堆放", nameEn = "Shared bikes piled up", role = "sanitation", deadlineValue = 3, deadlineUnit = "workingHours", urgency = "normal" });
        Assert.True(created.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await created.Content.ReadAsStringAsync());
        var spot = await Spots.Next(app);
        var report = await (await dispatcher.Report("10098", "hotline", spot)).Json(HttpStatusCode.Created);
        Assert.Equal("sanitation", report.GetProperty("role").GetString());
        await ProblemAssert.IsProblem(await admin.PutAsJsonAsync("/api/categories/1x", new { name = "x" }), HttpStatusCode.BadRequest, "5 digits");
    }
}
