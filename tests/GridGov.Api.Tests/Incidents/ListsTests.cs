using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridGov.Api.Incidents;

namespace GridGov.Api.Tests.Incidents;

[Collection(ApiCollection.Name)]
public class ListsTests(GridGovFactory app)
{
    [Fact]
    public async Task The_problem_list_exports_as_csv_with_chinese_headers_and_literal_text()
    {
        var spot = await Spots.Next(app);
        using var dispatcher = await app.ClientFor("dispatcher");
        var id = (await (await dispatcher.Report("07002", "hotline", spot, description: "广告牌,\"违规\"\n<b>悬挂</b>")).Json(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var response = await dispatcher.GetAsync("/api/lists/problems?format=csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.Preamble.ToArray(), bytes.Take(3));
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        Assert.StartsWith("案件号,状态,类别代码,类别", text);
        Assert.Contains($"{id},reported,07002,违规户外广告", text);
        Assert.Contains("\"广告牌,\"\"违规\"\"\n<b>悬挂</b>\"", text);

        var json = await dispatcher.GetFromJsonAsync<JsonElement>("/api/lists/problems");
        Assert.Contains(json.EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);
        await ProblemAssert.IsProblem(await dispatcher.GetAsync("/api/lists/problems?format=xlsx"), HttpStatusCode.BadRequest, "csv");
    }

    [Fact]
    public async Task The_responsibility_list_has_every_member_of_every_team()
    {
        using var leader = await app.ClientFor("leader");
        var rows = (await leader.GetFromJsonAsync<JsonElement>("/api/lists/responsibility")).EnumerateArray().ToList();
        Assert.Equal(75, rows.Count(r => r.TryGetProperty("crewId", out _)));
        Assert.Equal(15, rows.Count(r => !r.TryGetProperty("crewId", out _)));
        var csv = await leader.GetAsync("/api/lists/responsibility?format=csv&from=2026-01-01&to=2026-12-31");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        await ProblemAssert.IsProblem(await leader.GetAsync("/api/lists/closures?from=2026-13-01"), HttpStatusCode.BadRequest, "yyyy-MM-dd");
        await ProblemAssert.IsProblem(await leader.GetAsync("/api/indicators?by=street"), HttpStatusCode.BadRequest, "team");
        using var crew = await app.ClientFor("crew");
        var mine = (await crew.GetFromJsonAsync<JsonElement>("/api/lists/responsibility")).EnumerateArray().ToList();
        Assert.All(mine, r => Assert.Equal(1, r.GetProperty("teamId").GetInt32()));
    }

    [Theory]
    [InlineData(95.0, "A")]
    [InlineData(90.0, "A")]
    [InlineData(89.9, "B")]
    [InlineData(75.0, "B")]
    [InlineData(60.0, "C")]
    [InlineData(40.0, "D")]
    [InlineData(39.9, "E")]
    public void Grades_follow_the_thresholds(double score, string grade) => Assert.Equal(grade, ListsApi.Grade(score));

    [Fact]
    public void The_score_weighs_closure_on_time_and_rework()
    {
        Assert.Equal(100, ListsApi.Score(100, 100, 0), 6);
        Assert.Equal(0.4 * 80 + 0.4 * 50 + 0.2 * 90, ListsApi.Score(80, 50, 10), 6);
    }

    [Fact]
    public async Task The_incidents_tile_layer_draws_cases_and_a_crew_sees_only_its_team()
    {
        var spot = await Spots.Next(app, 9);
        using var dispatcher = await app.ClientFor("dispatcher");
        await dispatcher.NewIncident("06004", "hotline", spot);
        var (x, y) = Tile(spot.Lon, spot.Lat, 15);
        var tile = await dispatcher.GetAsync($"/tiles/incidents/15/{x}/{y}.pbf");
        Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
        Assert.Equal("application/vnd.mapbox-vector-tile", tile.Content.Headers.ContentType?.MediaType);
        Assert.True((await tile.Content.ReadAsByteArrayAsync()).AsSpan().IndexOf("incidents"u8) >= 0, "the tile carries the 'incidents' layer");
        using var crew = await app.ClientFor("crew");
        Assert.Equal(HttpStatusCode.NoContent, (await crew.GetAsync($"/tiles/incidents/15/{x}/{y}.pbf")).StatusCode);
    }

    private static (int X, int Y) Tile(double lon, double lat, int z)
    {
        var n = 1 << z;
        var x = (int)Math.Floor((lon + 180) / 360 * n);
        var rad = lat * Math.PI / 180;
        var y = (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n);
        return (x, y);
    }
}
