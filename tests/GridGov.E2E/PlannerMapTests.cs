using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GridGov.E2E;

/// <summary>
/// The planner publishes a new map: this class works on a demo county of its own (<see cref="PlansLiveServer"/>), runs
/// alone in its assembly, and publishes a copy of the original plan back in any case.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PlannerMapCollection
{
    public const string Name = "PlannerMap";
}

/// <summary>
/// The planner's map: a draft, an import with a gap, the gap found and cleaned, a unit grid painted into another large
/// grid, the balance and the cases that move, publishing, and a new report routed to the new team.
/// </summary>
[Collection(PlannerMapCollection.Name)]
public class PlannerMapTests(PlansLiveServer server) : IClassFixture<PlansLiveServer>
{
    private static string Shot(string name) => Path.Combine(LiveServer.Artifacts, $"planner-{name}.png");

    private static readonly PageWaitForFunctionOptions Long = new() { Timeout = 30000 };

    private async Task<HttpClient> Client(string username)
    {
        var http = new HttpClient { BaseAddress = server.BaseAddress };
        var token = (await (await http.PostAsJsonAsync("/api/auth/token", new { username, password = "gridgov-demo" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return http;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static async Task<JsonElement> Published(HttpClient http) =>
        (await Json(await http.GetAsync("/api/plans"))).EnumerateArray().Single(p => p.GetProperty("status").GetString() == "published");

    [Fact]
    public async Task A_planner_imports_cleans_repaints_and_publishes_and_a_new_report_goes_to_the_new_team()
    {
        using var http = await Client("planner");
        var original = await Published(http);
        var originalId = original.GetProperty("id").GetInt32();
        // Copying, checking and publishing 665 grids takes seconds on a loaded 2-core machine; this class runs alone.
        Assertions.SetDefaultExpectTimeout(30_000);
        try
        {
            await PlanAndPublish(http, originalId);
        }
        finally
        {
            Assertions.SetDefaultExpectTimeout(5_000);
            // The other suites expect the demo county's grids: a copy of the original plan is published again.
            var now = await Published(http);
            if (now.GetProperty("id").GetInt32() != originalId)
            {
                var copy = await Json(await http.PostAsJsonAsync("/api/plans", new { name = $"还原 {original.GetProperty("name").GetString()}", basedOnId = originalId }));
                await Json(await http.PostAsJsonAsync($"/api/plans/{copy.GetProperty("id").GetInt32()}/publish", new { baseVersion = copy.GetProperty("version").GetInt64() }));
            }
        }
    }

    private async Task PlanAndPublish(HttpClient http, int publishedId)
    {
        var unitText = await (await http.GetAsync($"/api/plans/{publishedId}/grids?level=unit")).Content.ReadAsStringAsync();
        var largeText = await (await http.GetAsync($"/api/plans/{publishedId}/grids?level=large")).Content.ReadAsStringAsync();
        var largeGrids = JsonDocument.Parse(largeText).RootElement;
        var pick = Grids.PickBorderGrid(JsonNode.Parse(unitText)!.AsObject(), JsonNode.Parse(largeText)!.AsObject());
        var teamOf = largeGrids.GetProperty("features").EnumerateArray().ToDictionary(
            f => f.GetProperty("properties").GetProperty("code").GetString()!,
            f => f.GetProperty("properties").TryGetProperty("teamId", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetInt32() : (int?)null);
        Assert.NotNull(teamOf[pick.To]);
        Assert.NotEqual(teamOf[pick.From], teamOf[pick.To]);
        var (lon, lat) = await InteriorPoint(http, publishedId, pick);

        // An open case in that unit grid, filed under the published map: it goes with the grid when the plan is published.
        using var resident = new HttpClient { BaseAddress = server.BaseAddress };
        var before = await Json(await resident.PostAsJsonAsync("/api/incidents", new { category = "06001", source = "resident", lon, lat, description = "E2E 规划前的案件" }));
        Assert.Equal(pick.Code, before.GetProperty("unitGridCode").GetString());
        Assert.Equal(teamOf[pick.From], before.GetProperty("teamId").GetInt32());

        var (context, page, errors) = await server.SignedInPageAsync("planner");
        await using var _ = context;
        var panel = page.Locator("#planner-panel");
        // A planner's view opens at once, on the published plan.
        await Expect(panel.Locator(".planner-current[data-status=published]")).ToBeVisibleAsync();
        await Expect(page.Locator("#planner-button")).ToHaveTextAsync("规划");
        await Idle(page);
        await page.ScreenshotAsync(new() { Path = Shot("published") });

        // A new draft, a copy of the published plan.
        var name = $"E2E 调整 {DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture)}";
        await panel.Locator("button[data-action=new-draft]").ClickAsync();
        await panel.Locator("form[data-form=new-draft] input[name=name]").FillAsync(name);
        await panel.Locator("form[data-form=new-draft] .admin-submit").ClickAsync();
        var current = panel.Locator(".planner-current[data-status=draft]");
        await Expect(current).ToBeVisibleAsync();
        await Expect(current.Locator(".planner-plan-name")).ToHaveTextAsync(name);
        await Expect(current.Locator(".planner-status")).ToHaveTextAsync("草稿");
        var draftId = int.Parse((await current.GetAttributeAsync("data-plan-id"))!, CultureInfo.InvariantCulture);

        // A bad file first: the dialog lists the problem by feature and nothing is imported.
        await panel.Locator("button[data-action=open-import]").ClickAsync();
        var dialog = panel.Locator(".planner-dialog[data-dialog=import]");
        await dialog.Locator("input[data-field=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "bad.geojson", MimeType = "application/geo+json", Buffer = Encoding.UTF8.GetBytes(Grids.BadFile(lon, lat)),
        });
        await dialog.Locator("select[name=crs]").SelectOptionAsync("cgcs2000");
        await dialog.Locator("button[data-action=import]").ClickAsync();
        var rejected = dialog.Locator(".planner-import-report[data-state=rejected]");
        await Expect(rejected).ToBeVisibleAsync();
        await Expect(rejected.Locator("table[data-table=import-errors] tr[data-feature]").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("import-rejected") });

        // The county's unit grids with one corner of one grid pulled 3 m inwards: a gap along two of its edges.
        var version = await current.GetAttributeAsync("data-version");
        await dialog.Locator("input[data-field=file]").SetInputFilesAsync(new FilePayload
        {
            Name = "unit-grids.geojson", MimeType = "application/geo+json", Buffer = Encoding.UTF8.GetBytes(Grids.WithCornerPulledIn(unitText, pick, 3.0)),
        });
        await dialog.Locator("input[name=codeField]").FillAsync("code");
        await dialog.Locator("input[name=nameField]").FillAsync("name");
        await dialog.Locator("input[name=parentField]").FillAsync("parentCode");
        await dialog.Locator("button[data-action=import]").ClickAsync();
        await Expect(dialog.Locator(".planner-import-report[data-state=done]")).ToBeVisibleAsync(new() { Timeout = 60000 });
        await Expect(panel.Locator(".planner-current")).Not.ToHaveAttributeAsync("data-version", version!);
        await dialog.Locator("button[data-action=close-import]").ClickAsync();

        // The gap: in the problem list, in red on the map; a click flies there.
        await panel.Locator("button.planner-tab[data-tab=problems]").ClickAsync();
        await Expect(panel.Locator(".planner-validity")).ToHaveAttributeAsync("data-valid", "false");
        var gap = panel.Locator($"li.planner-problem[data-kind=gap]:has-text('{pick.Code}')").First;
        await Expect(gap).ToBeVisibleAsync();
        await Expect(gap.Locator(".planner-problem-kind")).ToHaveTextAsync("缝隙");
        await gap.Locator("button").ClickAsync();
        await Expect(gap).ToHaveAttributeAsync("aria-current", "true");
        await Idle(page);
        Assert.True(await page.EvaluateAsync<bool>("() => window.gridgov.map.queryRenderedFeatures({ layers: ['plan-problems-line', 'plan-problems-fill'] }).length > 0"),
            "the gap is not drawn on the map");
        Assert.True(await page.EvaluateAsync<bool>("() => window.gridgov.map.queryRenderedFeatures({ layers: ['plan-highlight-line'] }).length > 0"),
            "the chosen problem is not highlighted");
        await page.ScreenshotAsync(new() { Path = Shot("gap") });

        // Cleaned: the corner snaps back onto its neighbours' and the plan is valid again.
        await panel.Locator("button.planner-tab[data-tab=edit]").ClickAsync();
        await panel.Locator("button.planner-tool[data-tool=clean]").ClickAsync();
        await panel.Locator(".planner-tool-panel input[name=snapM]").FillAsync("5");
        await panel.Locator(".planner-tool-panel input[name=maxGapM]").FillAsync("10");
        await panel.Locator("button[data-action=apply-clean]").ClickAsync();
        await Expect(panel.Locator("section[data-section=last-edit]")).ToBeVisibleAsync(new() { Timeout = 60000 });
        await Expect(panel.Locator(".planner-notice[data-ok=true]")).ToContainTextAsync("已保存");
        await page.ScreenshotAsync(new() { Path = Shot("cleaned") });
        await panel.Locator("button.planner-tab[data-tab=problems]").ClickAsync();
        await Expect(panel.Locator(".planner-validity")).ToHaveAttributeAsync("data-valid", "true");
        await Expect(panel.Locator("li.planner-problem[data-kind=gap]")).ToHaveCountAsync(0);

        // Another planner renames the grid meanwhile: the next edit here is refused as stale, and the plan reloaded.
        var draft = await Json(await http.GetAsync($"/api/plans/{draftId}"));
        await Json(await http.PostAsJsonAsync($"/api/plans/{draftId}/edits", new { op = "rename", baseVersion = draft.GetProperty("version").GetInt64(), code = pick.Code, name = $"{pick.Name}（调）" }));

        // Painted: the unit grid moves to the neighbouring large grid.
        await panel.Locator("button.planner-tab[data-tab=edit]").ClickAsync();
        await panel.Locator("button.planner-tool[data-tool=assign]").ClickAsync();
        await panel.Locator(".planner-tool-panel select[name=target]").SelectOptionAsync(pick.To);
        await ClickAt(page, lon, lat);
        await Expect(panel.Locator(".planner-picks")).ToHaveAttributeAsync("data-count", "1");
        await panel.Locator("button[data-action=apply-assign]").ClickAsync();
        await Expect(panel.Locator(".planner-notice[data-ok=false] [role=alert]")).ToHaveTextAsync("另一位规划员已修改此方案，已刷新");
        await Expect(panel.Locator(".planner-current")).ToHaveAttributeAsync("data-version", (await Json(await http.GetAsync($"/api/plans/{draftId}"))).GetProperty("version").ToString());
        await panel.Locator("button.planner-tab[data-tab=edit]").ClickAsync();
        await panel.Locator(".planner-tool-panel select[name=target]").SelectOptionAsync(pick.To);
        await ClickAt(page, lon, lat);
        await Expect(panel.Locator(".planner-picks")).ToHaveAttributeAsync("data-count", "1");
        await Idle(page);
        await page.ScreenshotAsync(new() { Path = Shot("paint") });
        await panel.Locator("button[data-action=apply-assign]").ClickAsync();
        await Expect(panel.Locator(".planner-notice[data-ok=true]")).ToContainTextAsync("已保存");
        var moved = await Json(await http.GetAsync($"/api/plans/{draftId}/locate?lon={lon.ToString(CultureInfo.InvariantCulture)}&lat={lat.ToString(CultureInfo.InvariantCulture)}"));
        Assert.Equal(pick.To, moved.GetProperty("largeGrid").GetProperty("code").GetString());

        // The balance: one unit grid more in the target, beside the published figure.
        await panel.Locator("button.planner-tab[data-tab=balance]").ClickAsync();
        var toRow = panel.Locator($"table[data-table=balance] tr[data-code='{pick.To}']");
        await Expect(toRow).ToHaveAttributeAsync("data-change", "changed");
        var after = int.Parse((await toRow.Locator("td[data-col=unitGrids] .planner-after").TextContentAsync())!, CultureInfo.InvariantCulture);
        var was = (await toRow.Locator("td[data-col=unitGrids] .planner-before").TextContentAsync())!;
        Assert.StartsWith($"{after - 1} (+1)", was);
        await Expect(panel.Locator($"table[data-table=balance] tr[data-code='{pick.From}'] td[data-col=unitGrids] .planner-before")).ToContainTextAsync("(−1)");
        await page.ScreenshotAsync(new() { Path = Shot("balance") });

        // History: who did what, newest first.
        await panel.Locator("button.planner-tab[data-tab=history]").ClickAsync();
        await Expect(panel.Locator("table[data-table=history] tr[data-op=assign]").First).ToBeVisibleAsync();

        // Publishing says how many open cases move, as compare with the published plan counts them.
        var compare = await Json(await http.GetAsync($"/api/plans/{draftId}/compare?with={publishedId}"));
        var moving = compare.GetProperty("openIncidentsMoving").GetArrayLength();
        Assert.True(moving >= 1, compare.ToString());
        await panel.Locator("button[data-action=publish]").ClickAsync();
        var confirm = panel.Locator(".planner-dialog[data-dialog=publish]");
        await Expect(confirm.Locator(".planner-publish-moving")).ToHaveAttributeAsync("data-moving", moving.ToString(CultureInfo.InvariantCulture));
        await Expect(confirm.Locator(".planner-publish-moving")).ToContainTextAsync($"{moving} 件未结案件将改派");
        await Expect(confirm.Locator(".planner-publish-blocked")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Shot("publish-confirm") });
        await confirm.Locator("button[data-action=confirm-publish]").ClickAsync();
        await Expect(panel.Locator($".planner-current[data-plan-id='{draftId}'][data-status=published]")).ToBeVisibleAsync(new() { Timeout = 60000 });
        await Expect(panel.Locator(".planner-notice[data-ok=true]")).ToContainTextAsync("已发布");
        await Idle(page);
        await page.ScreenshotAsync(new() { Path = Shot("published-new") });

        // The open case went with its grid; a new report there goes to the new team.
        using var admin = await Client("admin");
        var rerouted = await Json(await admin.GetAsync($"/api/incidents/{before.GetProperty("id").GetInt64()}"));
        Assert.Equal(teamOf[pick.To], rerouted.GetProperty("teamId").GetInt32());
        var report = await Json(await resident.PostAsJsonAsync("/api/incidents", new { category = "06001", source = "resident", lon, lat, description = "E2E 规划后的案件" }));
        Assert.Equal(pick.Code, report.GetProperty("unitGridCode").GetString());
        Assert.Equal(pick.To, report.GetProperty("largeGridCode").GetString());
        Assert.Equal(teamOf[pick.To], report.GetProperty("teamId").GetInt32());
        Assert.Empty(errors);
    }

    /// <summary>A point inside the unit grid, as the published plan locates it (the vertex average, else nearer a corner).</summary>
    private static async Task<(double Lon, double Lat)> InteriorPoint(HttpClient http, int planId, Grids.Pick pick)
    {
        foreach (var (x, y) in pick.Candidates())
        {
            var response = await http.GetAsync($"/api/plans/{planId}/locate?lon={x.ToString(CultureInfo.InvariantCulture)}&lat={y.ToString(CultureInfo.InvariantCulture)}");
            if (response.StatusCode == HttpStatusCode.NotFound) continue;
            var located = await Json(response);
            if (located.GetProperty("unitGrid").GetProperty("code").GetString() == pick.Code) return (x, y);
        }
        throw new InvalidOperationException($"no point found inside {pick.Code}");
    }

    /// <summary>The map's next idle (the planner layers drawn, any flight over).</summary>
    private static Task Idle(IPage page) =>
        page.EvaluateAsync("() => new Promise(resolve => { const m = window.gridgov.map; m.once('idle', () => resolve()); m.triggerRepaint(); })");

    /// <summary>Centres the map on [lon, lat] at street zoom and clicks there, as a planner would.</summary>
    private static async Task ClickAt(IPage page, double lon, double lat)
    {
        // The block returns nothing: jumpTo returns the map itself, far too deep an object to send back.
        await page.EvaluateAsync("([lon, lat]) => { window.gridgov.map.jumpTo({ center: [lon, lat], zoom: 16 }); }", new[] { lon, lat });
        await Idle(page);
        var xy = await page.EvaluateAsync<double[]>("([lon, lat]) => { const p = window.gridgov.map.project([lon, lat]); return [p.x, p.y]; }", new[] { lon, lat });
        var box = (await page.Locator("#map canvas").BoundingBoxAsync())!;
        await page.Mouse.ClickAsync((float)(box.X + xy[0]), (float)(box.Y + xy[1]));
    }
}
