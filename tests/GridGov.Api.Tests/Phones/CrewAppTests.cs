using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Live;
using GridGov.Api.Tests.Incidents;
using GridGov.Api.Tests.Live;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Api.Tests.Phones;

/// <summary>What the crew's phone app reads and does besides the live hub: duty, its own cases, the way to a case, the day's log.</summary>
[Collection(ApiCollection.Name)]
public class CrewAppTests(GridGovFactory app)
{
    private const int CrewTeam = 1; // the demo 'crew' user is crew 1 of team 1

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task A_crew_signed_off_duty_gets_no_offers_until_it_signs_on_again()
    {
        using var crew = await app.ClientFor("crew");
        using var dispatcher = await app.ClientFor("dispatcher");
        var me = (await LiveKit.Crews(app)).Single(c => c.Id == 1);
        var categories = await dispatcher.GetFromJsonAsync<JsonElement>("/api/categories");
        var category = categories.EnumerateArray().First(c => string.Equals(c.GetProperty("role").GetString(), me.Role, StringComparison.OrdinalIgnoreCase)
            && c.GetProperty("active").GetBoolean() && !c.GetProperty("code").GetString()!.StartsWith("01", StringComparison.Ordinal)).GetProperty("code").GetString()!;
        var spot = await Spots.Next(app, CrewTeam);
        var id = await dispatcher.NewIncident(category, "hotline", spot);
        try
        {
            var off = await (await crew.PostAsJsonAsync("/api/crews/1/duty", new { onDuty = false })).Json(HttpStatusCode.OK);
            Assert.False(off.GetProperty("onDuty").GetBoolean());
            var since = off.GetProperty("since").GetDateTimeOffset();
            // Signing off again keeps the first time.
            var again = await (await crew.PostAsJsonAsync("/api/crews/1/duty", new { onDuty = false })).Json(HttpStatusCode.OK);
            Assert.Equal(since, again.GetProperty("since").GetDateTimeOffset());
            Assert.False((await crew.GetFromJsonAsync<JsonElement>("/api/me")).GetProperty("onDuty").GetBoolean());
            Assert.False((await dispatcher.GetFromJsonAsync<JsonElement>("/api/crews")).EnumerateArray().Single(c => c.GetProperty("id").GetInt32() == 1).GetProperty("onDuty").GetBoolean());
            var ranking = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/candidates");
            Assert.Equal("offDuty", ranking.GetProperty("excluded").EnumerateArray().Single(e => e.GetProperty("crewId").GetInt32() == 1).GetProperty("reason").GetString());
            await ProblemAssert.IsProblem(await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/assign", new { crewId = 1 }), HttpStatusCode.Conflict, "signed off duty");

            var on = await (await crew.PostAsJsonAsync("/api/crews/1/duty", new { onDuty = true })).Json(HttpStatusCode.OK);
            Assert.True(on.GetProperty("onDuty").GetBoolean());
            ranking = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/candidates");
            Assert.DoesNotContain(ranking.GetProperty("excluded").EnumerateArray(), e => e.GetProperty("crewId").GetInt32() == 1 && e.GetProperty("reason").GetString() == "offDuty");
        }
        finally
        {
            (await dispatcher.PostAsJsonAsync("/api/crews/1/duty", new { onDuty = true })).EnsureSuccessStatusCode();
        }

        await ProblemAssert.IsProblem(await crew.PostAsJsonAsync("/api/crews/2/duty", new { onDuty = false }), HttpStatusCode.Forbidden, "only themselves");
        await ProblemAssert.IsProblem(await crew.PostAsJsonAsync("/api/crews/1/duty", new { }), HttpStatusCode.BadRequest, "onDuty");
        await ProblemAssert.IsProblem(await dispatcher.PostAsJsonAsync("/api/crews/999999/duty", new { onDuty = true }), HttpStatusCode.NotFound);
        using var leader = await app.ClientFor("leader");
        await ProblemAssert.IsProblem(await leader.PostAsJsonAsync("/api/crews/1/duty", new { onDuty = false }), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_way_to_a_case_is_the_road_distance_pgRouting_finds_and_its_line_is_as_long()
    {
        var spot = await Spots.Next(app, CrewTeam);
        using var dispatcher = await app.ClientFor("dispatcher");
        using var crew = await app.ClientFor("crew");
        var id = await dispatcher.NewIncident("06002", "hotline", spot);
        var along = await LiveKit.RoadPointsNear(app, spot.Lon, spot.Lat);
        var start = along[^5];
        var feature = await crew.GetFromJsonAsync<JsonElement>(Inv($"/api/incidents/{id}/route?lon={start.Lon}&lat={start.Lat}"));
        Assert.Equal("Feature", feature.GetProperty("type").GetString());
        var props = feature.GetProperty("properties");
        Assert.True(props.GetProperty("byRoad").GetBoolean());
        var distance = props.GetProperty("distanceM").GetDouble();
        Assert.Equal(Math.Round(distance / app.Services.GetRequiredService<LiveSettings>().CrewSpeedMps), props.GetProperty("etaS").GetDouble());

        // The oracle: pgRouting's withPoints between the two spots on their roads, plus the walks onto and off the road.
        var graph = app.Services.GetRequiredService<RoadNetwork>().Graph!;
        var settings = app.Services.GetRequiredService<LiveSettings>();
        var from = graph.Snap(start.Lon, start.Lat, settings.MaxSnapM)!.Value;
        var to = graph.Snap(spot.Lon, spot.Lat, settings.MaxSnapM)!.Value;
        // pgRouting takes the points as a query of its own: stage them in a temp table it can read.
        await using var conn = await app.DataSource.OpenConnectionAsync();
        await using (var create = new Npgsql.NpgsqlCommand("CREATE TEMP TABLE route_points (pid bigint, edge_id bigint, fraction float8, side char)", conn))
            await create.ExecuteNonQueryAsync();
        await using (var stage = new Npgsql.NpgsqlCommand("""
            INSERT INTO route_points SELECT v.pid, v.edge_id, LEAST(1, GREATEST(0, v.along / r.length_m)), 'b'
            FROM (VALUES (1::bigint, $1::bigint, $2::float8), (2, $3, $4)) AS v(pid, edge_id, along) JOIN roads r ON r.id = v.edge_id
            """, conn))
        {
            stage.Parameters.AddWithValue(graph.EdgeId(from.Edge));
            stage.Parameters.AddWithValue(from.AlongM);
            stage.Parameters.AddWithValue(graph.EdgeId(to.Edge));
            stage.Parameters.AddWithValue(to.AlongM);
            await stage.ExecuteNonQueryAsync();
        }
        double oracle;
        await using (var q = new Npgsql.NpgsqlCommand("""
            SELECT max(agg_cost) FROM pgr_withPoints(
                'SELECT id, source, target, length_m AS cost, length_m AS reverse_cost FROM roads WHERE drive',
                'SELECT pid, edge_id, fraction, side FROM route_points', -1, -2, directed => false)
            """, conn))
            oracle = (double)(await q.ExecuteScalarAsync())!;
        Assert.Equal(from.OffsetM + oracle + to.OffsetM, distance, 0.5);

        // The line drawn is the way: as long (to a few metres: fractions of degrees are not quite fractions of metres),
        // from the start to the case.
        await using (var len = new Npgsql.NpgsqlCommand("SELECT ST_Length(ST_SetSRID(ST_GeomFromGeoJSON($1), 4490)::geography)", conn))
        {
            len.Parameters.AddWithValue(feature.GetProperty("geometry").GetRawText());
            var drawn = (double)(await len.ExecuteScalarAsync())!;
            Assert.InRange(drawn, distance * 0.97 - 2, distance * 1.03 + 2);
        }
        Assert.Equal([start.Lon, start.Lat], props.GetProperty("from").EnumerateArray().Select(x => x.GetDouble()).ToArray());

        // Without a start the crew's latest fix is the start; with none, the answer says what to send.
        await LiveKit.Reset(app, 1);
        await ProblemAssert.IsProblem(await crew.GetAsync($"/api/incidents/{id}/route"), HttpStatusCode.BadRequest, "latest position");
        using var admin = await app.ClientFor("admin");
        await LiveKit.Post(admin, LiveKit.Fix(1, start.Lon, start.Lat, DateTimeOffset.UtcNow));
        var fromFix = await crew.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/route");
        Assert.Equal(distance, fromFix.GetProperty("properties").GetProperty("distanceM").GetDouble(), 0.1);
        await ProblemAssert.IsProblem(await crew.GetAsync($"/api/incidents/{id}/route?lon=abc&lat=30"), HttpStatusCode.BadRequest, "lon");
        await ProblemAssert.IsProblem(await crew.GetAsync($"/api/incidents/{id}/route?crs=mars"), HttpStatusCode.BadRequest, "crs");
        var other = await Spots.Next(app);
        while (other.TeamId == CrewTeam) other = await Spots.Next(app);
        var notMine = await dispatcher.NewIncident("06002", "hotline", other);
        await ProblemAssert.IsProblem(await crew.GetAsync(Inv($"/api/incidents/{notMine}/route?lon={start.Lon}&lat={start.Lat}")), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task My_cases_are_the_ones_I_hold_and_the_work_log_counts_my_points()
    {
        var spot = await Spots.Next(app, CrewTeam);
        using var dispatcher = await app.ClientFor("dispatcher");
        using var crew = await app.ClientFor("crew");
        var id = await dispatcher.NewIncident("09002", "hotline", spot);
        var untaken = await dispatcher.NewIncident("09002", "hotline", await Spots.Next(app, CrewTeam));
        (await dispatcher.Act(id, "register")).EnsureSuccessStatusCode();
        (await dispatcher.Act(id, "dispatch")).EnsureSuccessStatusCode();
        var before = await crew.GetFromJsonAsync<JsonElement>("/api/crews/1/worklog");
        var took = await crew.Act(id, "accept");
        Assert.True(took.IsSuccessStatusCode, await took.Content.ReadAsStringAsync());

        var mine = await crew.GetFromJsonAsync<JsonElement>("/api/incidents?mine=true&pageSize=1000");
        var ids = mine.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()).ToList();
        Assert.Contains(id, ids);
        Assert.DoesNotContain(untaken, ids);
        Assert.All(mine.GetProperty("items").EnumerateArray(), i => Assert.Equal(1, i.GetProperty("handlerCrewId").GetInt32()));
        var accepted = await crew.GetFromJsonAsync<JsonElement>("/api/incidents?mine=true&status=accepted&pageSize=1000");
        Assert.Contains(id, accepted.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        await ProblemAssert.IsProblem(await dispatcher.GetAsync("/api/incidents?mine=true"), HttpStatusCode.BadRequest, "crew member");

        var after = await crew.GetFromJsonAsync<JsonElement>("/api/crews/1/worklog");
        // Taking a case is worth a point (the closed loop's rule), today and this month.
        Assert.Equal(before.GetProperty("points").GetInt32() + 1, after.GetProperty("points").GetInt32());
        Assert.Equal(before.GetProperty("monthPoints").GetInt32() + 1, after.GetProperty("monthPoints").GetInt32());
        await using var sum = app.DataSource.CreateCommand("SELECT COALESCE(sum(points), 0)::int FROM crew_points WHERE crew_id = 1 AND at >= date_trunc('month', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'");
        Assert.Equal((int)(await sum.ExecuteScalarAsync())!, after.GetProperty("monthPoints").GetInt32());
    }
}
