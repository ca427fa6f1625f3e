using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Live;
using GridGov.Api.Tests.Incidents;
using Microsoft.AspNetCore.SignalR.Client;

namespace GridGov.Api.Tests.Live;

/// <summary>Nearest-crew assignment by road: the ranking, its exclusions, and the offer's accept / decline / timeout.</summary>
[Collection(ApiCollection.Name)]
public class AssignmentTests(GridGovFactory app)
{
    private const string Streetlight = "02003"; // municipal (road damaged; a lamp report would go to the streetlight repair group)

    /// <summary>An incident at a junction-rich spot and the road points at growing distances from it.</summary>
    private async Task<(long Id, Spot Spot, List<(double Lon, double Lat)> Along)> Scene(int? teamId = null)
    {
        var spot = await Spots.Next(app, teamId);
        var along = await LiveKit.RoadPointsNear(app, spot.Lon, spot.Lat);
        using var dispatcher = await app.ClientFor("dispatcher");
        var created = await (await dispatcher.Report(Streetlight, "patrol", spot)).Json(HttpStatusCode.Created);
        return (created.GetProperty("id").GetInt64(), spot, along);
    }

    private async Task<List<TestCrew>> Municipal() => (await LiveKit.Crews(app)).Where(c => c.Role == "Municipal").ToList();

    private async Task Place(params (TestCrew Crew, (double Lon, double Lat) At, DateTimeOffset T)[] placements)
    {
        await LiveKit.Reset(app, placements.Select(p => p.Crew.Id).ToArray());
        using var admin = await app.ClientFor("admin");
        await LiveKit.Post(admin, placements.Select(p => LiveKit.Fix(p.Crew.Id, p.At.Lon, p.At.Lat, p.T)).ToArray());
    }

    private static async Task<JsonElement> History(HttpClient client, long id) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}")).GetProperty("history");

    [Fact]
    public async Task Candidates_are_ranked_by_road_and_every_exclusion_says_why()
    {
        var (id, _, along) = await Scene();
        var municipal = await Municipal();
        var onShift = municipal.Where(c => c.Shift is "Early" or "Middle").ToList();
        var late = municipal.First(c => c.Shift == "Late");
        var now = DateTimeOffset.UtcNow;
        await LiveKit.Reset(app, municipal.Select(c => c.Id).ToArray());
        await Place(
            (onShift[0], along[^1], now), (onShift[1], along[0], now), (onShift[2], along[along.Count / 2], now),
            (onShift[3], along[1], now.AddMinutes(-20)), (late, along[0], now));

        using var dispatcher = await app.ClientFor("dispatcher");
        var ranking = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/candidates");
        var candidates = ranking.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal([onShift[1].Id, onShift[2].Id, onShift[0].Id], candidates.Select(c => c.GetProperty("crewId").GetInt32()));
        Assert.All(candidates, c =>
        {
            Assert.True(c.GetProperty("byRoad").GetBoolean());
            Assert.True(c.GetProperty("distanceM").GetDouble() >= c.GetProperty("straightM").GetDouble() - 1);
            Assert.True(c.GetProperty("etaS").GetDouble() > 0);
        });
        var etas = candidates.Select(c => c.GetProperty("etaS").GetDouble()).ToList();
        Assert.Equal(etas.Order(), etas);

        var excluded = ranking.GetProperty("excluded").EnumerateArray().ToDictionary(e => e.GetProperty("crewId").GetInt32(), e => e.GetProperty("reason").GetString());
        Assert.Equal("stale", excluded[onShift[3].Id]);
        Assert.Equal("offShift", excluded[late.Id]);
        Assert.Equal("noPosition", excluded[onShift[4].Id]);
        Assert.Equal("wrongRole", excluded[(await LiveKit.Crews(app)).First(c => c.Role == "Sanitation").Id]);

        using var crew = await app.ClientFor("crew");
        await ProblemAssert.IsProblem(await crew.GetAsync($"/api/incidents/{id}/candidates"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblem(await dispatcher.GetAsync("/api/incidents/999999999/candidates"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_best_crew_is_offered_the_case_and_accepting_dispatches_it_with_the_grid_team_responsible()
    {
        var (id, spot, along) = await Scene();
        var municipal = (await Municipal()).Where(c => c.Shift is "Early" or "Middle").ToList();
        await LiveKit.Reset(app, municipal.Select(c => c.Id).ToArray());
        var now = DateTimeOffset.UtcNow;
        await Place((municipal[5], along[0], now), (municipal[6], along[^1], now));

        using var dispatcher = await app.ClientFor("dispatcher");
        var offer = await (await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/assign", new { })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(municipal[5].Id, offer.GetProperty("crewId").GetInt32());
        Assert.Equal("pending", offer.GetProperty("status").GetString());
        var offerId = offer.GetProperty("id").GetInt64();
        // Assigning the same crew again (a retried click) returns the same offer.
        var again = await (await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/assign", new { crewId = municipal[5].Id })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(offerId, again.GetProperty("id").GetInt64());

        using var crew = await app.ClientFor("crew");
        await ProblemAssert.IsProblem(await crew.PostAsync($"/api/offers/{offerId}/accept", null), HttpStatusCode.Forbidden, "only that crew");

        using var admin = await app.ClientFor("admin");
        (await admin.PostAsync($"/api/offers/{offerId}/accept", null)).EnsureSuccessStatusCode();
        (await admin.PostAsync($"/api/offers/{offerId}/accept", null)).EnsureSuccessStatusCode(); // retry: still 200
        var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.Equal("accepted", detail.GetProperty("status").GetString());
        Assert.Equal(municipal[5].Id, detail.GetProperty("handlerCrewId").GetInt32());
        Assert.Equal(spot.TeamId, detail.GetProperty("teamId").GetInt32());
        var actions = detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()).ToList();
        Assert.Equal(["report", "offer", "dispatch", "offerAccepted"], actions);
        Assert.Contains("道路距离", detail.GetProperty("history")[1].GetProperty("note").GetString());

        await ProblemAssert.IsProblem(await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/assign", new { }), HttpStatusCode.Conflict, "accepted");
    }

    [Fact]
    public async Task A_decline_or_a_timeout_passes_the_case_to_the_next_candidate()
    {
        var (id, _, along) = await Scene();
        var municipal = (await Municipal()).Where(c => c.Shift is "Early" or "Middle").ToList();
        await LiveKit.Reset(app, municipal.Select(c => c.Id).ToArray());
        var now = DateTimeOffset.UtcNow;
        await Place((municipal[0], along[0], now), (municipal[1], along[5], now), (municipal[2], along[^1], now));

        using var dispatcher = await app.ClientFor("dispatcher");
        using var admin = await app.ClientFor("admin");
        var first = await (await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/assign", new { })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(municipal[0].Id, first.GetProperty("crewId").GetInt32());

        (await admin.PostAsJsonAsync($"/api/offers/{first.GetProperty("id").GetInt64()}/decline", new { reason = "正在处理另一起案件" })).EnsureSuccessStatusCode();
        var pending = await admin.GetFromJsonAsync<JsonElement>("/api/offers");
        var second = pending.EnumerateArray().Single(o => o.GetProperty("incidentId").GetInt64() == id);
        Assert.Equal(municipal[1].Id, second.GetProperty("crewId").GetInt32());
        Assert.True(second.GetProperty("automatic").GetBoolean());

        // Nobody answers: the watcher times the offer out and asks the third crew.
        await using (var cmd = app.DataSource.CreateCommand("UPDATE incident_offers SET expires_at = now() - interval '1 second' WHERE id = $1"))
        {
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = second.GetProperty("id").GetInt64() });
            await cmd.ExecuteNonQueryAsync();
        }
        await LiveKit.Eventually(async () => (await History(dispatcher, id)).EnumerateArray().Any(h => h.GetProperty("action").GetString() == "offerExpired"), "the timeout");
        await LiveKit.Eventually(async () =>
            (await admin.GetFromJsonAsync<JsonElement>("/api/offers")).EnumerateArray().Any(o => o.GetProperty("incidentId").GetInt64() == id && o.GetProperty("crewId").GetInt32() == municipal[2].Id),
            "the third crew's offer");
        var actions = (await History(dispatcher, id)).EnumerateArray().Select(h => h.GetProperty("action").GetString()).ToList();
        Assert.Equal(["report", "offer", "offerDeclined", "offer", "offerExpired", "offer"], actions);
    }

    [Fact]
    public async Task Naming_a_crew_that_cannot_take_it_is_refused_with_the_reason()
    {
        var (id, _, along) = await Scene();
        var crews = await LiveKit.Crews(app);
        var sanitation = crews.First(c => c.Role == "Sanitation" && c.Shift is "Early" or "Middle");
        await Place((sanitation, along[0], DateTimeOffset.UtcNow));
        using var dispatcher = await app.ClientFor("dispatcher");
        await ProblemAssert.IsProblem(await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/assign", new { crewId = sanitation.Id }), HttpStatusCode.Conflict, "wrongRole");
        await ProblemAssert.IsProblem(await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/assign", new { crewId = 987654 }), HttpStatusCode.BadRequest, "no crew");
        await ProblemAssert.IsProblem(await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/assign", new { crewId = -3 }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_crew_gets_its_offer_on_its_own_channel_and_can_ask_for_its_nearest_case()
    {
        var (id, spot, along) = await Scene(teamId: 1);
        var crews = await LiveKit.Crews(app);
        // The demo "crew" user is crew 1 (enforcement, team 1): an enforcement case of its team, 20 m from the streetlight case.
        await LiveKit.Reset(app, crews.Where(c => c.Role == "Enforcement").Select(c => c.Id).ToArray());
        using var dispatcher = await app.ClientFor("dispatcher");
        var vendor = await (await dispatcher.Report("06007", "patrol", spot.Lon + 0.0002, spot.Lat)).Json(HttpStatusCode.Created);
        var vendorId = vendor.GetProperty("id").GetInt64();
        using var crewClient = await app.ClientFor("crew");
        await LiveKit.Post(crewClient, LiveKit.Fix(1, along[0].Lon, along[0].Lat, DateTimeOffset.UtcNow));

        var nearest = await crewClient.GetFromJsonAsync<JsonElement>("/api/crews/1/nearest-incidents?limit=50");
        Assert.Contains(nearest.EnumerateArray(), n => n.GetProperty("id").GetInt64() == vendorId);
        Assert.DoesNotContain(nearest.EnumerateArray(), n => n.GetProperty("id").GetInt64() == id); // a municipal case is not for it
        await ProblemAssert.IsProblem(await crewClient.GetAsync("/api/crews/2/nearest-incidents"), HttpStatusCode.Forbidden);

        var offers = new ConcurrentQueue<OfferMessage>();
        await using var hub = LiveKit.Hub(app, await app.TokenFor("crew"), messagePack: false);
        hub.On<OfferMessage>("offer", o => offers.Enqueue(o));
        await hub.StartAsync();
        (await dispatcher.PostAsJsonAsync($"/api/incidents/{vendorId}/assign", new { crewId = 1 })).EnsureSuccessStatusCode();
        await LiveKit.Eventually(() => Task.FromResult(offers.Any(o => o.IncidentId == vendorId)), "the offer on the crew's channel");
        var offer = offers.First(o => o.IncidentId == vendorId);
        (await crewClient.PostAsync($"/api/offers/{offer.OfferId}/accept", null)).EnsureSuccessStatusCode();
        var detail = await crewClient.GetFromJsonAsync<JsonElement>($"/api/incidents/{vendorId}");
        Assert.Equal("accepted", detail.GetProperty("status").GetString());
    }
}
