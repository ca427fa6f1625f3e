using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GridGov.E2E;

/// <summary>
/// The life-circle view (生活圈): walking bands from a click on a road, a readable refusal off the roads, a community's
/// coverage with counts and its gaps, buildings coloured by walking distance, and a planned facility placed (coverage
/// moves) and deleted again. It places a facility, so it runs on the planner suite's own county, one class at a time.
/// </summary>
[Collection(PlannerMapCollection.Name)]
public partial class LifeCircleMapTests(PlansLiveServer server) : IClassFixture<PlansLiveServer>
{
    private static string Shot(string name) => Path.Combine(LiveServer.Artifacts, $"lifecircle-{name}.png");

    private static readonly PageWaitForFunctionOptions Long = new() { Timeout = 30000 };

    [GeneratedRegex(@"^\d[\d,]*/\d[\d,]*$")]
    private static partial Regex CountPattern();

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

    [Fact]
    public async Task A_planner_draws_walking_bands_reads_a_community_s_coverage_and_places_a_facility()
    {
        var name = $"E2E 规划设施 {DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture)}";
        using var http = await Client("planner");
        try
        {
            await DrawReadAndPlace(http, name);
        }
        finally
        {
            // Whatever happened, the county keeps only its own facilities.
            var all = await Json(await http.GetAsync("/api/lifecircles/facilities"));
            foreach (var f in all.GetProperty("features").EnumerateArray().Where(f => f.GetProperty("properties").GetProperty("name").GetString() == name))
                await http.DeleteAsync($"/api/lifecircles/facilities/{f.GetProperty("properties").GetProperty("id").GetInt32()}");
        }
    }

    private async Task DrawReadAndPlace(HttpClient http, string name)
    {
        var failed = new List<string>();
        var consoleErrors = new List<string>();
        var (context, page, errors) = await server.SignedInPageAsync("planner", p =>
        {
            // Chromium reports the deliberate 422 below as a failed resource; anything else is an error.
            p.Console += (_, m) =>
            {
                if (m.Type == "error" && !m.Text.Contains("status of 422", StringComparison.Ordinal)) lock (consoleErrors) consoleErrors.Add(m.Text);
            };
            p.Response += (_, r) =>
            {
                // The one refusal asked for below: an isochrone off every walkable road.
                if (r.Status >= 400 && !(r.Status == 422 && r.Url.Contains("/api/lifecircles/isochrone", StringComparison.Ordinal)))
                    lock (failed) failed.Add($"{r.Request.Method} {r.Url}: {r.Status}");
            };
            return Task.CompletedTask;
        });
        await using var _ = context;
        var panel = page.Locator("#lifecircle-panel");

        // The 生活圈 button opens the view in place of the planner's (a planner's first screen).
        await Expect(page.Locator("#planner-panel")).ToBeVisibleAsync();
        await Expect(page.Locator("#lifecircle-button")).ToHaveTextAsync("生活圈");
        await page.Locator("#lifecircle-button").ClickAsync();
        await Expect(panel).ToBeVisibleAsync();
        await Expect(page.Locator("#planner-panel")).ToBeHiddenAsync();
        await Expect(panel.Locator(".admin-title")).ToHaveTextAsync("15 分钟社区生活圈");
        var ranking = panel.Locator("table[data-table=communities] tbody tr[data-code]");
        await Expect(ranking.First).ToBeVisibleAsync(new() { Timeout = 30000 });
        Assert.Equal((await Json(await http.GetAsync("/api/lifecircles/communities"))).GetArrayLength(), await ranking.CountAsync());
        await Expect(ranking.First.Locator("td[data-col=met] .lc-count")).ToHaveTextAsync(CountPattern());

        // A click on a road: the three bands, nested, drawn and in the legend with their metres.
        await ClickARoad(page);
        await page.WaitForFunctionAsync("() => document.body.dataset.lifecircleIso === 'ok'", null, Long);
        var bands = await page.EvaluateAsync<JsonElement>("() => window.gridgov.lifeCircle.bands()");
        var minutes = bands.EnumerateArray().Select(b => b.GetProperty("minutes").GetInt32()).Order().ToList();
        Assert.Equal([5, 10, 15], minutes);
        var metres = bands.EnumerateArray().OrderBy(b => b.GetProperty("minutes").GetInt32()).Select(b => b.GetProperty("metres").GetDouble()).ToList();
        Assert.True(metres[0] < metres[1] && metres[1] < metres[2], string.Join(", ", metres));
        await Idle(page);
        var drawn = await page.EvaluateAsync<int[]>("() => [...new Set(window.gridgov.map.queryRenderedFeatures({ layers: ['lc-isochrone-fill'] }).map(f => f.properties.minutes))].sort((a, b) => a - b)");
        Assert.Equal([5, 10, 15], drawn);
        var legend = panel.Locator(".lc-bands li");
        await Expect(legend).ToHaveCountAsync(3);
        await Expect(legend.First).ToContainTextAsync("5 分钟步行");
        await Expect(legend.Nth(2)).ToContainTextAsync("15 分钟步行");
        await Expect(legend.First).ToContainTextAsync(" m");
        await page.ScreenshotAsync(new() { Path = Shot("isochrone") });

        // Far from every walkable road: no bands, the server's reason in words.
        await ClickAt(page, 115.30, 25.90, 15);
        await page.WaitForFunctionAsync("() => document.body.dataset.lifecircleIso === 'error'", null, Long);
        var refusal = panel.Locator(".lc-iso-notice[data-kind=offRoad][data-status='422']");
        await Expect(refusal).ToBeVisibleAsync();
        await Expect(refusal).ToContainTextAsync("该位置附近没有可步行的道路：");
        Assert.Equal("0", await page.EvaluateAsync<string>("() => document.body.dataset.lifecircleBands"));

        // The community at the bottom of the ranking: its coverage, every share beside its count, the worst marked.
        await panel.Locator("button[data-order=worst]").ClickAsync();
        var bottom = ranking.First;
        var community = (await bottom.GetAttributeAsync("data-code"))!;
        await bottom.Locator("button[data-action=open-community]").ClickAsync();
        await page.WaitForFunctionAsync("code => document.body.dataset.lifecircleCommunity === code && document.body.dataset.lifecircleCoverage === 'ok'", community, Long);
        var coverage = await Json(await http.GetAsync($"/api/lifecircles/coverage?community={community}"));
        var rows = panel.Locator("table[data-table=coverage] tbody tr[data-class]");
        await Expect(rows).ToHaveCountAsync(coverage.GetProperty("classes").GetArrayLength());
        foreach (var row in await rows.AllAsync())
        {
            await Expect(row.Locator(".lc-count")).ToHaveTextAsync(CountPattern());
            await Expect(row.Locator(".lc-share")).ToHaveTextAsync(new Regex(@"^(\d+%|<1%|—)$"));
        }
        var kindergarten = coverage.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("class").GetString() == "kindergarten");
        await Expect(panel.Locator("tr[data-class=kindergarten] .lc-count")).ToHaveTextAsync(
            string.Format(CultureInfo.InvariantCulture, "{0:N0}/{1:N0}", kindergarten.GetProperty("buildingsCovered").GetInt32(), kindergarten.GetProperty("buildings").GetInt32()));
        await Expect(panel.Locator("tr[data-class=kindergarten] td[data-col=class]")).ToContainTextAsync("幼儿园");
        await Expect(panel.Locator("tr[data-required=false] .lc-chip-optional").First).ToHaveTextAsync("可选");
        var worst = coverage.GetProperty("worst").EnumerateArray().Select(w => w.GetString()!).ToList();
        await Expect(panel.Locator("tr[data-worst=true]")).ToHaveCountAsync(worst.Count);
        foreach (var w in worst) await Expect(panel.Locator($"tr[data-class={w}] .lc-chip-worst")).ToHaveTextAsync("最差");

        // The class to work on: the worst, else the required class with the lowest share that still has a gap.
        var target = coverage.GetProperty("classes").EnumerateArray()
            .Where(c => c.GetProperty("required").GetBoolean() && c.GetProperty("buildingsCovered").GetInt32() < c.GetProperty("buildings").GetInt32())
            .OrderBy(c => c.GetProperty("share").GetDouble()).Select(c => c.GetProperty("class").GetString()!).FirstOrDefault();
        Assert.True(target is not null, $"community {community} has no gap in any required class: {coverage}");
        if (worst.Count == 0 || worst[0] != target) await panel.Locator($"button[data-action=show-gaps][data-class={target}]").ClickAsync();
        var gapLine = panel.Locator($".lc-gap-line[data-class={target}]");
        await Expect(gapLine).ToBeVisibleAsync();
        var gapsBefore = int.Parse((await gapLine.GetAttributeAsync("data-buildings"))!, CultureInfo.InvariantCulture);
        Assert.True(gapsBefore > 0);
        await Idle(page);
        Assert.True(await page.EvaluateAsync<bool>("() => window.gridgov.map.queryRenderedFeatures({ layers: ['lc-gaps-line'] }).length > 0"), "the gaps are not drawn");
        Assert.True(await page.EvaluateAsync<bool>("() => window.gridgov.map.queryRenderedFeatures({ layers: ['lc-community-line'] }).length > 0"), "the community's outline is not drawn");
        await page.ScreenshotAsync(new() { Path = Shot("coverage") });

        // Buildings coloured by the walk to the nearest facility of that class, with the fixed breaks in the key.
        await panel.Locator("button.lc-tab[data-tab=facilities]").ClickAsync();
        await panel.Locator("select[name=buildingClass]").SelectOptionAsync(target);
        await page.WaitForFunctionAsync("cls => document.body.dataset.lifecircleBuildingClass === cls", target);
        await Expect(panel.Locator(".lc-distance li")).ToHaveCountAsync(5);
        await page.EvaluateAsync("() => { const m = window.gridgov.map; if (m.getZoom() < 14) m.jumpTo({ zoom: 14 }); }");
        await Idle(page);
        Assert.True(await page.EvaluateAsync<int>("() => window.gridgov.map.queryRenderedFeatures({ layers: ['lc-buildings'] }).length") > 0, "no building is coloured");
        await page.ScreenshotAsync(new() { Path = Shot("buildings") });

        // A planned facility of that class beside an uncovered building: placed from the map, the coverage moves.
        var (px, py) = await BesideAnUncoveredBuilding(http, community, target);
        var facilitiesBefore = int.Parse((await page.EvaluateAsync<string>("() => document.body.dataset.lifecircleFacilities"))!, CultureInfo.InvariantCulture);
        await panel.Locator("select[name=placeClass]").SelectOptionAsync(target);
        await panel.Locator("input[name=placeName]").FillAsync(name);
        await panel.Locator("button[data-action=start-placing]").ClickAsync();
        await page.WaitForFunctionAsync("() => document.body.dataset.lifecircleTool === 'place'");
        await ClickAt(page, px, py, 16);
        await Expect(panel.Locator(".lc-notice[data-ok=true]")).ToContainTextAsync($"已放置“{name}”", new() { Timeout = 30000 });
        await page.WaitForFunctionAsync("() => document.body.dataset.lifecircleBusy === 'false' && document.body.dataset.lifecircleTool === 'isochrone'", null, Long);
        Assert.Equal((facilitiesBefore + 1).ToString(CultureInfo.InvariantCulture), await page.EvaluateAsync<string>("() => document.body.dataset.lifecircleFacilities"));
        await panel.Locator("button.lc-tab[data-tab=coverage]").ClickAsync();
        await Expect(panel.Locator($"tr[data-class={target}] .lc-delta[data-sign=up]")).ToBeVisibleAsync();
        var gapsAfter = int.Parse((await panel.Locator($".lc-gap-line[data-class={target}]").GetAttributeAsync("data-buildings"))!, CultureInfo.InvariantCulture);
        Assert.True(gapsAfter < gapsBefore, $"{gapsBefore} → {gapsAfter} uncovered buildings");
        await Idle(page);
        await page.ScreenshotAsync(new() { Path = Shot("placed") });

        // Its popup names it and deletes it again; the coverage moves back.
        var placed = (await Json(await http.GetAsync($"/api/lifecircles/facilities?class={target}"))).GetProperty("features").EnumerateArray()
            .Single(f => f.GetProperty("properties").GetProperty("name").GetString() == name);
        var at = placed.GetProperty("geometry").GetProperty("coordinates");
        await ClickAt(page, at[0].GetDouble(), at[1].GetDouble(), 17);
        var popup = page.Locator($".lc-facility-popup[data-id='{placed.GetProperty("properties").GetProperty("id").GetInt32()}']");
        await Expect(popup).ToBeVisibleAsync();
        await Expect(popup.Locator(".lc-facility-name")).ToHaveTextAsync(name);
        await popup.Locator("button[data-action=delete-facility]").ClickAsync();
        await popup.Locator("button[data-action=confirm-delete]").ClickAsync();
        await Expect(panel.Locator(".lc-notice[data-ok=true]")).ToContainTextAsync($"已删除设施“{name}”", new() { Timeout = 30000 });
        await Expect(popup).ToHaveCountAsync(0);
        await Expect(panel.Locator($".lc-gap-line[data-class={target}]")).ToHaveAttributeAsync("data-buildings", gapsBefore.ToString(CultureInfo.InvariantCulture));

        // English on the toggle.
        await page.Locator("#lang-toggle").ClickAsync();
        await Expect(panel.Locator("button.lc-tab[data-tab=communities]")).ToHaveTextAsync("Ranking");
        await Expect(panel.Locator($"tr[data-class={target}] .lc-chip-required")).ToHaveTextAsync("required");
        await page.ScreenshotAsync(new() { Path = Shot("english") });
        await page.Locator("#lang-toggle").ClickAsync();
        await Expect(panel.Locator("button.lc-tab[data-tab=communities]")).ToHaveTextAsync("社区排名");
        lock (failed) Assert.True(failed.Count == 0, $"failed requests: {string.Join("; ", failed)}");
        lock (consoleErrors) Assert.True(consoleErrors.Count == 0, $"console errors: {string.Join("; ", consoleErrors)}");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_leader_on_a_phone_reads_the_ranking_and_a_community_in_a_sheet_without_placing()
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            Locale = "zh-CN",
            IsMobile = true,
            HasTouch = true,
        });
        await using var _ = context;
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.FillAsync("#login-username", "leader");
        await page.FillAsync("#login-password", "gridgov-demo");
        await page.ClickAsync("#login-submit");
        await page.WaitForFunctionAsync("() => document.body.dataset.gridsLoaded === 'true'", null, new PageWaitForFunctionOptions { Timeout = 60000 });
        await page.EvaluateAsync("() => window.gridgov.ready");

        // The status bar keeps its buttons on one line; the view opens as a sheet over the lower half.
        var button = page.Locator("#lifecircle-button");
        await Expect(button).ToHaveTextAsync("生活圈");
        var logout = (await page.Locator("#logout-button").BoundingBoxAsync())!;
        Assert.True(logout.X + logout.Width <= 390 && logout.Y < 42, $"退出登录 at {logout.X},{logout.Y} {logout.Width}×{logout.Height}");
        await button.TapAsync();
        var panel = page.Locator("#lifecircle-panel");
        await Expect(panel.Locator("table[data-table=communities] tbody tr[data-code]").First).ToBeVisibleAsync(new() { Timeout = 30000 });
        var box = (await panel.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.X + box.Width <= 390 && box.Y > 300, $"panel at {box.X},{box.Y} {box.Width}×{box.Height} on a 390×844 screen");
        await Expect(page.Locator("#legend")).ToBeHiddenAsync();

        await panel.Locator("table[data-table=communities] tbody tr[data-code] button[data-action=open-community]").First.TapAsync();
        await page.WaitForFunctionAsync("() => document.body.dataset.lifecircleCoverage === 'ok'", null, Long);
        await Expect(panel.Locator("table[data-table=coverage] tbody tr[data-class] .lc-count").First).ToHaveTextAsync(CountPattern());
        // Households give way on a narrow screen; the count beside every share stays.
        await Expect(panel.Locator("table[data-table=coverage] th[data-col=households]")).ToBeHiddenAsync();
        // Not the map's idle: a leader's crews may keep moving; the fit to the community takes half a second.
        await page.WaitForTimeoutAsync(1500);
        await page.ScreenshotAsync(new() { Path = Shot("phone") });

        // A leader reads; placing is for planners.
        await panel.Locator("button.lc-tab[data-tab=facilities]").TapAsync();
        await Expect(panel.Locator("select[name=buildingClass]")).ToBeVisibleAsync();
        await Expect(panel.Locator("fieldset[data-section=place]")).ToHaveCountAsync(0);
        Assert.Empty(errors);
    }

    /// <summary>Clicks the middle of a walkable road near the town centre where no facility is drawn.</summary>
    private async Task ClickARoad(IPage page)
    {
        await using var cmd = server.DataSource.CreateCommand("""
            SELECT ST_X(p), ST_Y(p) FROM (
              SELECT ST_LineInterpolatePoint(geometry, 0.5) p FROM roads
              WHERE walk AND class IN ('main', 'secondary') ORDER BY geometry <-> ST_SetSRID(ST_MakePoint(115.41, 25.955), 4490) LIMIT 12) x
            """);
        var candidates = new List<(double, double)>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) candidates.Add((r.GetDouble(0), r.GetDouble(1)));
        foreach (var (lon, lat) in candidates)
        {
            await Centre(page, lon, lat, 15.5);
            // A click on a facility opens its popup instead: a road point with none drawn near it.
            var busy = await page.EvaluateAsync<bool>("""
                ([lon, lat]) => { const m = window.gridgov.map; const p = m.project([lon, lat]);
                  return m.queryRenderedFeatures([[p.x - 16, p.y - 16], [p.x + 16, p.y + 16]], { layers: ['lc-facilities-point'] }).length > 0; }
                """, new[] { lon, lat });
            if (busy) continue;
            await ClickProjected(page, lon, lat);
            return;
        }
        throw new InvalidOperationException("no road point without a facility beside it");
    }

    /// <summary>A point on the walkable road nearest to a residential building of the community the class does not yet cover.</summary>
    private async Task<(double Lon, double Lat)> BesideAnUncoveredBuilding(HttpClient http, string community, string cls)
    {
        var band = (await Json(await http.GetAsync("/api/lifecircles/classes"))).EnumerateArray()
            .Single(c => c.GetProperty("class").GetString() == cls).GetProperty("metres").GetDouble();
        await using var cmd = server.DataSource.CreateCommand("""
            WITH units AS (SELECT u.code FROM grids u JOIN grids l ON l.code = u.parent_code AND l.level = 'Large'
                           WHERE u.level = 'Unit' AND l.parent_code = $1),
                 b AS (SELECT id, geometry FROM buildings WHERE kind = 'residential' AND unit_grid_code IN (SELECT code FROM units)
                       AND NOT coalesce(building_walk_metres(id, $2) <= $3, false))
            SELECT ST_X(p), ST_Y(p) FROM (
              SELECT ST_ClosestPoint(r.geometry, ST_Centroid(b.geometry)) p, ST_Distance(r.geometry::geography, b.geometry::geography) d
              FROM b CROSS JOIN LATERAL (SELECT geometry FROM roads WHERE walk ORDER BY geometry <-> b.geometry LIMIT 1) r
              ORDER BY d, b.id LIMIT 1) x
            """);
        cmd.Parameters.AddWithValue(community);
        cmd.Parameters.AddWithValue(cls);
        cmd.Parameters.AddWithValue((float)band);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no uncovered {cls} building in {community}");
        return (reader.GetDouble(0), reader.GetDouble(1));
    }

    /// <summary>The map's next idle.</summary>
    private static Task Idle(IPage page) =>
        page.EvaluateAsync("() => new Promise(resolve => { const m = window.gridgov.map; m.once('idle', () => resolve()); m.triggerRepaint(); })");

    private static async Task Centre(IPage page, double lon, double lat, double zoom)
    {
        // The block returns nothing: jumpTo returns the map itself, far too deep an object to send back.
        await page.EvaluateAsync("([lon, lat, zoom]) => { window.gridgov.map.jumpTo({ center: [lon, lat], zoom }); }", new[] { lon, lat, zoom });
        await Idle(page);
    }

    private static async Task ClickProjected(IPage page, double lon, double lat)
    {
        var xy = await page.EvaluateAsync<double[]>("([lon, lat]) => { const p = window.gridgov.map.project([lon, lat]); return [p.x, p.y]; }", new[] { lon, lat });
        var box = (await page.Locator("#map canvas").BoundingBoxAsync())!;
        await page.Mouse.ClickAsync((float)(box.X + xy[0]), (float)(box.Y + xy[1]));
    }

    /// <summary>Centres the map on [lon, lat] and clicks there, as a user would.</summary>
    private static async Task ClickAt(IPage page, double lon, double lat, double zoom)
    {
        await Centre(page, lon, lat, zoom);
        await ClickProjected(page, lon, lat);
    }
}
