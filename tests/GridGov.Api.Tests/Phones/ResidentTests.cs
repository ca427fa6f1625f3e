using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Tests.Incidents;

namespace GridGov.Api.Tests.Phones;

[Collection(ApiCollection.Name)]
public class ResidentTests(GridGovFactory app)
{
    [Fact]
    public async Task A_resident_follows_their_case_by_its_link_and_sees_no_staff_notes_names_or_phone()
    {
        var spot = await Spots.Next(app);
        using var anonymous = app.CreateClient();
        var key = Guid.NewGuid().ToString();
        var body = new { clientRequestId = key, category = "06002", source = "resident", lon = spot.Lon, lat = spot.Lat, description = "楼下堆了建筑垃圾", phone = "138 0013 8000" };
        var created = await (await anonymous.PostAsJsonAsync("/api/incidents", body)).Json(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt64();
        var token = created.GetProperty("trackingToken").GetString()!;
        Assert.Equal($"/report/{id}?t={token}", created.GetProperty("trackingUrl").GetString());
        Assert.False(string.IsNullOrEmpty(created.GetProperty("teamName").GetString()));
        Assert.False(string.IsNullOrEmpty(created.GetProperty("categoryName").GetString()));
        // A retry gets the same link, and creates nothing.
        var again = await (await anonymous.PostAsJsonAsync("/api/incidents", body)).Json(HttpStatusCode.OK);
        Assert.Equal(token, again.GetProperty("trackingToken").GetString());

        // The photo the resident adds with the link.
        var photo = await (await anonymous.PostAsync($"/api/incidents/{id}/photos?t={token}", PhotoKit.Form(PhotoKit.Jpeg(800, 600, seed: 21)))).Json(HttpStatusCode.Created);
        Assert.Equal("resident", photo.GetProperty("by").GetString());
        Assert.EndsWith($"t={token}", photo.GetProperty("url").GetString());
        await ProblemAssert.IsProblem(await anonymous.PostAsync($"/api/incidents/{id}/photos?t={token}", PhotoKit.Form(PhotoKit.Jpeg(80, 60, seed: 22), kind: "after")),
            HttpStatusCode.BadRequest, "before");

        using var dispatcher = await app.ClientFor("dispatcher");
        (await dispatcher.Act(id, "register", note: "内部备注：联系了物业张经理")).EnsureSuccessStatusCode();
        var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.Equal("13800138000", detail.GetProperty("reporterPhone").GetString());
        using var crew = await app.ClientFor("crew");
        if (spot.TeamId == 1) Assert.False((await crew.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}")).TryGetProperty("reporterPhone", out _));

        var tracked = await anonymous.GetAsync($"/api/report/{id}?t={token}");
        var text = await tracked.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, tracked.StatusCode);
        var view = JsonDocument.Parse(text).RootElement;
        Assert.Equal("registered", view.GetProperty("status").GetString());
        Assert.Equal(["report", "register"], view.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()!).ToArray());
        foreach (var secret in new[] { "张经理", "13800138000", "dispatcher", "note", "actor" })
            Assert.DoesNotContain(secret, text);
        var photoUrl = view.GetProperty("photos").EnumerateArray().Single().GetProperty("thumbUrl").GetString()!;
        Assert.Equal("image/jpeg", (await anonymous.GetAsync(photoUrl)).Content.Headers.ContentType?.MediaType);

        // A wrong token, a token of another case, none: 404 with nothing to learn from.
        var other = await (await anonymous.PostAsJsonAsync("/api/incidents", new { category = "06002", source = "resident", lon = spot.Lon, lat = spot.Lat + IncidentClient.NorthBy(200) })).Json(HttpStatusCode.Created);
        var otherToken = other.GetProperty("trackingToken").GetString();
        var wrong = new[] { $"/api/report/{id}?t={otherToken}", $"/api/report/{id}?t=AAAAAAAAAAAAAAAAAAAAAA", $"/api/report/{id}", $"/api/report/99999999?t={token}" };
        var answers = new List<string>();
        foreach (var url in wrong)
            answers.Add((await ProblemAssert.IsProblem(await anonymous.GetAsync(url), HttpStatusCode.NotFound, "no such case")).GetProperty("detail").GetString()!);
        Assert.Single(answers.Distinct());
        await ProblemAssert.IsProblem(await anonymous.GetAsync($"/api/photos/{photo.GetProperty("id").GetInt64()}?t={otherToken}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await anonymous.PostAsync($"/api/incidents/{id}/photos?t={otherToken}", PhotoKit.Form(PhotoKit.Jpeg(80, 60, seed: 23))), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_phone_number_that_is_not_one_is_refused()
    {
        var spot = await Spots.Next(app);
        using var anonymous = app.CreateClient();
        foreach (var phone in new[] { "call me", "12345678901", "=HYPERLINK(\"x\")", "1" })
            await ProblemAssert.IsProblem(await anonymous.PostAsJsonAsync("/api/incidents", new { category = "06002", source = "resident", lon = spot.Lon, lat = spot.Lat, phone }),
                HttpStatusCode.BadRequest, "phone");
    }

    [Fact]
    public async Task The_report_page_reads_categories_lamps_and_the_basemap_without_a_sign_in_and_nothing_else()
    {
        using var anonymous = app.CreateClient();
        var majors = await anonymous.GetFromJsonAsync<JsonElement>("/api/report/categories");
        var all = majors.EnumerateArray().SelectMany(m => m.GetProperty("categories").EnumerateArray()).ToList();
        Assert.Contains(all, c => c.GetProperty("code").GetString() == "01037" && c.GetProperty("streetlight").GetBoolean());
        Assert.Contains(all, c => c.GetProperty("code").GetString() == "06002" && !c.GetProperty("streetlight").GetBoolean());
        Assert.All(majors.EnumerateArray(), m => Assert.False(string.IsNullOrEmpty(m.GetProperty("name").GetString())));
        // English names too, for the page's English view.
        Assert.False(string.IsNullOrEmpty(all.First(c => c.GetProperty("code").GetString() == "06002").GetProperty("nameEn").GetString()));
        Assert.False(string.IsNullOrEmpty(majors.EnumerateArray().First(m => m.GetProperty("code").GetString() == "06").GetProperty("nameEn").GetString()));

        await using var pick = app.DataSource.CreateCommand("SELECT trim(code), ST_X(location), ST_Y(location) FROM streetlights WHERE component = '01037' ORDER BY code LIMIT 1 OFFSET 500");
        await using var r = await pick.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        var (code, lon, lat) = (r.GetString(0), r.GetDouble(1), r.GetDouble(2));
        var lamps = await anonymous.GetFromJsonAsync<JsonElement>(FormattableString.Invariant($"/api/report/lamps?lon={lon}&lat={lat + IncidentClient.NorthBy(5)}"));
        var first = lamps.EnumerateArray().First();
        Assert.Equal(code, first.GetProperty("code").GetString());
        Assert.InRange(first.GetProperty("distanceM").GetDouble(), 4, 6);
        Assert.InRange(lamps.GetArrayLength(), 1, 8);
        await ProblemAssert.IsProblem(await anonymous.GetAsync("/api/report/lamps?lon=abc&lat=30"), HttpStatusCode.BadRequest, "lon");
        await ProblemAssert.IsProblem(await anonymous.GetAsync(FormattableString.Invariant($"/api/report/lamps?lon={lon}&lat={lat}&crs=mars")), HttpStatusCode.BadRequest, "crs");

        // The basemap is public; cases, lamps and the staff API are not.
        var (tx, ty) = GridGov.Api.Live.LiveGroups.TileXY(lon, lat, 15);
        foreach (var layer in new[] { "roads", "buildings", "grids" })
            Assert.True((await anonymous.GetAsync($"/tiles/{layer}/15/{tx}/{ty}.pbf")).StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, layer);
        foreach (var layer in new[] { "incidents", "streetlights" })
            await ProblemAssert.IsProblem(await anonymous.GetAsync($"/tiles/{layer}/15/{tx}/{ty}.pbf"), HttpStatusCode.Unauthorized, "signed-in");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/categories")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/streetlights/nearest?lon=120&lat=30")).StatusCode);
    }
}
