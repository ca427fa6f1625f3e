using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridGov.Api.Tests.Incidents;

namespace GridGov.Api.Tests.Community;

/// <summary>Stations, member pools, points and four-party meetings.</summary>
[Collection(ApiCollection.Name)]
public class CommunityTests(GridGovFactory app)
{
    [Fact]
    public async Task Every_community_has_a_station_inside_it_and_the_nearest_is_the_one_PostGIS_finds()
    {
        using var anonymous = app.CreateClient();
        var stations = await anonymous.GetFromJsonAsync<JsonElement>("/api/stations");
        var features = stations.GetProperty("features").EnumerateArray().ToList();
        await using (var count = app.DataSource.CreateCommand("SELECT count(*) FROM grids WHERE level = 'Community'"))
            Assert.Equal((long)(await count.ExecuteScalarAsync())!, features.Count);
        // The oracle: each station's point lies in its own community.
        await using (var inside = app.DataSource.CreateCommand("""
            SELECT count(*) FROM stations s JOIN grids g ON g.code = s.community_code WHERE NOT ST_Intersects(g.geometry, s.location)
            """))
            Assert.Equal(0L, (long)(await inside.ExecuteScalarAsync())!);
        Assert.All(features, f => Assert.False(string.IsNullOrEmpty(f.GetProperty("properties").GetProperty("hours").GetString())));

        var spot = await Spots.Next(app);
        var nearest = await anonymous.GetFromJsonAsync<JsonElement>(FormattableString.Invariant($"/api/stations/nearest?lon={spot.Lon}&lat={spot.Lat}"));
        await using var oracle = app.DataSource.CreateCommand("""
            SELECT code, ST_Distance(location::geography, ST_SetSRID(ST_MakePoint($1, $2), 4490)::geography) FROM stations
            ORDER BY location::geography <-> ST_SetSRID(ST_MakePoint($1, $2), 4490)::geography LIMIT 1
            """);
        oracle.Parameters.AddWithValue(spot.Lon);
        oracle.Parameters.AddWithValue(spot.Lat);
        await using var r = await oracle.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal(r.GetString(0), nearest.GetProperty("properties").GetProperty("code").GetString());
        Assert.Equal(r.GetDouble(1), nearest.GetProperty("properties").GetProperty("distanceM").GetDouble(), 1.0);
        await ProblemAssert.IsProblem(await anonymous.GetAsync("/api/stations/nearest?lon=abc&lat=25"), HttpStatusCode.BadRequest, "'lon'");
    }

    [Fact]
    public async Task The_community_keeps_its_station_and_its_pool_and_may_not_touch_another_communitys()
    {
        var home = await OrderKit.Home(app);
        using var worker = await app.ClientFor("community");
        var station = (await worker.GetFromJsonAsync<JsonElement>("/api/stations")).GetProperty("features").EnumerateArray()
            .Single(f => f.GetProperty("properties").GetProperty("community").GetString() == home);
        var code = station.GetProperty("properties").GetProperty("code").GetString();
        var changed = await (await worker.PutAsJsonAsync($"/api/stations/{code}", new { hours = "周一至周五 08:00-18:00", staff = new[] { "钟淑华", "廖国平" } })).Json(HttpStatusCode.OK);
        Assert.Equal("周一至周五 08:00-18:00", changed.GetProperty("properties").GetProperty("hours").GetString());
        var other = (await worker.GetFromJsonAsync<JsonElement>("/api/stations")).GetProperty("features").EnumerateArray()
            .First(f => f.GetProperty("properties").GetProperty("community").GetString() != home).GetProperty("properties").GetProperty("code").GetString();
        await ProblemAssert.IsProblem(await worker.PutAsJsonAsync($"/api/stations/{other}", new { hours = "全天" }), HttpStatusCode.Forbidden);

        var added = await (await worker.PostAsJsonAsync("/api/members", new { name = "楼栋长老刘", kind = "buildingHead", skills = new[] { "06", "01037" }, communities = new[] { home } })).Json(HttpStatusCode.Created);
        Assert.Equal("buildingHead", added.GetProperty("kind").GetString());
        Assert.Contains((await worker.GetFromJsonAsync<JsonElement>("/api/members")).EnumerateArray(), m => m.GetProperty("id").GetInt32() == added.GetProperty("id").GetInt32());
        await ProblemAssert.IsProblem(await worker.PostAsJsonAsync("/api/members", new { name = "x", kind = "boss", skills = new[] { "99" }, communities = new[] { home } }), HttpStatusCode.BadRequest, "'kind'");
        await ProblemAssert.IsProblem(await worker.PostAsJsonAsync("/api/members", new { name = "x", kind = "volunteer", skills = new[] { "99" }, communities = new[] { home } }), HttpStatusCode.BadRequest, "'99'");
        await ProblemAssert.IsProblem(await worker.PostAsJsonAsync("/api/members", new { name = "x", kind = "volunteer", communities = new[] { "360799001002" } }), HttpStatusCode.Forbidden);
        using var member = await app.ClientFor("member");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/members")).StatusCode);
        var busy = await (await member.PostAsJsonAsync("/api/members/me/availability", new { available = false })).Json(HttpStatusCode.OK);
        Assert.False(busy.GetProperty("available").GetBoolean());
        (await member.PostAsJsonAsync("/api/members/me/availability", new { available = true })).EnsureSuccessStatusCode();
        var me = await member.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.True(me.GetProperty("available").GetBoolean());
        Assert.Equal(busy.GetProperty("name").GetString(), me.GetProperty("memberName").GetString());
        using var admin = await app.ClientFor("admin");
        await ProblemAssert.IsProblem(await admin.PostAsJsonAsync("/api/users", new { username = "memberless", password = "abc-123456789", roles = new[] { "member" } }), HttpStatusCode.BadRequest, "memberId");
        await ProblemAssert.IsProblem(await admin.PostAsJsonAsync("/api/users", new { username = "nowhere", password = "abc-123456789", roles = new[] { "community" }, communities = new[] { "nope" } }), HttpStatusCode.BadRequest, "nope");
    }

    [Fact]
    public async Task Points_add_up_on_a_hand_built_month_ranked_per_community_and_the_report_prints_names_as_text()
    {
        var home = await OrderKit.Home(app);
        using var admin = await app.ClientFor("admin");
        // Three fresh members, so no other test's orders fall in their month.
        var ids = new List<int>();
        foreach (var name in new[] { "<b>甲</b>", "=SUM(A1)", "丙" })
            ids.Add((await (await admin.PostAsJsonAsync("/api/members", new { name, kind = "partyMember", skills = new[] { "06" }, communities = new[] { home } })).Json(HttpStatusCode.Created)).GetProperty("id").GetInt32());
        // The hand-built month, March 2021 (Asia/Shanghai): scored orders on cases closed by hand; one of 29 Feb? no, one on the last evening of March, one on 1 April (outside).
        var rows = new (int Member, int Score, int Points, string At)[]
        {
            (ids[0], 5, 10, "2021-03-01T00:10:00+08:00"), (ids[0], 3, 9, "2021-03-31T23:50:00+08:00"),
            (ids[1], 4, 8, "2021-03-15T10:00:00+08:00"), (ids[1], 5, 11, "2021-03-16T10:00:00+08:00"),
            (ids[2], 4, 19, "2021-03-20T10:00:00+08:00"),
            (ids[2], 5, 100, "2021-04-01T00:00:00+08:00"), (ids[0], 5, 100, "2021-02-28T23:59:00+08:00"),
        };
        foreach (var (member, score, points, at) in rows)
        {
            var id = await OrderKit.Request(app, "06002", $"points {member} {at}");
            await using var cmd = app.DataSource.CreateCommand("""
                INSERT INTO community_orders (incident_id, community_code, status, opened_at, opened_by, escalate_at, member_id, taken_at, done_at, score, scored_at, scored_by, points, closed_at)
                VALUES ($1, $2, 'Scored', $3, 'test', $3, $4, $3, $3, $5, $3, 'test', $6, $3)
                """);
            cmd.Parameters.AddWithValue(id);
            cmd.Parameters.AddWithValue(home);
            cmd.Parameters.AddWithValue(DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime());
            cmd.Parameters.AddWithValue(member);
            cmd.Parameters.AddWithValue(score);
            cmd.Parameters.AddWithValue(points);
            await cmd.ExecuteNonQueryAsync();
        }
        using var worker = await app.ClientFor("community");
        var month = await worker.GetFromJsonAsync<JsonElement>($"/api/points/monthly?community={home}&month=2021-03");
        var mine = month.GetProperty("members").EnumerateArray().Where(m => ids.Contains(m.GetProperty("memberId").GetInt32())).ToList();
        Assert.Equal(3, mine.Count);
        int Points(int i) => mine.Single(m => m.GetProperty("memberId").GetInt32() == ids[i]).GetProperty("points").GetInt32();
        int Rank(int i) => mine.Single(m => m.GetProperty("memberId").GetInt32() == ids[i]).GetProperty("rank").GetInt32();
        Assert.Equal([19, 19, 19], new[] { Points(0), Points(1), Points(2) });
        Assert.Equal([1, 1, 1], new[] { Rank(0), Rank(1), Rank(2) }); // equal points share the rank
        Assert.Equal(2, mine.Single(m => m.GetProperty("memberId").GetInt32() == ids[0]).GetProperty("orders").GetInt32());
        Assert.Equal(4.0, mine.Single(m => m.GetProperty("memberId").GetInt32() == ids[0]).GetProperty("averageScore").GetDouble());

        var csv = Encoding.UTF8.GetString(await worker.GetByteArrayAsync($"/api/points/monthly?community={home}&month=2021-03&format=csv"));
        Assert.Contains("'=SUM(A1)", csv);
        var html = await worker.GetStringAsync($"/api/points/monthly?community={home}&month=2021-03&format=html");
        Assert.Contains("&lt;b&gt;甲&lt;/b&gt;", html);
        Assert.DoesNotContain("<b>甲</b>", html);
        var board = await worker.GetFromJsonAsync<JsonElement>("/api/points/communities?month=2021-03");
        Assert.Equal(57, board.EnumerateArray().Single(c => c.GetProperty("community").GetString() == home).GetProperty("points").GetInt32());

        await ProblemAssert.IsProblem(await worker.GetAsync("/api/points/monthly?month=2021-13"), HttpStatusCode.BadRequest, "'month'");
        await ProblemAssert.IsProblem(await worker.GetAsync($"/api/points/monthly?community={home}&format=xlsx"), HttpStatusCode.BadRequest, "'format'");
        await ProblemAssert.IsProblem(await worker.GetAsync("/api/points/monthly?community=360799001002&month=2021-03"), HttpStatusCode.Forbidden);
        using var leader = await app.ClientFor("leader");
        Assert.Equal(HttpStatusCode.OK, (await leader.GetAsync("/api/points/monthly?month=2021-03")).StatusCode);
        using var crew = await app.ClientFor("crew");
        Assert.Equal(HttpStatusCode.Forbidden, (await crew.GetAsync("/api/points/monthly?month=2021-03")).StatusCode);
    }

    [Fact]
    public async Task A_four_party_meeting_is_recorded_and_its_issue_becomes_an_order_once()
    {
        var home = await OrderKit.Home(app);
        using var worker = await app.ClientFor("community");
        var attendees = new object[]
        {
            new { name = "社区书记", party = "community" }, new { name = "钟队员", party = "officer" },
            new { name = "物业经理", party = "property" }, new { name = "居民代表老王", party = "resident" },
        };
        await ProblemAssert.IsProblem(await worker.PostAsJsonAsync("/api/meetings", new { community = home, heldOn = "2026-11-20", topic = "x", attendees = attendees[..3] }),
            HttpStatusCode.BadRequest, "resident");
        var meeting = await (await worker.PostAsJsonAsync("/api/meetings", new
        {
            community = home, heldOn = "2026-11-20", place = "社区会议室", topic = "小区环境整治", attendees,
            issues = new[] { new { text = "3号楼旁长期堆放杂物" }, new { text = "夜间广场舞噪声" } }, decisions = "物业一周内清理；社区协调场地",
        })).Json(HttpStatusCode.Created);
        var id = meeting.GetProperty("id").GetInt64();
        var spot = await OrderKit.SpotIn(app, home);
        var raised = await (await worker.PostAsJsonAsync($"/api/meetings/{id}/issues/1/raise", new { @as = "order", category = "06007", lon = spot.Lon, lat = spot.Lat })).Json(HttpStatusCode.OK);
        var incident = raised.GetProperty("incidentId").GetInt64();
        var orderId = raised.GetProperty("order").GetProperty("id").GetInt64();
        var again = await (await worker.PostAsJsonAsync($"/api/meetings/{id}/issues/1/raise", new { @as = "order", category = "06007", lon = spot.Lon, lat = spot.Lat })).Json(HttpStatusCode.OK);
        Assert.Equal(incident, again.GetProperty("incidentId").GetInt64());
        Assert.Equal(orderId, again.GetProperty("order").GetProperty("id").GetInt64());
        var stored = await worker.GetFromJsonAsync<JsonElement>($"/api/meetings/{id}");
        Assert.Equal(incident, stored.GetProperty("issues")[0].GetProperty("incidentId").GetInt64());
        Assert.Equal(orderId, stored.GetProperty("issues")[0].GetProperty("orderId").GetInt64());
        using var dispatcher = await app.ClientFor("dispatcher");
        var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{incident}");
        Assert.Equal("community", detail.GetProperty("source").GetString());
        Assert.StartsWith("四方议事", detail.GetProperty("description").GetString());
        await ProblemAssert.IsProblem(await worker.PostAsJsonAsync($"/api/meetings/{id}/issues/3/raise", new { @as = "case", category = "06007", lon = spot.Lon, lat = spot.Lat }), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await worker.PostAsJsonAsync($"/api/meetings/{id}/issues/2/raise", new { @as = "memo" }), HttpStatusCode.BadRequest, "'as'");
        Assert.Contains((await worker.GetFromJsonAsync<JsonElement>($"/api/meetings?community={home}")).EnumerateArray(), m => m.GetProperty("id").GetInt64() == id);
        using var member = await app.ClientFor("member");
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync("/api/meetings")).StatusCode);
    }

    [Fact]
    public async Task A_county_brings_its_community_workers_in_the_people_import_and_members_through_the_pool()
    {
        var home = await OrderKit.Home(app);
        var stamp = Guid.NewGuid().ToString("N")[..6];
        using var admin = await app.ClientFor("admin");
        static MultipartFormDataContent Users(string csv)
        {
            var form = new MultipartFormDataContent();
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
            form.Add(content, "users", "users.csv");
            return form;
        }
        var bad = await ProblemAssert.IsProblem(await admin.PostAsync("/api/import/people", Users(
            $"username,roles,team,crew,password,communities\nsq{stamp},community,,,Station-desk-2026,\nmb{stamp},member,,,Member-pass-2026,\nno{stamp},community,,,Station-desk-2026,999\n")),
            HttpStatusCode.BadRequest, "nothing was written");
        var rows = bad.GetProperty("errors").EnumerateObject().ToDictionary(e => e.Name, e => string.Join(" ", e.Value.EnumerateArray().Select(m => m.GetString())));
        Assert.Contains("communities", rows["users.csv row 2"]);
        Assert.Contains("POST /api/members", rows["users.csv row 3"]);
        Assert.Contains("'999'", rows["users.csv row 4"]);
        await (await admin.PostAsync("/api/import/people", Users($"username,roles,team,crew,password,communities\nsq{stamp},community,,,Station-desk-2026,{home}\n"))).Json(HttpStatusCode.OK);
        using var worker = await GridGovFactory.SignIn(app, $"sq{stamp}", "Station-desk-2026");
        var me = await worker.GetFromJsonAsync<JsonElement>("/api/me");
        Assert.Equal([home], me.GetProperty("communities").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains((await worker.GetFromJsonAsync<JsonElement>("/api/members")).EnumerateArray(), m => m.GetProperty("communities").EnumerateArray().Any(c => c.GetString() == home));
    }
}
