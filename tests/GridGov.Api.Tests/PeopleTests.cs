using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GridGov.Api.Tests.Incidents;

namespace GridGov.Api.Tests;

/// <summary>Users, teams and crews as data an admin manages, and the people import that is checked whole.</summary>
[Collection(ApiCollection.Name)]
public class PeopleTests(GridGovFactory app)
{
    private static readonly string Stamp = DateTime.UtcNow.ToString("HHmmssfff");

    private Task<HttpClient> SignIn(string username, string password) => GridGovFactory.SignIn(app, username, password);

    [Fact]
    public async Task An_admin_adds_a_team_a_crew_and_its_login_and_disabling_it_revokes_its_token_at_once()
    {
        using var admin = await app.ClientFor("admin");
        var team = await (await admin.PostAsJsonAsync("/api/teams", new { name = $"路灯维修组{Stamp}", kind = "assetGroup", roleMix = "1+3" })).Json(HttpStatusCode.Created);
        var teamId = team.GetProperty("id").GetInt32();
        Assert.Equal("assetGroup", team.GetProperty("kind").GetString());
        Assert.False(team.TryGetProperty("largeGridCode", out var grid) && grid.ValueKind != JsonValueKind.Null);
        var crew = await (await admin.PostAsJsonAsync("/api/crews", new { name = "维修工甲", employeeNo = $"R{Stamp}", teamId, role = "municipal", shift = "night", phone = "138-0000-0000" }))
            .Json(HttpStatusCode.Created);
        var crewId = crew.GetProperty("id").GetInt32();
        Assert.True(crewId > 75); // after the demo's crews

        var username = $"Repair{Stamp}";
        await ProblemAssert.IsProblem(await admin.PostAsJsonAsync("/api/users", new { username, password = "short1", roles = new[] { "crew" }, crewId }), HttpStatusCode.BadRequest, "10 characters");
        await ProblemAssert.IsProblem(await admin.PostAsJsonAsync("/api/users", new { username, password = "Lamp-fixer-2026", roles = new[] { "wizard" } }), HttpStatusCode.BadRequest, "Unknown role 'wizard'");
        await ProblemAssert.IsProblem(await admin.PostAsJsonAsync("/api/users", new { username, password = "Lamp-fixer-2026", roles = new[] { "crew" } }), HttpStatusCode.BadRequest, "names its crew");
        var user = await (await admin.PostAsJsonAsync("/api/users", new { username, password = "Lamp-fixer-2026", roles = new[] { "crew" }, crewId })).Json(HttpStatusCode.Created);
        Assert.Equal(teamId, user.GetProperty("teamId").GetInt32());
        await ProblemAssert.IsProblem(await admin.PostAsJsonAsync("/api/users", new { username = username.ToLowerInvariant(), password = "Lamp-fixer-2026", roles = new[] { "leader" } }),
            HttpStatusCode.BadRequest, "exists already");

        using var repair = await SignIn(username.ToLowerInvariant(), "Lamp-fixer-2026");
        var me = await (await repair.GetAsync("/api/me")).Json(HttpStatusCode.OK);
        Assert.Equal(crewId, me.GetProperty("crewId").GetInt32());
        var crews = await (await repair.GetAsync("/api/crews")).Json(HttpStatusCode.OK);
        Assert.Contains(crews.EnumerateArray(), c => c.GetProperty("id").GetInt32() == crewId); // in the live directory at once
        await using var hub = GridGov.Api.Tests.Live.LiveKit.Hub(app, repair.DefaultRequestHeaders.Authorization!.Parameter!, messagePack: false);
        var closed = new TaskCompletionSource();
        hub.Closed += _ => { closed.TrySetResult(); return Task.CompletedTask; };
        await hub.StartAsync();

        (await admin.PutAsJsonAsync($"/api/users/{username}", new { roles = new[] { "crew" }, crewId, active = false })).EnsureSuccessStatusCode();
        await ProblemAssert.IsProblem(await repair.GetAsync("/api/me"), HttpStatusCode.Unauthorized, "revoked");
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(20)); // its live connection is closed too, not left to the token's expiry
        await ProblemAssert.IsProblem(await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password = "Lamp-fixer-2026" }), HttpStatusCode.Forbidden, "disabled");
        (await admin.PutAsJsonAsync($"/api/users/{username}", new { roles = new[] { "crew" }, crewId, active = true })).EnsureSuccessStatusCode();
        using var again = await SignIn(username, "Lamp-fixer-2026");
        (await again.GetAsync("/api/me")).EnsureSuccessStatusCode();

        var shifts = await (await admin.GetAsync("/api/shifts")).Json(HttpStatusCode.OK);
        Assert.Equal(["early", "middle", "late", "night"], shifts.EnumerateArray().Select(s => s.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task The_last_admin_stays_and_a_team_with_open_cases_stays()
    {
        using var admin = await app.ClientFor("admin");
        await ProblemAssert.IsProblem(await admin.PutAsJsonAsync("/api/users/admin", new { roles = new[] { "dispatcher" }, active = true }), HttpStatusCode.Conflict, "last active admin");
        await ProblemAssert.IsProblem(await admin.DeleteAsync("/api/users/admin"), HttpStatusCode.Conflict, "last active admin");
        await ProblemAssert.IsProblem(await admin.PutAsJsonAsync("/api/users/admin", new { roles = new[] { "admin" }, active = false }), HttpStatusCode.Conflict, "last active admin");

        using var dispatcher = await app.ClientFor("dispatcher");
        var spot = await Spots.Next(app, teamId: 9);
        await dispatcher.NewIncident("06002", "patrol", spot);
        var problem = await ProblemAssert.IsProblem(await admin.DeleteAsync("/api/teams/9"), HttpStatusCode.Conflict, "open cases");
        Assert.Matches(@"has \d+ open cases", problem.GetProperty("detail").GetString());
        await ProblemAssert.IsProblem(await admin.DeleteAsync("/api/teams/99999"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await dispatcher.GetAsync("/api/users"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblem(await dispatcher.PostAsJsonAsync("/api/teams", new { name = "x" }), HttpStatusCode.Forbidden);
        // A grid team needs a large grid that is free.
        var taken = await ProblemAssert.IsProblem(await admin.PostAsJsonAsync("/api/teams", new { name = $"新队{Stamp}", kind = "grid", largeGridCode = spot.LargeCode, roleMix = "2+1+1+1" }),
            HttpStatusCode.BadRequest);
        Assert.Contains("largeGridCode", taken.GetProperty("errors").EnumerateObject().Select(e => e.Name));
    }

    [Fact]
    public async Task A_crew_moved_to_another_team_keeps_its_history_and_its_login_follows()
    {
        using var admin = await app.ClientFor("admin");
        var created = await (await admin.PostAsJsonAsync("/api/crews", new { name = "调动队员", employeeNo = $"M{Stamp}", teamId = 10, role = "sanitation", shift = "early" })).Json(HttpStatusCode.Created);
        var crewId = created.GetProperty("id").GetInt32();
        var username = $"mover{Stamp}";
        (await admin.PostAsJsonAsync("/api/users", new { username, password = "Broom-2026-ok", roles = new[] { "crew" }, crewId })).EnsureSuccessStatusCode();
        using var mover = await SignIn(username, "Broom-2026-ok");
        var spot = await Spots.Next(app, teamId: 10);
        var caseId = await mover.NewIncident("06001", "patrol", spot);

        (await admin.PutAsJsonAsync($"/api/crews/{crewId}", new { name = "调动队员", employeeNo = $"M{Stamp}", teamId = 11, role = "sanitation", shift = "early" })).EnsureSuccessStatusCode();
        await ProblemAssert.IsProblem(await mover.GetAsync("/api/me"), HttpStatusCode.Unauthorized); // the old token carries team 10
        using var moved = await SignIn(username, "Broom-2026-ok");
        Assert.Equal(11, (await (await moved.GetAsync("/api/me")).Json(HttpStatusCode.OK)).GetProperty("teamId").GetInt32());
        await using var cmd = app.DataSource.CreateCommand("SELECT reporter_crew_id, team_id FROM incidents WHERE id = $1");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter<long> { TypedValue = caseId });
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync());
        Assert.Equal((crewId, 10), (r.GetInt32(0), r.GetInt32(1))); // the case stays with the grid's team and names the crew

        (await admin.DeleteAsync($"/api/crews/{crewId}")).EnsureSuccessStatusCode();
        var teams = await (await admin.GetAsync("/api/teams")).Json(HttpStatusCode.OK);
        var gone = teams.EnumerateArray().SelectMany(t => t.GetProperty("members").EnumerateArray()).Single(c => c.GetProperty("id").GetInt32() == crewId);
        Assert.False(gone.GetProperty("active").GetBoolean());
        await ProblemAssert.IsProblem(await app.CreateClient().PostAsJsonAsync("/api/auth/token", new { username, password = "Broom-2026-ok" }), HttpStatusCode.Forbidden);
    }

    private static MultipartFormDataContent Csv(params (string Part, string Text)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (part, text) in files)
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            form.Add(content, part, part + ".csv");
        }
        return form;
    }

    [Fact]
    public async Task A_people_import_with_bad_rows_names_every_one_and_writes_nothing_and_a_good_one_writes_all()
    {
        using var admin = await app.ClientFor("admin");
        var teams = $"name,type,largeGrid,roleMix\n路灯线路组{Stamp},assetGroup,,1+2\n路灯内勤组{Stamp},assetgroup,,2\n";
        var crews = $"employeeNo,name,team,role,shift,phone,isLead\nL1{Stamp},线路甲,路灯线路组{Stamp},municipal,night,13800000001,true\nL2{Stamp},线路乙,路灯线路组{Stamp},municipal,late,,false\n";
        var users = $"username,roles,team,crew,password\nline1{Stamp},crew,,L1{Stamp},\noffice{Stamp},dispatcher,路灯内勤组{Stamp},,Office-desk-2026\n";
        var badCrews = crews + $"L3{Stamp},线路丙,不存在的组,municipal,night,,\nL1{Stamp},重复,路灯线路组{Stamp},municipal,night,,\n";
        var badUsers = users + $"LINE1{Stamp},crew,,L1{Stamp},\nghost{Stamp},wizard,,,Ghost-pass-2026\n";

        var bad = await ProblemAssert.IsProblem(await admin.PostAsync("/api/import/people", Csv(("teams", teams), ("crews", badCrews), ("users", badUsers))), HttpStatusCode.BadRequest, "nothing was written");
        var rows = bad.GetProperty("errors").EnumerateObject().ToDictionary(e => e.Name, e => string.Join(" ", e.Value.EnumerateArray().Select(m => m.GetString())));
        Assert.Contains("不存在的组", rows["crews.csv row 4"]);
        Assert.Contains("twice", rows["crews.csv row 5"]);
        Assert.Contains("twice", rows["users.csv row 4"]);
        Assert.Contains("wizard", rows["users.csv row 5"]);
        Assert.Equal(4, rows.Count);
        var listed = await (await admin.GetAsync("/api/teams")).Json(HttpStatusCode.OK);
        Assert.DoesNotContain(listed.EnumerateArray(), t => t.GetProperty("name").GetString() == $"路灯线路组{Stamp}");

        var good = await (await admin.PostAsync("/api/import/people", Csv(("teams", teams), ("crews", crews), ("users", users)))).Json(HttpStatusCode.OK);
        Assert.Equal(2, good.GetProperty("teams").GetProperty("created").GetInt32());
        Assert.Equal(2, good.GetProperty("crews").GetProperty("created").GetInt32());
        Assert.Equal(2, good.GetProperty("users").GetProperty("created").GetInt32());
        var issued = good.GetProperty("passwords").EnumerateArray().Single();
        Assert.Equal($"line1{Stamp}", issued.GetProperty("username").GetString());
        using var line1 = await SignIn($"line1{Stamp}", issued.GetProperty("password").GetString()!);
        var me = await (await line1.GetAsync("/api/me")).Json(HttpStatusCode.OK);
        Assert.Equal(["crew"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        // The same files again update, never duplicate; the single-file form with a kind column works too.
        var again = await (await admin.PostAsync("/api/import/people", Csv(("teams", teams), ("crews", crews)))).Json(HttpStatusCode.OK);
        Assert.Equal(2, again.GetProperty("teams").GetProperty("updated").GetInt32());
        var single = await (await admin.PostAsync("/api/import/people", Csv(("file", $"kind,name,type,roleMix,employeeNo,team,role,shift\nteam,巡查组{Stamp},assetGroup,3,,,,\ncrew,巡查甲,,,P1{Stamp},巡查组{Stamp},municipal,night\n"))))
            .Json(HttpStatusCode.OK);
        Assert.Equal(1, single.GetProperty("crews").GetProperty("created").GetInt32());
    }
}
