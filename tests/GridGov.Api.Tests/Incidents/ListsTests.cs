using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CsvHelper;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using Microsoft.AspNetCore.Hosting;

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

        var json = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/lists/problems?largeGrid={spot.LargeCode}");
        Assert.Contains(json.GetProperty("items").EnumerateArray(), r => r.GetProperty("id").GetInt64() == id);
        await ProblemAssert.IsProblem(await dispatcher.GetAsync("/api/lists/problems?format=xlsx"), HttpStatusCode.BadRequest, "csv");
    }

    [Fact]
    public async Task The_responsibility_list_has_every_member_of_every_team()
    {
        // An asset group (no large grid) is listed too. Other tests (and the E2E admin view, on the same database) add
        // teams and crews: the demo's are counted by id, 15 teams and 75 crews.
        using var admin = await app.ClientFor("admin");
        var group = await (await admin.PostAsJsonAsync("/api/teams", new { name = $"清单资产组{DateTime.UtcNow:HHmmssfff}", kind = "assetGroup", roleMix = "1+1" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        var groupId = group.GetProperty("id").GetInt32();
        using var leader = await app.ClientFor("leader");
        var rows = (await leader.GetFromJsonAsync<JsonElement>("/api/lists/responsibility")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(75, rows.Count(r => r.TryGetProperty("crewId", out var c) && c.GetInt32() <= 75));
        Assert.Equal(15, rows.Count(r => !r.TryGetProperty("crewId", out _) && r.GetProperty("teamId").GetInt32() <= 15));
        var groupRow = Assert.Single(rows, r => r.GetProperty("teamId").GetInt32() == groupId);
        Assert.False(groupRow.TryGetProperty("largeGridCode", out _));
        (await admin.DeleteAsync($"/api/teams/{groupId}")).EnsureSuccessStatusCode();
        var csv = await leader.GetAsync("/api/lists/responsibility?format=csv&from=2026-01-01&to=2026-12-31");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        await ProblemAssert.IsProblem(await leader.GetAsync("/api/lists/closures?from=2026-13-01"), HttpStatusCode.BadRequest, "yyyy-MM-dd");
        await ProblemAssert.IsProblem(await leader.GetAsync("/api/indicators?by=street"), HttpStatusCode.BadRequest, "team");
        using var crew = await app.ClientFor("crew");
        var mine = (await crew.GetFromJsonAsync<JsonElement>("/api/lists/responsibility")).GetProperty("items").EnumerateArray().ToList();
        Assert.All(mine, r => Assert.Equal(1, r.GetProperty("teamId").GetInt32()));
    }

    [Fact]
    public async Task A_residents_formula_comes_out_of_the_csv_as_text()
    {
        var spot = await Spots.Next(app);
        using var resident = app.CreateClient();
        const string formula = "=HYPERLINK(\"http://x\",\"y\")";
        var id = (await (await resident.Report("06002", "resident", spot, description: formula)).Json(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        using var dispatcher = await app.ClientFor("dispatcher");
        var row = (await CsvRows(await dispatcher.GetAsync($"/api/lists/problems?format=csv&largeGrid={spot.LargeCode}"))).Single(r => r["案件号"] == id.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("'" + formula, row["描述"]);
        Assert.Equal(spot.TeamId, int.Parse(row["队伍"], NumberStyles.None, CultureInfo.InvariantCulture));
        // The JSON list is not a spreadsheet: it keeps the text exactly as written.
        var json = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/lists/problems?largeGrid={spot.LargeCode}");
        Assert.Equal(formula, json.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == id).GetProperty("description").GetString());
    }

    [Theory]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("+86 138", "'+86 138")]
    [InlineData("-2", "'-2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "'\r=1")]
    [InlineData("路灯 =1", "路灯 =1")]
    [InlineData("", "")]
    public void Text_cells_that_start_like_a_formula_get_an_apostrophe(string text, string cell) => Assert.Equal(cell, CsvExport.FormulaSafe(text));

    [Fact]
    public async Task Csv_exports_have_every_row_and_json_pages_state_the_total()
    {
        var first = await Spots.Next(app);
        var spots = new List<Spot> { first };
        for (var i = 0; i < 4; i++) spots.Add(await Spots.Next(app, first.TeamId));
        using var dispatcher = await app.ClientFor("dispatcher");
        var mine = new List<long>();
        foreach (var spot in spots) mine.Add(await dispatcher.NewIncident("06002", "hotline", spot));

        using var paged = app.WithWebHostBuilder(b => b.UseSetting("Incidents:ListPageSize", "2"));
        using var client = paged.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", await app.TokenFor("dispatcher"));
        var csvIds = (await CsvRows(await client.GetAsync($"/api/lists/problems?format=csv&largeGrid={first.LargeCode}")))
            .Select(r => long.Parse(r["案件号"], CultureInfo.InvariantCulture)).ToList();
        Assert.Superset(mine.ToHashSet(), csvIds.ToHashSet());

        var pages = 0;
        var jsonIds = new List<long>();
        for (var url = $"/api/lists/problems?largeGrid={first.LargeCode}"; url is not null; pages++)
        {
            var page = await client.GetFromJsonAsync<JsonElement>(url);
            Assert.Equal(csvIds.Count, page.GetProperty("total").GetInt32());
            Assert.Equal(2, page.GetProperty("pageSize").GetInt32());
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.InRange(items.Count, 1, 2);
            jsonIds.AddRange(items.Select(r => r.GetProperty("id").GetInt64()));
            url = page.TryGetProperty("next", out var next) ? next.GetString() : null;
            if (url is not null) Assert.Contains($"largeGrid={first.LargeCode}", url);
        }
        Assert.Equal(csvIds, jsonIds);
        Assert.Equal((csvIds.Count + 1) / 2, pages);

        // A row per team and one per crew: the demo's 90, and any the E2E admin test (same database, run alongside) adds
        // meanwhile; it only adds, so the counts lie between the database's before and after.
        async Task<int> Members()
        {
            await using var cmd = app.DataSource.CreateCommand("SELECT (SELECT count(*) FROM teams) + (SELECT count(*) FROM crews)");
            return Convert.ToInt32(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        var before = await Members();
        Assert.True(before >= 90, $"{before} teams and crews");
        var responsibility = await client.GetFromJsonAsync<JsonElement>("/api/lists/responsibility");
        Assert.Equal(2, responsibility.GetProperty("items").GetArrayLength());
        var total = responsibility.GetProperty("total").GetInt32();
        var csvRows = (await CsvRows(await client.GetAsync("/api/lists/responsibility?format=csv"))).Count;
        var after = await Members();
        Assert.InRange(total, before, after);
        Assert.InRange(csvRows, total, after);
        await ProblemAssert.IsProblem(await client.GetAsync("/api/lists/closures?pageSize=0"), HttpStatusCode.BadRequest, "pageSize");
    }

    private static async Task<List<Dictionary<string, string>>> CsvRows(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvReader(reader, CultureInfo.InvariantCulture);
        var rows = new List<Dictionary<string, string>>();
        Assert.True(await csv.ReadAsync());
        csv.ReadHeader();
        var header = csv.HeaderRecord!;
        while (await csv.ReadAsync()) rows.Add(header.ToDictionary(h => h, h => csv.GetField(h)!));
        return rows;
    }

    [Theory]
    [InlineData(95.0, "A")]
    [InlineData(90.0, "A")]
    [InlineData(89.9, "B")]
    [InlineData(75.0, "B")]
    [InlineData(60.0, "C")]
    [InlineData(40.0, "D")]
    [InlineData(39.9, "E")]
    public void Grades_follow_the_thresholds(double score, string grade) => Assert.Equal(grade, IndicatorsApi.Grade(score));

    [Fact]
    public void The_score_weighs_closure_on_time_and_rework()
    {
        Assert.Equal(100, IndicatorsApi.Score(100, 100, 0), 6);
        Assert.Equal(0.4 * 80 + 0.4 * 50 + 0.2 * 90, IndicatorsApi.Score(80, 50, 10), 6);
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
