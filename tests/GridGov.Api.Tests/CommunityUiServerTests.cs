using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace GridGov.Api.Tests;

/// <summary>
/// What the member's phone and the community page need from the server beyond the first cut: a member reads their own
/// community's monthly points (and no other's), /api/me says whether a member takes orders, the nearest station answers.
/// </summary>
[Collection(ApiCollection.Name)]
public class CommunityUiServerTests(GridGovFactory app)
{
    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    [Fact]
    public async Task A_member_reads_the_points_of_their_community_and_no_other()
    {
        using var member = await app.ClientFor("member");
        var me = await Json(await member.GetAsync("/api/me"));
        var community = me.GetProperty("communities")[0].GetString()!;
        var board = await Json(await member.GetAsync($"/api/points/monthly?community={community}"));
        Assert.Equal(community, board.GetProperty("community").GetString());
        var all = await Json(await member.GetAsync("/api/points/monthly"));
        Assert.All(all.GetProperty("members").EnumerateArray(), m => Assert.Equal(community, m.GetProperty("community").GetString()));

        using var anonymous = app.CreateClient();
        var other = (await Json(await anonymous.GetAsync("/api/stations"))).GetProperty("features").EnumerateArray()
            .Select(f => f.GetProperty("properties").GetProperty("community").GetString()!).First(c => c != community);
        await ProblemAssert.IsProblem(await member.GetAsync($"/api/points/monthly?community={other}"), HttpStatusCode.Forbidden);
        // Meetings stay with the community readers.
        await ProblemAssert.IsProblem(await member.GetAsync("/api/meetings"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_member_sees_their_availability_in_me()
    {
        using var member = await app.ClientFor("member2");
        Assert.False((await Json(await member.PostAsJsonAsync("/api/members/me/availability", new { available = false }))).GetProperty("available").GetBoolean());
        Assert.False((await Json(await member.GetAsync("/api/me"))).GetProperty("available").GetBoolean());
        await Json(await member.PostAsJsonAsync("/api/members/me/availability", new { available = true }));
        Assert.True((await Json(await member.GetAsync("/api/me"))).GetProperty("available").GetBoolean());

        using var crew = await app.ClientFor("crew");
        Assert.False((await Json(await crew.GetAsync("/api/me"))).TryGetProperty("available", out var a) && a.ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task The_nearest_station_answers_with_its_distance()
    {
        using var client = app.CreateClient();
        var station = (await Json(await client.GetAsync("/api/stations"))).GetProperty("features")[0];
        var xy = station.GetProperty("geometry").GetProperty("coordinates");
        var lon = xy[0].GetDouble();
        var lat = xy[1].GetDouble();
        var nearest = await Json(await client.GetAsync(FormattableString.Invariant($"/api/stations/nearest?lon={lon + 0.0005}&lat={lat}")));
        Assert.Equal(station.GetProperty("properties").GetProperty("code").GetString(), nearest.GetProperty("properties").GetProperty("code").GetString());
        Assert.InRange(nearest.GetProperty("properties").GetProperty("distanceM").GetDouble(), 30, 70);
    }
}
