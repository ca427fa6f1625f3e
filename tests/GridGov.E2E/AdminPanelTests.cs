using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GridGov.E2E;

/// <summary>The admin view: a county's administrator manages teams, crews and sign-ins, and imports people, in the browser.</summary>
public class AdminPanelTests(LiveServer server) : IClassFixture<LiveServer>
{
    private static string Shot(string name) => Path.Combine(LiveServer.Artifacts, $"admin-{name}.png");

    private async Task<HttpStatusCode> SignInStatus(string username, string password)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        return (await http.PostAsJsonAsync("/api/auth/token", new { username, password })).StatusCode;
    }

    private async Task<long> CrewsNumbered(params string[] employeeNos)
    {
        await using var cmd = server.DataSource.CreateCommand("SELECT count(*) FROM crews WHERE employee_no = ANY($1)");
        cmd.Parameters.AddWithValue(employeeNos);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// The crews made here leave again (as DELETE /api/crews/{id} does: kept, inactive), so the API tests sharing the
    /// database see only the demo's crews on duty.
    /// </summary>
    private async Task LeaveCrews(params string[] employeeNos)
    {
        var ids = new List<int>();
        await using (var cmd = server.DataSource.CreateCommand("SELECT id FROM crews WHERE active AND employee_no = ANY($1)"))
        {
            cmd.Parameters.AddWithValue(employeeNos);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) ids.Add(reader.GetInt32(0));
        }
        if (ids.Count == 0) return;
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var token = await (await http.PostAsJsonAsync("/api/auth/token", new { username = "admin", password = "gridgov-demo" })).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        http.DefaultRequestHeaders.Authorization = new("Bearer", token.GetProperty("accessToken").GetString());
        foreach (var id in ids) (await http.DeleteAsync($"/api/crews/{id}")).EnsureSuccessStatusCode();
    }

    private static FilePayload Csv(string name, string text) => new() { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(text) };

    [Fact]
    public async Task An_admin_adds_a_team_a_crew_and_its_sign_in_disables_it_and_imports_people()
    {
        // The E2E database is shared with the other tests: everything made here has a name of its own.
        var s = DateTime.UtcNow.ToString("MMddHHmmssfff", CultureInfo.InvariantCulture);
        var (employeeNo, good1, good2) = ($"L{s}", $"I{s}a", $"I{s}b");
        try
        {
            await AddDisableAndImport(s, employeeNo, good1, good2);
        }
        finally
        {
            await LeaveCrews(employeeNo, good1, good2);
        }
    }

    private async Task AddDisableAndImport(string s, string employeeNo, string good1, string good2)
    {
        var (context, page, errors) = await server.SignedInPageAsync("admin");
        await using var _ = context;

        await Expect(page.Locator("#admin-button")).ToHaveTextAsync("管理");
        await page.ClickAsync("#admin-button");
        var panel = page.Locator("#admin-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel.Locator("table[data-table=users] tr[data-username=admin]")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("users") });

        // A team (an asset group: no large grid) ...
        var team = $"路灯维修组{s}";
        await panel.Locator("button.admin-tab[data-tab=teams]").ClickAsync();
        await panel.Locator("button[data-action=add-team]").ClickAsync();
        var teamForm = panel.Locator("form[data-form=team-create]");
        await teamForm.Locator("input[name=name]").FillAsync(team);
        await Expect(teamForm.Locator("select[name=largeGridCode]")).ToBeVisibleAsync();
        await teamForm.Locator("select[name=kind]").SelectOptionAsync("assetGroup");
        await Expect(teamForm.Locator("select[name=largeGridCode]")).ToHaveCountAsync(0);
        await teamForm.Locator("input[name=roleMix]").FillAsync("1+2");
        await teamForm.Locator(".admin-submit").ClickAsync();
        var teamRow = panel.Locator($"tr[data-team-name='{team}']");
        await Expect(teamRow).ToHaveAttributeAsync("data-kind", "assetGroup");
        await Expect(panel.Locator(".admin-ok")).ToHaveTextAsync($"已添加队伍 {team}");

        // ... a crew in it (on the night shift: the API tests place day crews); a bad phone number is refused next to its field first ...
        await teamRow.Locator("button[data-action=add-crew]").ClickAsync();
        var crewForm = panel.Locator("form[data-form=crew-create]");
        await crewForm.Locator("input[name=name]").FillAsync("维修工<b>甲</b>");
        await crewForm.Locator("input[name=employeeNo]").FillAsync(employeeNo);
        await crewForm.Locator("select[name=role]").SelectOptionAsync("municipal");
        await crewForm.Locator("select[name=shift]").SelectOptionAsync("night");
        await crewForm.Locator("input[name=phone]").FillAsync("call me");
        await crewForm.Locator(".admin-submit").ClickAsync();
        await Expect(crewForm.Locator("[data-field=phone] .admin-field-error")).ToContainTextAsync("'phone'");
        await crewForm.Locator("input[name=phone]").FillAsync("138-0000-0000");
        await crewForm.Locator(".admin-submit").ClickAsync();
        var crewRow = panel.Locator($"tr[data-employee-no='{employeeNo}']");
        await Expect(crewRow).ToBeVisibleAsync();
        await Expect(crewRow).ToBeInViewportAsync(); // the new team is last: its new crew is scrolled to
        await Expect(crewRow.Locator("td").First).ToHaveTextAsync("维修工<b>甲</b>"); // text, never markup
        var crewId = await crewRow.GetAttributeAsync("data-crew-id");
        await page.ScreenshotAsync(new() { Path = Shot("teams") });

        // ... and the crew's sign-in.
        var username = $"lamp-{s}";
        const string password = "Lamp-fixer-2026";
        await panel.Locator("button.admin-tab[data-tab=users]").ClickAsync();
        await panel.Locator("button[data-action=add-user]").ClickAsync();
        var userForm = panel.Locator("form[data-form=user-create]");
        await userForm.Locator("input[name=username]").FillAsync(username);
        await userForm.Locator("input[name=password]").FillAsync(password);
        await userForm.Locator("input[name=roles][value=crew]").CheckAsync();
        await Expect(userForm.Locator("select[name=teamId]")).ToHaveCountAsync(0); // a crew user's team follows its crew
        await userForm.Locator("select[name=crewId]").SelectOptionAsync(crewId!);
        await page.ScreenshotAsync(new() { Path = Shot("user-form") });
        await userForm.Locator(".admin-submit").ClickAsync();
        var userRow = panel.Locator($"tr[data-username='{username}']");
        await Expect(userRow).ToHaveAttributeAsync("data-active", "true");
        await Expect(userRow.Locator("td.user-crew")).ToContainTextAsync($"（{employeeNo}）{team}"); // its crew, and the team it follows
        Assert.Equal(HttpStatusCode.OK, await SignInStatus(username, password));

        // Disabling asks first; then that sign-in is refused.
        await userRow.Locator("button[data-action=disable]").ClickAsync();
        var confirm = panel.Locator($".admin-confirm[data-target='user:{username}']");
        await Expect(confirm).ToContainTextAsync($"确认停用用户 {username}");
        Assert.Equal("true", await userRow.GetAttributeAsync("data-active"));
        await page.ScreenshotAsync(new() { Path = Shot("confirm-disable") });
        await confirm.Locator(".admin-confirm-yes").ClickAsync();
        await Expect(userRow).ToHaveAttributeAsync("data-active", "false");
        await Expect(userRow.Locator(".user-status")).ToHaveTextAsync("停用");
        Assert.Equal(HttpStatusCode.Forbidden, await SignInStatus(username, password));
        var other = await server.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "zh-CN" });
        await using (other)
        {
            var login = await other.NewPageAsync();
            await login.GotoAsync(server.BaseAddress.ToString());
            await login.FillAsync("#login-username", username);
            await login.FillAsync("#login-password", password);
            await login.ClickAsync("#login-submit");
            await Expect(login.Locator("#login-error")).ToContainTextAsync("disabled");
            await Expect(login.Locator("#login-overlay")).ToBeVisibleAsync();
        }

        // A people CSV with one bad row: the report names the row, and nothing is written.
        await panel.Locator("button.admin-tab[data-tab=import]").ClickAsync();
        await panel.Locator("input[data-part=crews]").SetInputFilesAsync(Csv("crews.csv",
            $"employeeNo,name,team,role,shift,phone,isLead\n{good1},赵六,{team},sanitation,early,,false\n{good2},钱七,{team},astronaut,early,,false\n"));
        await panel.Locator("button[data-action=import]").ClickAsync();
        var report = panel.Locator(".admin-import-report[data-state=rejected]");
        await Expect(report).ToBeVisibleAsync();
        var badRow = report.Locator("tr[data-where='crews.csv row 3']");
        await Expect(badRow.Locator(".import-row")).ToHaveTextAsync("第 3 行");
        await Expect(badRow.Locator(".import-messages")).ToContainTextAsync("astronaut");
        await Expect(report.Locator("tbody tr")).ToHaveCountAsync(1);
        await Expect(report.Locator(".admin-error")).ToContainTextAsync("未写入任何数据");
        Assert.Equal(0, await CrewsNumbered(good1, good2));
        await page.ScreenshotAsync(new() { Path = Shot("import-rejected") });

        // The good files: a team, two crews and a sign-in without a password (the server makes one, shown once).
        var imported = $"导入组{s}";
        var importedUser = $"imp-{s}";
        await panel.Locator("input[data-part=teams]").SetInputFilesAsync(Csv("teams.csv", $"name,type,largeGrid,roleMix\n{imported},assetGroup,,1+1\n"));
        await panel.Locator("input[data-part=crews]").SetInputFilesAsync(Csv("crews.csv",
            $"employeeNo,name,team,role,shift,phone,isLead\n{good1},赵六,{imported},sanitation,night,,true\n{good2},钱七,{imported},landscaping,night,139-1111-2222,false\n"));
        await panel.Locator("input[data-part=users]").SetInputFilesAsync(Csv("users.csv", $"username,roles,team,crew,password\n{importedUser},crew,,{good1},\n"));
        await panel.Locator("button[data-action=import]").ClickAsync();
        var done = panel.Locator(".admin-import-report[data-state=done]");
        await Expect(done).ToBeVisibleAsync();
        await Expect(done.Locator("tr[data-kind=teams] td[data-count=created]")).ToHaveTextAsync("1");
        await Expect(done.Locator("tr[data-kind=crews] td[data-count=created]")).ToHaveTextAsync("2");
        await Expect(done.Locator("tr[data-kind=users] td[data-count=created]")).ToHaveTextAsync("1");
        await Expect(done.Locator(".import-passwords .admin-warning")).ToContainTextAsync("只显示这一次");
        var issued = await done.Locator($".import-passwords tr[data-username='{importedUser}'] .admin-password").TextContentAsync();
        Assert.Matches("^[A-Za-z0-9]{12}$", issued);
        Assert.Equal(2, await CrewsNumbered(good1, good2));
        await page.ScreenshotAsync(new() { Path = Shot("import-done") });
        Assert.Equal(HttpStatusCode.OK, await SignInStatus(importedUser, issued!));

        // The first crew leaves, after the confirmation: kept in its team's list as 已离队.
        await panel.Locator("button.admin-tab[data-tab=teams]").ClickAsync();
        var members = teamRow.Locator("button[data-action=members]");
        if (await members.GetAttributeAsync("aria-expanded") != "true") await members.ClickAsync(); // the tab keeps it open
        await crewRow.Locator("button[data-action=leave]").ClickAsync();
        await panel.Locator($".admin-confirm[data-target='crew:{crewId}'] .admin-confirm-yes").ClickAsync();
        await Expect(crewRow).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("inactive"));
        await Expect(crewRow).ToContainTextAsync("已离队");

        // Closing the panel forgets the first passwords.
        await panel.Locator(".admin-close").ClickAsync();
        await Expect(panel).ToBeHiddenAsync();
        await page.ClickAsync("#admin-button");
        await panel.Locator("button.admin-tab[data-tab=import]").ClickAsync();
        await Expect(panel.Locator(".admin-import-report")).ToHaveCountAsync(0);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_other_tabs_show_shifts_keys_categories_and_holidays_in_Chinese_and_English()
    {
        var (context, page, errors) = await server.SignedInPageAsync("admin");
        await using var _ = context;
        await page.ClickAsync("#admin-button");
        var panel = page.Locator("#admin-panel");

        await panel.Locator("button.admin-tab[data-tab=shifts]").ClickAsync();
        await Expect(panel.Locator("table[data-table=shifts] tr[data-shift]")).ToHaveCountAsync(4);
        await Expect(panel.Locator("tr[data-shift=night] td").First).ToHaveTextAsync("夜班");
        await page.ScreenshotAsync(new() { Path = Shot("shifts") });

        var client = $"热线小程序{DateTime.UtcNow.ToString("MMddHHmmssfff", CultureInfo.InvariantCulture)}";
        await panel.Locator("button.admin-tab[data-tab=keys]").ClickAsync();
        await panel.Locator("button[data-action=issue-key]").ClickAsync();
        await panel.Locator("form[data-form=key-issue] input[name=name]").FillAsync(client);
        await panel.Locator("form[data-form=key-issue] .admin-submit").ClickAsync();
        var key = await panel.Locator(".admin-api-key").TextContentAsync();
        Assert.StartsWith("gg311_", key);
        var listed = panel.Locator($"tr[data-key-name='{client}']");
        await Expect(listed).ToHaveAttributeAsync("data-revoked", "false");
        await page.ScreenshotAsync(new() { Path = Shot("keys") });
        await listed.Locator("button[data-action=revoke]").ClickAsync();
        await panel.Locator($".admin-confirm[data-target^='key:'] .admin-confirm-yes").ClickAsync();
        await Expect(listed).ToHaveAttributeAsync("data-revoked", "true");

        await panel.Locator("button.admin-tab[data-tab=categories]").ClickAsync();
        await Expect(panel.Locator("table[data-table=categories] tr[data-code]").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("categories") });

        await panel.Locator("button.admin-tab[data-tab=holidays]").ClickAsync();
        await Expect(panel.Locator("table[data-table=holidays] tr[data-date]").First).ToBeVisibleAsync();
        await page.ClickAsync("#lang-toggle");
        await Expect(panel.Locator("button.admin-tab[data-tab=holidays]")).ToHaveTextAsync("Holidays");
        await Expect(panel.Locator("table[data-table=holidays] th").First).ToHaveTextAsync("Date");
        await page.ScreenshotAsync(new() { Path = Shot("holidays-en") });
        await page.ClickAsync("#lang-toggle");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Other_roles_get_no_admin_view()
    {
        var (context, page, errors) = await server.SignedInPageAsync("dispatcher");
        await using var _ = context;
        await Expect(page.Locator("#admin-button")).ToBeHiddenAsync();
        await Expect(page.Locator("#admin-panel")).ToBeHiddenAsync();
        Assert.Empty(errors);
    }
}
