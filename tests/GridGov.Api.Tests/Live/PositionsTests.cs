using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridGov.Api.Tests.Incidents;
using GridGov.Geo.Coordinates;
using GridGov.Api.Live;

namespace GridGov.Api.Tests.Live;

[Collection(ApiCollection.Name)]
public class PositionsTests(GridGovFactory app)
{
    private const int CrewUserId = 1; // the demo user "crew" is crew 1 of team 1

    private static string Reason(JsonElement body, int index) =>
        body.GetProperty("results")[index].GetProperty("reason").GetString()!;

    private static string Status(JsonElement body, int index) =>
        body.GetProperty("results")[index].GetProperty("status").GetString()!;

    [Fact]
    public async Task A_crew_posts_its_own_batch_which_lands_in_the_history_and_the_latest_position()
    {
        await LiveKit.Reset(app, CrewUserId);
        var spot = await Spots.Next(app, teamId: 1);
        using var crew = await app.ClientFor("crew");
        var t0 = DateTimeOffset.UtcNow.AddSeconds(-30);
        var body = await LiveKit.Post(crew,
            LiveKit.Fix(CrewUserId, spot.Lon, spot.Lat, t0),
            LiveKit.Fix(CrewUserId, spot.Lon + 0.0001, spot.Lat, t0.AddSeconds(10)),
            LiveKit.Fix(CrewUserId, spot.Lon + 0.0002, spot.Lat, t0.AddSeconds(20)));
        Assert.True(3 == body.GetProperty("accepted").GetInt32(), body.ToString());

        await using (var cmd = app.DataSource.CreateCommand("SELECT count(*) FROM position_history WHERE crew_id = $1"))
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter<int> { TypedValue = CrewUserId });
            Assert.Equal(3L, await cmd.ExecuteScalarAsync());
        }
        await using (var cmd = app.DataSource.CreateCommand("SELECT ST_X(location), t FROM crew_positions WHERE crew_id = $1"))
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter<int> { TypedValue = CrewUserId });
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.Equal(spot.Lon + 0.0002, r.GetDouble(0), 9);
        }

        var crews = await crew.GetFromJsonAsync<JsonElement>("/api/crews");
        Assert.All(crews.EnumerateArray(), c => Assert.Equal(1, c.GetProperty("teamId").GetInt32())); // a crew sees its own team
        var me = crews.EnumerateArray().Single(c => c.GetProperty("id").GetInt32() == CrewUserId);
        Assert.Equal(spot.Lon + 0.0002, me.GetProperty("position").GetProperty("lon").GetDouble(), 9);
        Assert.True(me.GetProperty("onShift").GetBoolean());

        // The same batch again (a retry after a lost answer) stores nothing twice.
        var again = await LiveKit.Post(crew,
            LiveKit.Fix(CrewUserId, spot.Lon, spot.Lat, t0),
            LiveKit.Fix(CrewUserId, spot.Lon + 0.0001, spot.Lat, t0.AddSeconds(10)),
            LiveKit.Fix(CrewUserId, spot.Lon + 0.0002, spot.Lat, t0.AddSeconds(20)));
        Assert.Equal(3, again.GetProperty("duplicates").GetInt32());
        await using (var cmd = app.DataSource.CreateCommand("SELECT count(*) FROM position_history WHERE crew_id = $1"))
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter<int> { TypedValue = CrewUserId });
            Assert.Equal(3L, await cmd.ExecuteScalarAsync());
        }

        // Patrol distance joins the work log (three fixes 0.0001° of longitude apart ≈ 2 × 10 m).
        var log = await crew.GetFromJsonAsync<JsonElement>($"/api/crews/{CrewUserId}/worklog");
        Assert.InRange(log.GetProperty("patrolDistanceM").GetDouble(), 15, 25);
    }

    [Fact]
    public async Task Each_bad_fix_is_rejected_with_its_reason_and_the_rest_of_the_batch_is_accepted()
    {
        var crews = await LiveKit.Crews(app);
        var subject = crews.First(c => c.TeamId == 2);
        await LiveKit.Reset(app, subject.Id);
        var spot = await Spots.Next(app, teamId: 2);
        using var admin = await app.ClientFor("admin");
        var now = DateTimeOffset.UtcNow;
        var t0 = now.AddMinutes(-5);
        var body = await LiveKit.Post(admin,
            LiveKit.Fix(subject.Id, spot.Lon, spot.Lat, t0),                                  // 0 ok
            LiveKit.Fix(subject.Id, 200, spot.Lat, t0.AddSeconds(5)),                         // 1 out of range
            LiveKit.Fix(subject.Id, spot.Lon, spot.Lat, now.AddMinutes(10)),                  // 2 future
            LiveKit.Fix(subject.Id, spot.Lon, spot.Lat, t0.AddSeconds(10), accuracyM: 500),   // 3 poor accuracy
            new { crewId = subject.Id, lon = "east", lat = spot.Lat, t = t0.AddSeconds(15).ToString("O") }, // 4 malformed
            LiveKit.Fix(999_999, spot.Lon, spot.Lat, t0.AddSeconds(20)),                       // 5 unknown crew
            LiveKit.Fix(subject.Id, spot.Lon, spot.Lat, t0),                                   // 6 duplicate
            LiveKit.Fix(subject.Id, spot.Lon + 0.05, spot.Lat, t0.AddSeconds(30)),             // 7 ~5 km in 30 s: impossible
            LiveKit.Fix(subject.Id, spot.Lon + 0.0003, spot.Lat, t0.AddSeconds(60)),           // 8 ok
            LiveKit.Fix(subject.Id, spot.Lon + 0.0001, spot.Lat, t0.AddSeconds(40)),           // 9 out of order
            42,                                                                                // 10 not an object
            LiveKit.Fix(subject.Id, spot.Lon, spot.Lat, now.AddYears(-1)));                    // 11 past retention

        Assert.Equal("accepted", Status(body, 0));
        Assert.Equal("outOfRange", Reason(body, 1));
        Assert.Equal("future", Reason(body, 2));
        Assert.Equal("poorAccuracy", Reason(body, 3));
        Assert.Equal("malformed", Reason(body, 4));
        Assert.Equal("unknownCrew", Reason(body, 5));
        Assert.Equal("duplicate", Status(body, 6));
        Assert.Equal("impossibleSpeed", Reason(body, 7));
        Assert.Equal("accepted", Status(body, 8));
        Assert.Equal("outOfOrder", Reason(body, 9));
        Assert.Equal("malformed", Reason(body, 10));
        Assert.Equal("tooOld", Reason(body, 11));
        Assert.Equal(2, body.GetProperty("accepted").GetInt32());
        foreach (var r in body.GetProperty("results").EnumerateArray().Where(r => r.GetProperty("status").GetString() == "rejected"))
            Assert.False(string.IsNullOrWhiteSpace(r.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task A_crew_may_not_post_for_another_crew_and_other_roles_may_not_post_at_all()
    {
        var other = (await LiveKit.Crews(app)).First(c => c.Id != CrewUserId);
        var spot = await Spots.Next(app);
        using var crew = await app.ClientFor("crew");
        var forbidden = await crew.PostAsJsonAsync("/api/positions", new[] { LiveKit.Fix(other.Id, spot.Lon, spot.Lat, DateTimeOffset.UtcNow) });
        await ProblemAssert.IsProblem(forbidden, HttpStatusCode.Forbidden, "only its own");

        // Mixed with its own fix: the other crew's item is refused, its own goes through.
        await LiveKit.Reset(app, CrewUserId);
        var mixed = await LiveKit.Post(crew, LiveKit.Fix(other.Id, spot.Lon, spot.Lat, DateTimeOffset.UtcNow), LiveKit.Fix(CrewUserId, spot.Lon, spot.Lat, DateTimeOffset.UtcNow));
        Assert.Equal("forbidden", Reason(mixed, 0));
        Assert.Equal("accepted", Status(mixed, 1));

        using var dispatcher = await app.ClientFor("dispatcher");
        await ProblemAssert.IsProblem(await dispatcher.PostAsJsonAsync("/api/positions", new[] { LiveKit.Fix(other.Id, spot.Lon, spot.Lat, DateTimeOffset.UtcNow) }),
            HttpStatusCode.Forbidden);
        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/positions", Array.Empty<object>())).StatusCode);
    }

    [Fact]
    public async Task A_malformed_batch_gets_a_clear_400()
    {
        using var admin = await app.ClientFor("admin");
        async Task<HttpResponseMessage> Raw(string json) =>
            await admin.PostAsync("/api/positions", new StringContent(json, Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblem(await Raw("{\"crewId\": 1}"), HttpStatusCode.BadRequest, "array");
        await ProblemAssert.IsProblem(await Raw("[]"), HttpStatusCode.BadRequest, "empty");
        await ProblemAssert.IsProblem(await Raw("[{\"crewId\": 1,"), HttpStatusCode.BadRequest, "not valid JSON");
        var tooMany = "[" + string.Join(",", Enumerable.Repeat("{}", 1001)) + "]";
        await ProblemAssert.IsProblem(await Raw(tooMany), HttpStatusCode.RequestEntityTooLarge, "at most 1000");
    }

    [Fact]
    public async Task A_crew_trail_for_the_day_is_simplified_and_counts_the_unit_grids_passed()
    {
        var subject = (await LiveKit.Crews(app)).First(c => c.TeamId == 4);
        await LiveKit.Reset(app, subject.Id);
        await using var cmd = app.DataSource.CreateCommand("""
            SELECT ST_X(p), ST_Y(p) FROM grids u, ST_PointOnSurface(u.geometry) p
            WHERE u.level = 'Unit' AND u.parent_code = $1 ORDER BY u.code LIMIT 3
            """);
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<string> { TypedValue = subject.LargeGridCode });
        var points = new List<(double, double)>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) points.Add((r.GetDouble(0), r.GetDouble(1)));
        using var admin = await app.ClientFor("admin");
        var t = DateTimeOffset.UtcNow.AddMinutes(-30);
        var fixes = new List<object>();
        // Walk between the three unit grids' inner points, one fix every 10 s at walking pace.
        for (var leg = 0; leg < points.Count - 1; leg++)
        {
            var (a, b) = (points[leg], points[leg + 1]);
            var metres = GridGov.Api.Live.Geodesy.Metres(a.Item1, a.Item2, b.Item1, b.Item2);
            var steps = (int)Math.Ceiling(metres / 15);
            for (var s = 0; s < steps; s++)
            {
                var f = (double)s / steps;
                fixes.Add(LiveKit.Fix(subject.Id, a.Item1 + f * (b.Item1 - a.Item1), a.Item2 + f * (b.Item2 - a.Item2), t));
                t = t.AddSeconds(10);
            }
        }
        fixes.Add(LiveKit.Fix(subject.Id, points[^1].Item1, points[^1].Item2, t));
        var body = await LiveKit.Post(admin, fixes.ToArray());
        Assert.Equal(fixes.Count, body.GetProperty("accepted").GetInt32());

        var trail = await admin.GetFromJsonAsync<JsonElement>($"/api/crews/{subject.Id}/trail");
        Assert.Equal(fixes.Count, trail.GetProperty("fixes").GetInt32());
        Assert.True(trail.GetProperty("unitGridsVisited").GetInt32() >= 3);
        Assert.True(trail.GetProperty("unitGridsTotal").GetInt32() >= trail.GetProperty("unitGridsVisited").GetInt32());
        var line = trail.GetProperty("line").GetProperty("coordinates");
        Assert.InRange(line.GetArrayLength(), 2, fixes.Count - 1); // simplified: straight legs collapse
        Assert.True(trail.GetProperty("distanceM").GetDouble() > 0);

        using var crew = await app.ClientFor("crew");
        await ProblemAssert.IsProblem(await crew.GetAsync($"/api/crews/{subject.Id}/trail"), HttpStatusCode.Forbidden, "only itself");
        await ProblemAssert.IsProblem(await admin.GetAsync($"/api/crews/{subject.Id}/trail?date=24-11-2026"), HttpStatusCode.BadRequest);
    }
    [Fact]
    public async Task Gcj02_positions_named_by_the_device_are_stored_in_wgs84_and_an_unknown_crs_is_refused()
    {
        await LiveKit.Reset(app, CrewUserId);
        var spot = await Spots.Next(app, teamId: 1);
        var (gLon, gLat) = ChinaOffsets.Wgs84ToGcj02(spot.Lon, spot.Lat);
        Assert.True(Geodesy.Metres(gLon, gLat, spot.Lon, spot.Lat) > 100); // the offset is real here
        using var crew = await app.ClientFor("crew");
        var t = DateTimeOffset.UtcNow.AddSeconds(-5);

        var response = await crew.PostAsJsonAsync("/api/positions?crs=gcj02", new[] { LiveKit.Fix(CrewUserId, gLon, gLat, t) });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await using (var cmd = app.DataSource.CreateCommand("SELECT ST_X(location), ST_Y(location) FROM crew_positions WHERE crew_id = $1"))
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter<int> { TypedValue = CrewUserId });
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.True(Geodesy.Metres(r.GetDouble(0), r.GetDouble(1), spot.Lon, spot.Lat) < 1, $"stored {r.GetDouble(0)}, {r.GetDouble(1)}");
        }

        // The same through an item's own crs, and BD-09.
        var (bLon, bLat) = ChinaOffsets.Wgs84ToBd09(spot.Lon + 0.001, spot.Lat);
        var item = new { crewId = CrewUserId, lon = bLon, lat = bLat, t = t.AddSeconds(4).ToString("O"), accuracyM = 5, crs = "bd09" };
        var body = await LiveKit.Post(crew, item);
        Assert.Equal(1, body.GetProperty("accepted").GetInt32());
        Assert.Equal(spot.Lon + 0.001, (await crew.GetFromJsonAsync<JsonElement>("/api/crews")).EnumerateArray()
            .Single(c => c.GetProperty("id").GetInt32() == CrewUserId).GetProperty("position").GetProperty("lon").GetDouble(), 4);

        await ProblemAssert.IsProblem(await crew.PostAsJsonAsync("/api/positions?crs=foo", new[] { LiveKit.Fix(CrewUserId, gLon, gLat, t) }),
            HttpStatusCode.BadRequest, "crs");
        var bad = await LiveKit.Post(crew, new { crewId = CrewUserId, lon = gLon, lat = gLat, t = t.AddSeconds(5).ToString("O"), crs = "wgs85" });
        Assert.Equal("malformed", Reason(bad, 0));
        Assert.Contains("crs", bad.GetProperty("results")[0].GetProperty("detail").GetString());
    }
}
