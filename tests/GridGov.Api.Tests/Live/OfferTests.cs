using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Data;
using GridGov.Api.Live;
using GridGov.Api.Tests.Incidents;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Api.Tests.Live;

/// <summary>
/// Offers that never strand and never race: the workflow owns the case's state, offer changes are compare-and-set,
/// the responsible team's crews come first and other teams' crews only support.
/// </summary>
[Collection(ApiCollection.Name)]
public class OfferTests(GridGovFactory app)
{
    private const string Streetlight = "02003"; // municipal (road damaged; a lamp report would go to the streetlight repair group)
    private const string Vendor = "06007";      // enforcement

    /// <summary>An incident of <paramref name="category"/> in a unit grid of <paramref name="teamId"/>, and road points near it.</summary>
    private async Task<(long Id, List<(double Lon, double Lat)> Along)> Scene(int teamId, string category = Streetlight)
    {
        var spot = await Spots.Next(app, teamId);
        var along = await LiveKit.RoadPointsNear(app, spot.Lon, spot.Lat);
        using var dispatcher = await app.ClientFor("dispatcher");
        return (await dispatcher.NewIncident(category, "patrol", spot), along);
    }

    private async Task Place(params (TestCrew Crew, (double Lon, double Lat) At)[] placements)
    {
        using var admin = await app.ClientFor("admin");
        await LiveKit.Post(admin, placements.Select(p => LiveKit.Fix(p.Crew.Id, p.At.Lon, p.At.Lat, DateTimeOffset.UtcNow)).ToArray());
    }

    /// <summary>Crews of a role on duty (the test shifts keep early and middle on), with no position and no cases.</summary>
    private async Task<List<TestCrew>> Fresh(string role)
    {
        var crews = (await LiveKit.Crews(app)).Where(c => c.Role == role && c.Shift is "Early" or "Middle").ToList();
        await LiveKit.Reset(app, crews.Select(c => c.Id).ToArray());
        await Sql("UPDATE incident_offers SET status = 'Withdrawn', decided_at = now() WHERE status = 'Pending' AND crew_id = ANY($1)", crews.Select(c => c.Id).ToArray());
        return crews;
    }

    /// <summary>Teams whose crew of the role is on duty (each team has one municipal crew, on one of the three shifts).</summary>
    private static List<int> TeamsOnDuty(List<TestCrew> crews) => crews.Select(c => c.TeamId).Distinct().Order().ToList();

    private async Task<int> Sql(string sql, params object[] args)
    {
        await using var cmd = app.DataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = a });
        return await cmd.ExecuteNonQueryAsync();
    }

    private async Task<List<(long Id, int CrewId, string Status)>> Offers(long incidentId)
    {
        await using var cmd = app.DataSource.CreateCommand("SELECT id, crew_id, status FROM incident_offers WHERE incident_id = $1 ORDER BY id");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = incidentId });
        var list = new List<(long, int, string)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add((r.GetInt64(0), r.GetInt32(1), r.GetString(2)));
        return list;
    }

    private static async Task<List<string>> Actions(HttpClient client, long id) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}")).GetProperty("history").EnumerateArray()
        .Select(h => h.GetProperty("action").GetString()!).ToList();

    private static async Task<long> Assign(HttpClient dispatcher, long id, int? crewId = null) =>
        (await (await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/assign", new { crewId })).Json(HttpStatusCode.OK)).GetProperty("id").GetInt64();

    private async Task<T> WithDesk<T>(Func<OfferDesk, GridGovDb, Task<T>> work)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<OfferDesk>(), scope.ServiceProvider.GetRequiredService<GridGovDb>());
    }

    [Fact]
    public async Task The_responsible_team_comes_first_and_a_supporting_crew_leaves_the_case_with_the_grid_team()
    {
        var municipal = await Fresh("Municipal");
        var team = TeamsOnDuty(municipal)[0];
        var (id, along) = await Scene(team);
        var own = municipal.First(c => c.TeamId == team);
        var other = municipal.First(c => c.TeamId != team);
        await Place((own, along[^1]), (other, along[0])); // the other team's crew is much nearer

        using var dispatcher = await app.ClientFor("dispatcher");
        var ranking = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/candidates");
        var candidates = ranking.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal(own.Id, candidates[0].GetProperty("crewId").GetInt32());
        Assert.False(candidates[0].GetProperty("support").GetBoolean());
        Assert.Equal(team, candidates[0].GetProperty("teamId").GetInt32());
        Assert.Equal(other.Id, candidates[1].GetProperty("crewId").GetInt32());
        Assert.True(candidates[1].GetProperty("support").GetBoolean());
        Assert.True(candidates[1].GetProperty("etaS").GetDouble() < candidates[0].GetProperty("etaS").GetDouble());
        // Assigning without naming a crew offers it to the grid's own team.
        var offer = await Assign(dispatcher, id);
        Assert.Equal(own.Id, (await Offers(id)).Single(o => o.Id == offer).CrewId);

        // The team's crew declines: the next candidate is the supporting crew; accepting leaves the team responsible.
        using var admin = await app.ClientFor("admin");
        (await admin.PostAsJsonAsync($"/api/offers/{offer}/decline", new { reason = "另有案件" })).EnsureSuccessStatusCode();
        var next = (await Offers(id)).Single(o => o.Status == "Pending");
        Assert.Equal(other.Id, next.CrewId);
        (await admin.PostAsync($"/api/offers/{next.Id}/accept", null)).EnsureSuccessStatusCode();
        var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.Equal("accepted", detail.GetProperty("status").GetString());
        Assert.Equal(team, detail.GetProperty("teamId").GetInt32());
        Assert.Equal(other.Id, detail.GetProperty("handlerCrewId").GetInt32());
        var history = detail.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["report", "offer", "offerDeclined", "offer", "dispatch", "offerAccepted"], history.Select(h => h.GetProperty("action").GetString()));
        Assert.Contains("跨网格支援", history[^1].GetProperty("note").GetString());
        Assert.Contains("跨网格支援", history[3].GetProperty("note").GetString());
    }

    [Fact]
    public async Task A_named_supporting_crew_may_act_on_the_case_it_took_and_on_no_other()
    {
        // The demo user "crew" is crew 1, enforcement, team 1: it supports team 2.
        await Fresh("Enforcement");
        var (id, along) = await Scene(teamId: 2, Vendor);
        var (otherId, _) = await Scene(teamId: 2, Vendor);
        var crew1 = (await LiveKit.Crews(app)).Single(c => c.Id == 1);
        await Place((crew1, along[0]));
        using var dispatcher = await app.ClientFor("dispatcher");
        using var crew = await app.ClientFor("crew");
        await ProblemAssert.IsProblem(await crew.GetAsync($"/api/incidents/{id}"), HttpStatusCode.NotFound);

        var offer = await Assign(dispatcher, id, crewId: 1);
        (await crew.PostAsync($"/api/offers/{offer}/accept", null)).EnsureSuccessStatusCode();
        var detail = await (await crew.GetAsync($"/api/incidents/{id}")).Json(HttpStatusCode.OK);
        Assert.Equal(2, detail.GetProperty("teamId").GetInt32());
        Assert.Contains("start", detail.GetProperty("availableActions").EnumerateArray().Select(a => a.GetString()));
        (await crew.Act(id, "start")).EnsureSuccessStatusCode();
        (await crew.Act(id, "handle", note: "已劝离")).EnsureSuccessStatusCode();

        // Team 2's other case is not crew 1's to touch.
        (await dispatcher.Act(otherId, "dispatch")).EnsureSuccessStatusCode();
        await ProblemAssert.IsProblem(await crew.Act(otherId, "accept"), HttpStatusCode.Forbidden, "support");

        // Points and the responsibility stay apart: the handler is crew 1, the responsible team is team 2.
        await using var cmd = app.DataSource.CreateCommand("SELECT team_id, handler_crew_id, status FROM incidents WHERE id = $1");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = id });
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal((2, 1, "Handled"), (r.GetInt32(0), r.GetInt32(1), r.GetString(2)));
    }

    [Fact]
    public async Task Two_offers_expiring_in_one_sweep_both_expire_and_go_to_another_crew()
    {
        var municipal = await Fresh("Municipal");
        var teams = TeamsOnDuty(municipal);
        var (a, alongA) = await Scene(teams[1]);
        var (b, alongB) = await Scene(teams[2]);
        var ownA = municipal.First(c => c.TeamId == teams[1]);
        var ownB = municipal.First(c => c.TeamId == teams[2]);
        var helpers = municipal.Where(c => c.TeamId != teams[1] && c.TeamId != teams[2]).Take(2).ToList();
        await Place((ownA, alongA[0]), (ownB, alongB[0]), (helpers[0], alongA[3]), (helpers[1], alongB[3]));
        using var dispatcher = await app.ClientFor("dispatcher");
        var offerA = await Assign(dispatcher, a);
        var offerB = await Assign(dispatcher, b);
        await Sql("UPDATE incident_offers SET expires_at = now() - interval '1 second' WHERE id = ANY($1)", new[] { offerA, offerB });

        await WithDesk((desk, db) => desk.ExpireDueAsync(db, default));

        foreach (var (incident, offer, own) in new[] { (a, offerA, ownA), (b, offerB, ownB) })
        {
            var offers = await Offers(incident);
            Assert.Equal("Expired", offers.Single(o => o.Id == offer).Status);
            var pending = offers.Single(o => o.Status == "Pending");
            Assert.NotEqual(own.Id, pending.CrewId);
            Assert.Equal(["report", "offer", "offerExpired", "offer"], await Actions(dispatcher, incident));
        }
    }

    [Fact]
    public async Task An_accept_racing_the_timeout_has_exactly_one_winner()
    {
        var municipal = await Fresh("Municipal");
        var scenes = new List<(long Incident, long Offer, int CrewId)>();
        using var dispatcher = await app.ClientFor("dispatcher");
        var teams = TeamsOnDuty(municipal);
        for (var k = 0; k < Math.Min(6, teams.Count - 1); k++)
        {
            var (id, along) = await Scene(teams[k]);
            var own = municipal.First(c => c.TeamId == teams[k]);
            await Place((own, along[0]), (municipal.First(c => c.TeamId == teams[k + 1]), along[2]));
            scenes.Add((id, await Assign(dispatcher, id), own.Id));
        }
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(20);
        await Sql("UPDATE incident_offers SET expires_at = $2 WHERE id = ANY($1)", scenes.Select(s => s.Offer).ToArray(), expiresAt);

        using var admin = await app.ClientFor("admin");
        var accepts = scenes.Select(s => admin.PostAsync($"/api/offers/{s.Offer}/accept", null)).ToList();
        var sweep = WithDesk((desk, db) => desk.ExpireDueAsync(db, default, asOf: expiresAt.AddMilliseconds(1)));
        await Task.WhenAll(accepts.Cast<Task>().Append(sweep));

        for (var i = 0; i < scenes.Count; i++)
        {
            var (id, offerId, crewId) = scenes[i];
            var answer = await accepts[i];
            var offers = await Offers(id);
            var status = offers.Single(o => o.Id == offerId).Status;
            var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
            var actions = detail.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()).ToList();
            if (answer.IsSuccessStatusCode)
            {
                Assert.Equal("Accepted", status);
                Assert.Equal("accepted", detail.GetProperty("status").GetString());
                Assert.Equal(crewId, detail.GetProperty("handlerCrewId").GetInt32());
                Assert.DoesNotContain("offerExpired", actions);
                Assert.DoesNotContain(offers, o => o.Status == "Pending");
            }
            else
            {
                await ProblemAssert.IsProblem(answer, HttpStatusCode.Conflict, "expired");
                Assert.Equal("Expired", status);
                Assert.NotEqual("accepted", detail.GetProperty("status").GetString());
                Assert.DoesNotContain("offerAccepted", actions);
                Assert.Single(offers, o => o.Status == "Pending");
            }
        }
    }

    [Fact]
    public async Task Voiding_a_case_withdraws_its_open_offer_and_tells_the_crew()
    {
        await Fresh("Enforcement");
        var (id, along) = await Scene(teamId: 1, Vendor);
        var crew1 = (await LiveKit.Crews(app)).Single(c => c.Id == 1);
        await Place((crew1, along[0]));
        var withdrawn = new ConcurrentQueue<JsonElement>();
        await using var hub = LiveKit.Hub(app, await app.TokenFor("crew"), messagePack: false);
        hub.On<JsonElement>("offerWithdrawn", m => withdrawn.Enqueue(m));
        await hub.StartAsync();

        using var dispatcher = await app.ClientFor("dispatcher");
        var offer = await Assign(dispatcher, id, crewId: 1);
        (await dispatcher.Act(id, "void", note: "重复上报")).EnsureSuccessStatusCode();

        Assert.Equal("Withdrawn", (await Offers(id)).Single().Status);
        Assert.Equal(["report", "offer", "void", "offerWithdrawn"], await Actions(dispatcher, id));
        await LiveKit.Eventually(() => Task.FromResult(withdrawn.Any(m => m.GetProperty("offerId").GetInt64() == offer)), "the withdrawal on the crew's channel");
        using var crew = await app.ClientFor("crew");
        await ProblemAssert.IsProblem(await crew.PostAsync($"/api/offers/{offer}/accept", null), HttpStatusCode.Conflict, "withdrawn");

        // Its timeout passing later changes nothing: no expiry, no "nobody could take it" notice.
        await WithDesk((desk, db) => desk.ExpireDueAsync(db, default, asOf: DateTimeOffset.UtcNow.AddSeconds(61)));
        Assert.Equal(["report", "offer", "void", "offerWithdrawn"], await Actions(dispatcher, id));
        await using var cmd = app.DataSource.CreateCommand("SELECT count(*) FROM notices WHERE incident_id = $1 AND kind = 'unassigned'");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = id });
        Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_parked_or_unrouted_case_cannot_be_offered_and_a_park_withdraws_the_offer()
    {
        var municipal = await Fresh("Municipal");
        var team = TeamsOnDuty(municipal)[^1];
        var (id, along) = await Scene(team);
        await Place((municipal.First(c => c.TeamId == team), along[0]));
        using var dispatcher = await app.ClientFor("dispatcher");
        if ((await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}")).GetProperty("status").GetString() == "reported")
            (await dispatcher.Act(id, "register")).EnsureSuccessStatusCode();
        var offer = await Assign(dispatcher, id);
        (await dispatcher.Act(id, "park", note: "待园林部门统一处理")).EnsureSuccessStatusCode();
        Assert.Equal("Withdrawn", (await Offers(id)).Single(o => o.Id == offer).Status);
        using var admin = await app.ClientFor("admin");
        await ProblemAssert.IsProblem(await admin.PostAsync($"/api/offers/{offer}/accept", null), HttpStatusCode.Conflict, "withdrawn");
        await ProblemAssert.IsProblem(await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/assign", new { }), HttpStatusCode.Conflict, "dispatch it to a team first");
        Assert.Equal("parked", (await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_case_stranded_between_a_decline_and_the_next_offer_is_offered_again_after_a_restart()
    {
        var municipal = await Fresh("Municipal");
        var teams = TeamsOnDuty(municipal);
        var (id, along) = await Scene(teams[^2]);
        var own = municipal.First(c => c.TeamId == teams[^2]);
        var helper = municipal.First(c => c.TeamId == teams[^1]);
        await Place((own, along[0]), (helper, along[2]));
        using var dispatcher = await app.ClientFor("dispatcher");
        var offer = await Assign(dispatcher, id);
        // What a crash right after the decline's commit left before the next offer shared its transaction.
        await Sql("UPDATE incident_offers SET status = 'Declined', decided_at = now() WHERE id = $1", offer);
        Assert.DoesNotContain(await Offers(id), o => o.Status == "Pending");

        await using var restarted = new GridGovFactory();
        using var client = restarted.CreateClient(); // starts the second instance: its offer watcher sweeps at start
        await LiveKit.Eventually(async () => (await Offers(id)).Any(o => o.Status == "Pending"), "the case offered again");
        var pending = (await Offers(id)).Single(o => o.Status == "Pending");
        Assert.Equal(helper.Id, pending.CrewId);
        Assert.Equal(["report", "offer", "offer"], await Actions(dispatcher, id));
    }
}
