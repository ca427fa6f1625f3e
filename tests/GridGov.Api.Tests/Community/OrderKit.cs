using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Tests.Incidents;
using GridGov.Api.Tests.Phones;

namespace GridGov.Api.Tests.Community;

/// <summary>The community side of the demo (users community, member, member2, member3 of one community) and the steps of an order.</summary>
internal static class OrderKit
{
    private static string? _home;

    /// <summary>The community the demo's community worker serves (where team 1's large grid lies).</summary>
    public static async Task<string> Home(GridGovFactory app)
    {
        if (_home is not null) return _home;
        using var worker = await app.ClientFor("community");
        var me = await worker.GetFromJsonAsync<JsonElement>("/api/me");
        return _home = me.GetProperty("communities").EnumerateArray().Single().GetString()!;
    }

    /// <summary>An unused spot in <paramref name="community"/> (its unit grids' codes start with the community's).</summary>
    public static async Task<Spot> SpotIn(GridGovFactory app, string community)
    {
        await using var cmd = app.DataSource.CreateCommand("""
            SELECT DISTINCT l.team_id FROM grids l WHERE l.level = 'Large' AND l.parent_code = $1 ORDER BY 1
            """);
        cmd.Parameters.AddWithValue(community);
        var teams = new List<int>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) teams.Add(r.GetInt32(0));
        foreach (var team in teams.OrderBy(_ => Random.Shared.Next()))
        {
            try
            {
                return await Spots.Next(app, team);
            }
            catch (InvalidOperationException)
            {
                // This team's spots are used up; try the community's next team.
            }
        }
        throw new InvalidOperationException($"No unused spot left in community {community}.");
    }

    /// <summary>A request taken at the station (source community) at an unused spot of the home community.</summary>
    public static async Task<long> Request(GridGovFactory app, string category = "06002", string? description = null)
    {
        var spot = await SpotIn(app, await Home(app));
        using var worker = await app.ClientFor("community");
        var created = await (await worker.Report(category, "community", spot, description: description ?? "居民来站反映：3号楼旁垃圾堆放")).Json(HttpStatusCode.Created);
        return created.GetProperty("id").GetInt64();
    }

    /// <summary>The community worker orders the case to the home pool; returns the order.</summary>
    public static async Task<JsonElement> Order(GridGovFactory app, long incidentId, int? takeWithinMinutes = null)
    {
        using var worker = await app.ClientFor("community");
        return await (await worker.PostAsJsonAsync($"/api/incidents/{incidentId}/order", new { takeWithinMinutes })).Json(HttpStatusCode.Created);
    }

    public static async Task<JsonElement> Take(GridGovFactory app, string member, long orderId)
    {
        using var client = await app.ClientFor(member);
        return await (await client.PostAsync($"/api/orders/{orderId}/take", null)).Json(HttpStatusCode.OK);
    }

    /// <summary>The taker adds an after photo and reports done.</summary>
    public static async Task<JsonElement> Done(GridGovFactory app, string member, JsonElement order, string note = "已清理干净")
    {
        using var client = await app.ClientFor(member);
        var incident = order.GetProperty("incidentId").GetInt64();
        (await client.PostAsync($"/api/incidents/{incident}/photos", PhotoKit.Form(PhotoKit.Jpeg(64, 48, seed: (int)(incident % 1000)), kind: "after"))).EnsureSuccessStatusCode();
        return await (await client.PostAsJsonAsync($"/api/orders/{order.GetProperty("id").GetInt64()}/done", new { note })).Json(HttpStatusCode.OK);
    }

    public static async Task<JsonElement> Score(GridGovFactory app, long orderId, int score)
    {
        using var worker = await app.ClientFor("community");
        return await (await worker.PostAsJsonAsync($"/api/orders/{orderId}/score", new { score })).Json(HttpStatusCode.OK);
    }

    /// <summary>The actions of the case's history, in order.</summary>
    public static async Task<List<string>> History(GridGovFactory app, long incidentId)
    {
        using var dispatcher = await app.ClientFor("dispatcher");
        var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{incidentId}");
        return detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()!).ToList();
    }
}
