using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Incidents;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Api.Tests.Incidents;

[Collection(ApiCollection.Name)]
public class WorkflowTests(GridGovFactory app)
{
    private const int CrewTeam = 1; // the demo 'crew' user is crew 1 of team 1

    [Fact]
    public async Task A_case_goes_round_the_closed_loop_with_every_step_in_its_history()
    {
        var spot = await Spots.Next(app, CrewTeam);
        using var dispatcher = await app.ClientFor("dispatcher");
        using var crew = await app.ClientFor("crew");
        var id = await dispatcher.NewIncident("09002", "hotline", spot);

        (await dispatcher.Act(id, "register")).EnsureSuccessStatusCode();
        (await dispatcher.Act(id, "dispatch")).EnsureSuccessStatusCode();
        (await crew.Act(id, "accept")).EnsureSuccessStatusCode();
        (await crew.Act(id, "start")).EnsureSuccessStatusCode();
        (await crew.Act(id, "handle", note: "已劝离，店外物品已收回")).EnsureSuccessStatusCode();
        (await dispatcher.Act(id, "verify", score: 4)).EnsureSuccessStatusCode();
        var closed = await (await dispatcher.Act(id, "close")).Json(HttpStatusCode.OK);

        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.Equal(4, closed.GetProperty("score").GetInt32());
        Assert.Equal(1, closed.GetProperty("handlerCrewId").GetInt32());
        var history = closed.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(["report", "register", "dispatch", "accept", "start", "handle", "verify", "close"],
            history.Select(h => h.GetProperty("action").GetString()));
        Assert.Equal(["reported", "registered", "dispatched", "accepted", "inProgress", "handled", "verified", "closed"],
            history.Select(h => h.GetProperty("to").GetString()));
        Assert.All(history.Skip(1), h =>
        {
            Assert.True(h.TryGetProperty("from", out _));
            Assert.False(string.IsNullOrEmpty(h.GetProperty("actor").GetString()));
        });
        Assert.Equal("crew", history[3].GetProperty("actor").GetString());
        Assert.Equal("已劝离，店外物品已收回", history[5].GetProperty("note").GetString());

        // It reaches the closure list, the points, the work log and the indicators.
        var closures = await dispatcher.GetFromJsonAsync<JsonElement>("/api/lists/closures");
        var row = closures.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("id").GetInt64() == id);
        Assert.True(row.GetProperty("onTime").GetBoolean());
        var board = await dispatcher.GetFromJsonAsync<JsonElement>("/api/points/leaderboard");
        var me = board.GetProperty("communities").EnumerateArray().SelectMany(c => c.GetProperty("members").EnumerateArray())
            .Single(m => m.GetProperty("crewId").GetInt32() == 1);
        Assert.True(me.GetProperty("points").GetInt32() >= 5, "1 for taking the case + 4 from the score");
        var log = await crew.GetFromJsonAsync<JsonElement>("/api/crews/1/worklog");
        Assert.Contains(log.GetProperty("handled").EnumerateArray(), c => c.GetProperty("incidentId").GetInt64() == id && c.GetProperty("action").GetString() == "handle");
        var indicators = await dispatcher.GetFromJsonAsync<JsonElement>("/api/indicators");
        var grid = indicators.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("key").GetString() == spot.LargeCode);
        Assert.True(grid.GetProperty("closed").GetInt32() >= 1);
        Assert.Matches("^[A-E]$", grid.GetProperty("grade").GetString()!);
        // Indicators and points read the daily roll-ups, which every write above kept equal to a recount.
        Assert.Equal(0, await RollupOracle.DifferencesAsync(app.DataSource));
    }

    [Fact]
    public async Task An_action_the_state_does_not_allow_is_409_and_says_what_is_possible()
    {
        var spot = await Spots.Next(app);
        using var dispatcher = await app.ClientFor("dispatcher");
        var id = await dispatcher.NewIncident("06003", "resident", spot);
        var problem = await ProblemAssert.IsProblem(await dispatcher.Act(id, "close"), HttpStatusCode.Conflict, "Possible now");
        Assert.Contains("register", problem.GetProperty("detail").GetString());
        await ProblemAssert.IsProblem(await dispatcher.Act(id, "reopen", note: "x"), HttpStatusCode.Conflict);
        var unknown = await ProblemAssert.IsProblem(await dispatcher.Act(id, "teleport"), HttpStatusCode.BadRequest, "sendBack");
        Assert.True(unknown.GetProperty("errors").TryGetProperty("action", out _));
    }

    [Fact]
    public async Task Roles_that_may_not_act_get_403_and_a_crew_acts_only_for_its_own_team()
    {
        var mine = await Spots.Next(app, CrewTeam);
        var other = await Spots.Next(app, 7);
        using var dispatcher = await app.ClientFor("dispatcher");
        using var crew = await app.ClientFor("crew");
        using var leader = await app.ClientFor("leader");
        var myCase = await dispatcher.NewIncident("04002", "hotline", mine);
        var otherCase = await dispatcher.NewIncident("04002", "hotline", other);

        await ProblemAssert.IsProblem(await crew.Act(myCase, "register"), HttpStatusCode.Forbidden, "dispatcher");
        await ProblemAssert.IsProblem(await leader.Act(myCase, "register"), HttpStatusCode.Forbidden);
        foreach (var id in new[] { myCase, otherCase })
        {
            (await dispatcher.Act(id, "register")).EnsureSuccessStatusCode();
            (await dispatcher.Act(id, "dispatch")).EnsureSuccessStatusCode();
        }
        await ProblemAssert.IsProblem(await crew.Act(otherCase, "accept"), HttpStatusCode.Forbidden, "own team");
        await ProblemAssert.IsProblem(await dispatcher.Act(myCase, "accept"), HttpStatusCode.Forbidden, "crew");
        (await crew.Act(myCase, "accept")).EnsureSuccessStatusCode();
        var noNote = await ProblemAssert.IsProblem(await crew.Act(myCase, "handle"), HttpStatusCode.BadRequest, "note");
        Assert.True(noNote.GetProperty("errors").TryGetProperty("note", out _));
        (await crew.Act(myCase, "handle", note: "已修剪")).EnsureSuccessStatusCode();
        await ProblemAssert.IsProblem(await dispatcher.Act(myCase, "verify", score: 9), HttpStatusCode.BadRequest, "1 (poor) to 5");

        // A crew sees its own team's cases only.
        var list = await crew.GetFromJsonAsync<JsonElement>("/api/incidents?pageSize=1000");
        Assert.All(list.GetProperty("items").EnumerateArray(), i => Assert.Equal(CrewTeam, i.GetProperty("teamId").GetInt32()));
        await ProblemAssert.IsProblem(await crew.GetAsync($"/api/incidents/{otherCase}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await crew.GetAsync("/api/crews/2/worklog"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_retried_transition_answers_200_without_a_second_history_entry()
    {
        var spot = await Spots.Next(app);
        using var dispatcher = await app.ClientFor("dispatcher");
        var id = await dispatcher.NewIncident("06008", "resident", spot);
        (await dispatcher.Act(id, "register")).EnsureSuccessStatusCode();
        var again = await (await dispatcher.Act(id, "register")).Json(HttpStatusCode.OK);
        Assert.Equal(2, again.GetProperty("history").GetArrayLength());
    }

    [Fact]
    public async Task Send_back_extend_park_void_and_reopen_follow_the_side_flows()
    {
        var spot = await Spots.Next(app, CrewTeam);
        using var dispatcher = await app.ClientFor("dispatcher");
        using var crew = await app.ClientFor("crew");
        var id = await dispatcher.NewIncident("06007", "hotline", spot);
        (await dispatcher.Act(id, "dispatch")).EnsureSuccessStatusCode();
        var back = await (await crew.Act(id, "sendBack", note: "不属于本班组")).Json(HttpStatusCode.OK);
        Assert.Equal("registered", back.GetProperty("status").GetString());

        var deadline = back.GetProperty("deadline").GetDateTimeOffset();
        var extended = await (await dispatcher.Act(id, "extend", note: "需协调物业", extendHours: 48)).Json(HttpStatusCode.OK);
        Assert.Equal(deadline.AddHours(48), extended.GetProperty("deadline").GetDateTimeOffset());
        await ProblemAssert.IsProblem(await dispatcher.Act(id, "extend", note: "x"), HttpStatusCode.BadRequest, "extendHours");

        Assert.Equal("parked", (await (await dispatcher.Act(id, "park", note: "长期问题，挂账")).Json(HttpStatusCode.OK)).GetProperty("status").GetString());
        (await dispatcher.Act(id, "dispatch")).EnsureSuccessStatusCode();
        (await crew.Act(id, "accept")).EnsureSuccessStatusCode();
        (await crew.Act(id, "handle", note: "已清理")).EnsureSuccessStatusCode();
        (await dispatcher.Act(id, "verify", score: 3)).EnsureSuccessStatusCode();
        (await dispatcher.Act(id, "close")).EnsureSuccessStatusCode();
        var reopened = await (await dispatcher.Act(id, "reopen", note: "群众反映未清理干净")).Json(HttpStatusCode.OK);
        Assert.Equal("dispatched", reopened.GetProperty("status").GetString());
        Assert.Equal(1, reopened.GetProperty("reworkCount").GetInt32());
        Assert.False(reopened.TryGetProperty("score", out _));

        var toVoid = await dispatcher.NewIncident("06007", "hotline", await Spots.Next(app));
        Assert.Equal("voided", (await (await dispatcher.Act(toVoid, "void", note: "误报")).Json(HttpStatusCode.OK)).GetProperty("status").GetString());
        await ProblemAssert.IsProblem(await dispatcher.Act(toVoid, "register"), HttpStatusCode.Conflict, "No action is possible");
    }

    [Fact]
    public async Task An_unrouted_case_is_dispatched_to_a_named_team()
    {
        using var dispatcher = await app.ClientFor("dispatcher");
        var created = await (await dispatcher.Report("10099", "hotline", 100.0, 20.0)).Json(HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt64();
        Assert.Equal("unrouted", created.GetProperty("status").GetString());
        await ProblemAssert.IsProblem(await dispatcher.Act(id, "dispatch"), HttpStatusCode.BadRequest, "teamId");
        await ProblemAssert.IsProblem(await dispatcher.Act(id, "dispatch", teamId: 999), HttpStatusCode.BadRequest, "no team 999");
        var dispatched = await (await dispatcher.Act(id, "dispatch", teamId: 4)).Json(HttpStatusCode.OK);
        Assert.Equal("dispatched", dispatched.GetProperty("status").GetString());
        Assert.Equal(4, dispatched.GetProperty("teamId").GetInt32());
    }

    [Fact]
    public async Task A_case_past_its_deadline_is_marked_overdue_once_dispatch_is_told_and_the_lead_notified()
    {
        var spot = await Spots.Next(app, CrewTeam);
        using var dispatcher = await app.ClientFor("dispatcher");
        var id = await dispatcher.NewIncident("08002", "hotline", spot);
        await using (var past = app.DataSource.CreateCommand("UPDATE incidents SET deadline = now() - interval '1 minute' WHERE id = $1"))
        {
            past.Parameters.AddWithValue(id);
            await past.ExecuteNonQueryAsync();
        }
        var watcher = app.Services.GetRequiredService<OverdueWatcher>();
        Assert.True(await watcher.ScanAsync() >= 1);
        await watcher.ScanAsync();

        var detail = await dispatcher.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        Assert.True(detail.GetProperty("overdue").GetBoolean());
        Assert.Single(detail.GetProperty("history").EnumerateArray(), h => h.GetProperty("action").GetString() == "overdue");
        var notices = await dispatcher.GetFromJsonAsync<JsonElement>("/api/notices");
        Assert.Single(notices.EnumerateArray(), n => n.GetProperty("incidentId").GetInt64() == id && n.GetProperty("kind").GetString() == "overdue");
        using var lead = await app.ClientFor("crew"); // crew 1 leads team 1
        var mine = await lead.GetFromJsonAsync<JsonElement>("/api/notices");
        Assert.Single(mine.EnumerateArray(), n => n.GetProperty("incidentId").GetInt64() == id && n.GetProperty("kind").GetString() == "escalation");
        var overdue = await dispatcher.GetFromJsonAsync<JsonElement>("/api/incidents?overdue=true&pageSize=1000");
        Assert.Contains(overdue.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetInt64() == id);
    }
}
