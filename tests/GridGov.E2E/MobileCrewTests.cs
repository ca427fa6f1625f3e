using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GridGov.E2E;

/// <summary>
/// The service for the phone app's tests: every shift on round the clock (the demo crew is on the middle shift, and
/// the tests run at any hour), no workload cap (the other suites leave cases with the same crew), no duplicate
/// merging of the cases these tests file, photos in a temporary directory.
/// </summary>
public sealed class MobileLiveServer() : LiveServer("GRIDGOV_TEST_DB", new Dictionary<string, string>
{
    ["Live:Shifts:Early:0"] = "00:00-24:00",
    ["Live:Shifts:Middle:0"] = "00:00-24:00",
    ["Live:Shifts:Late:0"] = "00:00-24:00",
    ["Live:WorkloadCap"] = "1000",
    ["Incidents:DuplicateRadiusM"] = "0.01",
    // The photos these tests upload go to a temporary directory, not data/photos in the source tree.
    ["Photos:Directory"] = Path.Combine(Path.GetTempPath(), "gridgov-e2e-mobile-photos"),
});

/// <summary>
/// The crew's phone app at /m/ (issue 15 part 2) at 390×844 as the demo user <c>crew</c>: on duty, an offer with its
/// countdown, accept → start → handle with a photo; fixes taken offline arrive later in order with their own times;
/// an offer accepted too late shows the server's answer on its card; without the location permission a banner says
/// how to allow it and the rest still works.
/// </summary>
public class MobileCrewTests(MobileLiveServer server) : IClassFixture<MobileLiveServer>
{
    private static readonly PageWaitForFunctionOptions Long = new() { Timeout = 30000 };
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 30000 };

    private static string Shot(string name) => Path.Combine(LiveServer.Artifacts, $"mobile-{name}.png");

    /// <summary>The demo user crew's crew id, and points-on-surface of the first unit grids of its team's large grid.</summary>
    private async Task<(int CrewId, List<(double Lon, double Lat)> Points)> CrewAndGrid()
    {
        await using var cmd = server.DataSource.CreateCommand("""
            SELECT u.crew_id, ST_X(p), ST_Y(p) FROM users u JOIN crews c ON c.id = u.crew_id JOIN teams t ON t.id = c.team_id
            CROSS JOIN LATERAL (SELECT ST_PointOnSurface(g.geometry) p FROM grids g WHERE g.level = 'Unit' AND g.parent_code = t.large_grid_code
                                ORDER BY g.code LIMIT 6) u2
            WHERE u.username = 'crew'
            """);
        await using var reader = await cmd.ExecuteReaderAsync();
        var points = new List<(double, double)>();
        var crewId = 0;
        while (await reader.ReadAsync())
        {
            crewId = reader.GetInt32(0);
            points.Add((reader.GetDouble(1), reader.GetDouble(2)));
        }
        Assert.True(points.Count >= 4, "the crew's large grid has fewer than 4 unit grids");
        return (crewId, points);
    }

    /// <summary>An enforcement (the demo crew's role) category.</summary>
    private async Task<string> CrewCategory(int crewId)
    {
        await using var cmd = server.DataSource.CreateCommand("""
            SELECT k.code FROM categories k JOIN crews c ON c.role = k.role WHERE c.id = $1 AND k.active ORDER BY k.code LIMIT 1
            """);
        cmd.Parameters.AddWithValue(crewId);
        return (string?)await cmd.ExecuteScalarAsync() ?? throw new Xunit.Sdk.XunitException("no category for the crew's role");
    }

    private async Task<HttpClient> ClientFor(string username)
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
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>A case at (lon, lat) filed by the dispatcher and offered to the crew; returns its id and the offer's id.</summary>
    private async Task<(long Incident, long Offer)> OfferedCase(HttpClient dispatcher, int crewId, string category, double lon, double lat, string description)
    {
        // A few metres off the grid's point: never the very spot of an earlier case (that would be its duplicate).
        lon += (Random.Shared.NextDouble() - 0.5) * 0.0002;
        lat += (Random.Shared.NextDouble() - 0.5) * 0.0002;
        var created = await Json(await dispatcher.PostAsJsonAsync("/api/incidents", new { category, source = "hotline", lon, lat, description }));
        var id = created.GetProperty("id").GetInt64();
        // The crew's first fix may still be on its way through the hub: try the offer for a while.
        for (var attempt = 0; ; attempt++)
        {
            var response = await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/assign", new { crewId });
            if (response.IsSuccessStatusCode) return (id, (await Json(response)).GetProperty("id").GetInt64());
            var body = await response.Content.ReadAsStringAsync();
            if (attempt >= 20) throw new Xunit.Sdk.XunitException($"the case could not be offered to crew {crewId}: {body}");
            await Task.Delay(1000);
        }
    }

    /// <summary>
    /// Waits until a fix at (lon, lat) would not be too fast after the crew's latest stored one (the server refuses
    /// over 50 m/s; an earlier test may have left the crew 100 m away a second ago).
    /// </summary>
    private async Task Settle(int crewId, double lon, double lat)
    {
        // The fix this server checks the next one against (the API tests place crew 1 through servers of their own).
        var last = server.Services.GetRequiredService<GridGov.Api.Live.CrewDirectory>().LastFix(crewId);
        if (last is null) return;
        const double r = 6_371_008.8, rad = Math.PI / 180;
        var h = Math.Pow(Math.Sin((lat - last.Lat) * rad / 2), 2)
            + Math.Cos(lat * rad) * Math.Cos(last.Lat * rad) * Math.Pow(Math.Sin((lon - last.Lon) * rad / 2), 2);
        var metres = 2 * r * Math.Asin(Math.Min(1, Math.Sqrt(h)));
        var wait = metres / 20 - (DateTimeOffset.UtcNow - last.T).TotalSeconds; // at most 20 m/s, well under the limit
        if (wait > 0) await Task.Delay(TimeSpan.FromSeconds(Math.Min(wait, 30)));
    }

    /// <summary>A phone-sized context at (lon, lat), with or without the location permission, signed in as crew at /m/.</summary>
    private async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> Phone(double lon, double lat, bool allowLocation = true, bool screenshotLogin = false)
    {
        var (crewId, _) = await CrewAndGrid();
        await Settle(crewId, lon, lat);
        var options = new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            Geolocation = new Geolocation { Longitude = (float)lon, Latitude = (float)lat, Accuracy = 8 },
        };
        if (allowLocation) options.Permissions = ["geolocation"];
        var context = await server.Browser.NewContextAsync(options);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(server.BaseAddress, "/m/").ToString());
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync(Visible);
        if (screenshotLogin) await page.ScreenshotAsync(new() { Path = Shot("sign-in") });
        await page.FillAsync("#login-username", "crew");
        await page.FillAsync("#login-password", "gridgov-demo");
        await page.ClickAsync("#login-submit");
        await page.WaitForFunctionAsync("() => document.body.dataset.mobileReady === 'true'", null, Long);
        await page.EvaluateAsync("() => window.gridgovMobile.ready");
        return (context, page, errors);
    }

    /// <summary>
    /// Taps 下班 first if the crew is on duty already (a crew starts on duty), then 上班; waits for the hub and a first
    /// fix to have gone out.
    /// </summary>
    private static async Task OnDuty(IPage page)
    {
        if (await page.EvaluateAsync<string>("() => document.body.dataset.onDuty") == "true")
        {
            await page.ClickAsync("#duty-toggle");
            await page.WaitForFunctionAsync("() => document.body.dataset.onDuty === 'false'", null, Long);
        }
        await Expect(page.Locator("#duty-toggle")).ToHaveTextAsync("上班");
        await Expect(page.Locator("#duty-state")).ToContainTextAsync("已下班");
        await page.ClickAsync("#duty-toggle");
        await page.WaitForFunctionAsync("() => document.body.dataset.onDuty === 'true'", null, Long);
        await Expect(page.Locator("#duty-toggle")).ToHaveTextAsync("下班");
        await page.WaitForFunctionAsync("() => document.body.dataset.hub === 'connected'", null, Long);
        try
        {
            await page.WaitForFunctionAsync("() => window.gridgovMobile.reports.some(r => r.response.accepted > 0 || r.response.duplicates > 0)", null, Long);
        }
        catch (TimeoutException)
        {
            var state = await page.EvaluateAsync<JsonElement>("() => ({ reports: window.gridgovMobile.reports, queued: window.gridgovMobile.queued(), here: window.gridgovMobile.here(), geo: document.body.dataset.geo, now: new Date().toISOString() })");
            throw new Xunit.Sdk.XunitException($"no fix of the phone was stored: {state}");
        }
    }

    /// <summary>A real JPEG made by the browser's canvas (a 1200×900 test card).</summary>
    private static async Task<byte[]> Jpeg(IPage page)
    {
        var base64 = await page.EvaluateAsync<string>("""
            () => {
              const c = document.createElement('canvas'); c.width = 1200; c.height = 900;
              const g = c.getContext('2d');
              g.fillStyle = '#2f855a'; g.fillRect(0, 0, 1200, 900);
              g.fillStyle = '#fff'; g.font = '80px sans-serif'; g.fillText('handled 已处置', 120, 460);
              return c.toDataURL('image/jpeg', 0.9).split(',')[1];
            }
            """);
        return Convert.FromBase64String(base64);
    }

    [Fact]
    public async Task A_crew_goes_on_duty_takes_an_offer_and_handles_the_case_with_a_photo()
    {
        var (crewId, points) = await CrewAndGrid();
        var category = await CrewCategory(crewId);
        var (lon, lat) = points[0];
        var (context, page, errors) = await Phone(lon, lat, screenshotLogin: true);
        await using var _ = context;
        await OnDuty(page);
        await page.ScreenshotAsync(new() { Path = Shot("duty") });

        using var dispatcher = await ClientFor("dispatcher");
        var (caseLon, caseLat) = points[1];
        var (incidentId, offerId) = await OfferedCase(dispatcher, crewId, category, caseLon, caseLat, "手机端测试：占道经营 (mobile E2E)");

        // The offer card: the case, a countdown that runs, 接单 and 拒绝.
        var card = page.Locator($"#offers article[data-offer-id='{offerId}']");
        await Expect(card).ToBeVisibleAsync(Visible);
        await Expect(card.Locator(".m-countdown")).ToContainTextAsync("剩余");
        var before = await card.Locator(".m-countdown").TextContentAsync();
        await page.WaitForTimeoutAsync(2100);
        var later = await card.Locator(".m-countdown").TextContentAsync();
        Assert.True(before != later, $"the countdown stays at {later} (expires {await card.GetAttributeAsync("data-expires-at")}, page clock {await page.EvaluateAsync<string>("() => new Date().toISOString()")})");
        await Expect(card.Locator("button[data-action=decline]")).ToHaveTextAsync("拒绝");
        var box = await card.Locator("button[data-action=accept]").BoundingBoxAsync();
        Assert.True(box is { Height: >= 48, Width: >= 48 }, $"the accept button is {box?.Width}×{box?.Height} px");
        await page.ScreenshotAsync(new() { Path = Shot("offer") });

        // 接单: the case opens with the actions the server allows; start, then handle with a note and a photo.
        await card.Locator("button[data-action=accept]").ClickAsync();
        await page.WaitForFunctionAsync($"() => document.body.dataset.view === 'case' && document.body.dataset.caseLoaded === '{incidentId}'", null, Long);
        await Expect(page.Locator("#case-status")).ToHaveTextAsync("已接收");
        await Expect(page.Locator("#case-actions button[data-action=start]")).ToBeVisibleAsync();
        await page.ClickAsync("#case-actions button[data-action=start]");
        await Expect(page.Locator("#case-status")).ToHaveTextAsync("处置中", new() { Timeout = 15000 });
        await page.ScreenshotAsync(new() { Path = Shot("case") });

        await page.ClickAsync("#case-actions button[data-action=handle]");
        await Expect(page.Locator("#handle-form")).ToBeVisibleAsync();
        await page.FillAsync("#handle-note", "已劝离摊贩，路面清理完毕");
        await page.SetInputFilesAsync("#handle-photo", new FilePayload { Name = "after.jpg", MimeType = "image/jpeg", Buffer = await Jpeg(page) });
        await Expect(page.Locator("#handle-preview")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Shot("handle") });
        await page.ClickAsync("#handle-submit");
        await Expect(page.Locator("#case-status")).ToHaveTextAsync("已处置", new() { Timeout = 30000 });
        await Expect(page.Locator("#case-photos img[data-kind=after][data-loaded=true]")).ToHaveCountAsync(1, new() { Timeout = 15000 });

        // The dispatcher sees the case handled, with the crew's after-photo.
        var detail = await Json(await dispatcher.GetAsync($"/api/incidents/{incidentId}"));
        Assert.Equal("handled", detail.GetProperty("status").GetString());
        Assert.Equal(crewId, detail.GetProperty("handlerCrewId").GetInt32());
        var photos = await Json(await dispatcher.GetAsync($"/api/incidents/{incidentId}/photos"));
        var after = photos.EnumerateArray().Where(p => p.GetProperty("kind").GetString() == "after").ToList();
        Assert.Single(after);
        Assert.True(after[0].GetProperty("width").GetInt32() <= 2048);
        // ... and on the dispatcher's map, the case's panel shows the after-photo.
        var (desk, deskPage, deskErrors) = await server.SignedInPageAsync("dispatcher");
        await using (desk)
        {
            await deskPage.EvaluateAsync("id => window.gridgov.openIncident(id)", incidentId);
            await Expect(deskPage.Locator("#incident-photos img[data-kind=after]")).ToHaveCountAsync(1, new() { Timeout = 15000 });
            await deskPage.WaitForFunctionAsync(
                "() => { const i = document.querySelector('#incident-photos img[data-kind=after]'); return i && i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0; }",
                null, Long);
            await deskPage.ScreenshotAsync(new() { Path = Shot("dispatcher-after-photo") });
            Assert.Empty(deskErrors);
        }

        // The route to the case on the small map: MapLibre is loaded only now.
        const string MapLibreLoaded = "() => performance.getEntriesByType('resource').some(e => /\\/assets\\/maplibre-/.test(e.name))";
        Assert.False(await page.EvaluateAsync<bool>(MapLibreLoaded), "MapLibre was loaded before the route view opened");
        await page.ClickAsync("#case-actions button[data-action=route]");
        await page.WaitForFunctionAsync($"() => document.body.dataset.routeDrawn === '{incidentId}'", null, Long);
        await Expect(page.Locator("#route-summary")).ToContainTextAsync("约");
        Assert.True(await page.EvaluateAsync<bool>(MapLibreLoaded));
        await page.ScreenshotAsync(new() { Path = Shot("route") });

        // Today's work log counts the handled case.
        await page.ClickAsync("#tabbar button[data-tab=log]");
        await page.WaitForFunctionAsync("() => document.body.dataset.worklogLoaded === 'true'", null, Long);
        await Expect(page.Locator("#worklog [data-stat=handled] b")).Not.ToHaveTextAsync("0");
        await Expect(page.Locator("#worklog")).ToContainTextAsync($"#{incidentId}");
        await page.ScreenshotAsync(new() { Path = Shot("worklog") });

        // A problem found on patrol: category, my position, note, photo. A few metres on, so never the very spot of
        // an earlier run's report.
        var (hereLon, hereLat) = (lon + (Random.Shared.NextDouble() - 0.5) * 0.0002, lat + (Random.Shared.NextDouble() - 0.5) * 0.0002);
        await context.SetGeolocationAsync(new Geolocation { Longitude = (float)hereLon, Latitude = (float)hereLat, Accuracy = 8 });
        await page.WaitForFunctionAsync("x => Math.abs(window.gridgovMobile.here().lon - x) < 2e-5", hereLon, Long);
        await page.ClickAsync("#tabbar button[data-tab=report]");
        await Expect(page.Locator("#report-category option[value='" + category + "']")).ToHaveCountAsync(1, new() { Timeout = 15000 });
        await page.SelectOptionAsync("#report-category", category);
        await page.FillAsync("#report-note", "巡查发现：店外占道堆物");
        await page.SetInputFilesAsync("#report-photo", new FilePayload { Name = "found.jpg", MimeType = "image/jpeg", Buffer = await Jpeg(page) });
        await Expect(page.Locator("#report-position")).ToContainTextAsync("±");
        await page.ScreenshotAsync(new() { Path = Shot("report") });
        await page.ClickAsync("#report-submit");
        await page.WaitForFunctionAsync("() => document.querySelector('#report-result').textContent !== ''", null, Long);
        var kind = await page.Locator("#report-result").GetAttributeAsync("data-kind");
        Assert.True(kind == "ok", await page.Locator("#report-result").TextContentAsync());
        await Expect(page.Locator("#report-result")).ToContainTextAsync("已上报");
        var reported = long.Parse((await page.Locator("#report-result").GetAttributeAsync("data-incident-id"))!);
        var patrol = await Json(await dispatcher.GetAsync($"/api/incidents/{reported}"));
        Assert.Equal("patrol", patrol.GetProperty("source").GetString());
        Assert.Equal(category, patrol.GetProperty("category").GetProperty("code").GetString());
        var patrolPhotos = await Json(await dispatcher.GetAsync($"/api/incidents/{reported}/photos"));
        Assert.Equal(1, patrolPhotos.GetArrayLength());

        Assert.Empty(errors);
    }

    [Fact]
    public async Task Fixes_taken_offline_arrive_in_order_with_their_own_times_once_back_online()
    {
        var (crewId, points) = await CrewAndGrid();
        var (lon, lat) = points[0];
        var (context, page, errors) = await Phone(lon, lat);
        await using var _ = context;
        await OnDuty(page);
        await page.WaitForFunctionAsync("() => window.gridgovMobile.queueLength() === 0", null, Long);

        await context.SetOfflineAsync(true);
        await page.WaitForFunctionAsync("() => document.body.dataset.online === 'false'", null, Long);
        // Walk east 25 m at a time (well under the server's speed limit), a few seconds apart.
        var moves = new List<double>();
        for (var i = 1; i <= 4; i++)
        {
            var x = lon + 0.00025 * i;
            moves.Add(x);
            await context.SetGeolocationAsync(new Geolocation { Longitude = (float)x, Latitude = (float)lat, Accuracy = 8 });
            await page.WaitForFunctionAsync("n => window.gridgovMobile.queueLength() >= n", i, Long);
            await page.WaitForTimeoutAsync(1200);
        }
        var queued = await page.EvaluateAsync<JsonElement>("() => window.gridgovMobile.queued()");
        Assert.True(queued.GetArrayLength() >= 4, queued.ToString());
        await Expect(page.Locator("#net-banner")).ToContainTextAsync("离线");
        await page.ScreenshotAsync(new() { Path = Shot("offline") });
        var reconnectAt = DateTimeOffset.UtcNow;

        await context.SetOfflineAsync(false);
        await page.WaitForFunctionAsync("() => window.gridgovMobile.queueLength() === 0", null, Long);

        // Every queued fix is in the position history, in the order taken, with the time it was taken.
        var wanted = queued.EnumerateArray().Select(f => (T: DateTimeOffset.Parse(f.GetProperty("t").GetString()!), Lon: f.GetProperty("lon").GetDouble())).ToList();
        Assert.True(wanted.All(w => w.T < reconnectAt), "a queued fix carries a time after the reconnection");
        Assert.Equal(wanted.OrderBy(w => w.T).ToList(), wanted);
        await using var cmd = server.DataSource.CreateCommand("""
            SELECT t, ST_X(location) FROM position_history WHERE crew_id = $1 AND t >= $2 AND t <= $3 ORDER BY t
            """);
        cmd.Parameters.AddWithValue(crewId);
        cmd.Parameters.AddWithValue(wanted[0].T.UtcDateTime);
        cmd.Parameters.AddWithValue(wanted[^1].T.UtcDateTime);
        var rows = new List<(DateTimeOffset T, double Lon)>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                rows.Add((new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero), reader.GetDouble(1)));
        // The API tests may place crew 1 meanwhile: look only at the rows at the times of the queued fixes.
        var stored = rows.Where(row => wanted.Any(w => Math.Abs((row.T - w.T).TotalMilliseconds) < 1)).ToList();
        Assert.Equal(wanted.Count, stored.Count);
        for (var i = 0; i < wanted.Count; i++)
        {
            Assert.True(Math.Abs((stored[i].T - wanted[i].T).TotalMilliseconds) < 1, $"fix {i}: stored at {stored[i].T:O}, taken at {wanted[i].T:O}");
            Assert.Equal(wanted[i].Lon, stored[i].Lon, 6);
        }
        // Playwright hands the browser single-precision degrees (about a metre here).
        foreach (var x in moves) Assert.Contains(stored, s => Math.Abs(s.Lon - x) < 2e-5);
        var rejected = await page.EvaluateAsync<int>("() => window.gridgovMobile.reports.reduce((n, r) => n + r.response.rejected, 0)");
        Assert.Equal(0, rejected);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Reopened_without_network_the_app_starts_from_its_cache_and_keeps_every_fix()
    {
        var (crewId, points) = await CrewAndGrid();
        var (lon, lat) = points[0];
        var (context, page, errors) = await Phone(lon, lat);
        await using var _ = context;
        await OnDuty(page);
        await page.EvaluateAsync("async () => { await navigator.serviceWorker.ready; }");
        await page.WaitForFunctionAsync("() => window.gridgovMobile.queueLength() === 0", null, Long);

        await context.SetOfflineAsync(true);
        await page.WaitForFunctionAsync("() => document.body.dataset.online === 'false'", null, Long);
        async Task Walk(int step)
        {
            await context.SetGeolocationAsync(new Geolocation { Longitude = (float)(lon - 0.00025 * step), Latitude = (float)lat, Accuracy = 8 });
            await page.WaitForFunctionAsync("x => Math.abs(window.gridgovMobile.here().lon - x) < 2e-5", lon - 0.00025 * step, Long);
            await page.WaitForTimeoutAsync(1200);
        }
        await Walk(1);
        await Walk(2);
        var before = await page.EvaluateAsync<int>("() => window.gridgovMobile.queueLength()");
        Assert.True(before >= 2, $"{before} fixes queued");

        // The phone reopens the app in the dead zone: the page comes from the service worker, the queue from IndexedDB.
        await page.ReloadAsync();
        await page.WaitForFunctionAsync("() => document.body.dataset.mobileReady === 'true'", null, Long);
        await page.WaitForFunctionAsync("n => window.gridgovMobile.queueLength() >= n", before, Long);
        await Walk(3);
        await Walk(4);
        var queued = await page.EvaluateAsync<JsonElement>("() => window.gridgovMobile.queued()");
        Assert.True(queued.GetArrayLength() >= before + 2, queued.ToString());
        await Expect(page.Locator("#net-banner")).ToContainTextAsync("离线");

        await context.SetOfflineAsync(false);
        await page.WaitForFunctionAsync("() => window.gridgovMobile.queueLength() === 0", null, new() { Timeout = 60000 });
        var wanted = queued.EnumerateArray().Select(f => DateTimeOffset.Parse(f.GetProperty("t").GetString()!)).ToList();
        await using var cmd = server.DataSource.CreateCommand("SELECT t FROM position_history WHERE crew_id = $1 AND t >= $2 AND t <= $3 ORDER BY t");
        cmd.Parameters.AddWithValue(crewId);
        cmd.Parameters.AddWithValue(wanted[0].UtcDateTime);
        cmd.Parameters.AddWithValue(wanted[^1].UtcDateTime);
        var rows = new List<DateTimeOffset>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) rows.Add(new DateTimeOffset(reader.GetDateTime(0), TimeSpan.Zero));
        // The API tests may place crew 1 meanwhile: look only at the rows at the times of the queued fixes.
        var stored = rows.Where(t => wanted.Any(w => Math.Abs((t - w).TotalMilliseconds) < 1)).ToList();
        var answers = await page.EvaluateAsync<JsonElement>("() => window.gridgovMobile.reports");
        Assert.True(wanted.Count == stored.Count, $"queued {queued}\nstored {string.Join(", ", stored.Select(t => t.ToString("O")))}\nanswers {answers}");
        for (var i = 0; i < wanted.Count; i++) Assert.True(Math.Abs((stored[i] - wanted[i]).TotalMilliseconds) < 1, $"fix {i}: {stored[i]:O} vs {wanted[i]:O}");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task An_offer_accepted_after_it_expired_shows_the_servers_answer_on_its_card()
    {
        var (crewId, points) = await CrewAndGrid();
        var category = await CrewCategory(crewId);
        var (lon, lat) = points[0];
        var (context, page, errors) = await Phone(lon, lat);
        await using var _ = context;
        await OnDuty(page);
        using var dispatcher = await ClientFor("dispatcher");
        var (caseLon, caseLat) = points[3];
        var (_, offerId) = await OfferedCase(dispatcher, crewId, category, caseLon, caseLat, "手机端测试：超时派单 (mobile E2E)");
        var card = page.Locator($"#offers article[data-offer-id='{offerId}']");
        await Expect(card).ToBeVisibleAsync(Visible);

        // The offer runs out while the card still shows time left (the phone's copy of expiresAt).
        await using (var cmd = server.DataSource.CreateCommand("UPDATE incident_offers SET expires_at = now() - interval '1 second' WHERE id = $1"))
        {
            cmd.Parameters.AddWithValue(offerId);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }
        await card.Locator("button[data-action=accept]").ClickAsync();
        var problem = card.Locator(".m-offer-problem");
        await Expect(problem).ToBeVisibleAsync(Visible);
        await Expect(problem).ToContainTextAsync("此派单已失效");
        await Expect(problem).ToContainTextAsync($"Offer {offerId} expired");
        await Expect(card.Locator(".m-countdown")).ToHaveTextAsync("此派单已失效");
        await Expect(card.Locator("button[data-action=accept]")).ToHaveCountAsync(0);
        Assert.Equal("409", await card.GetAttributeAsync("data-problem"));
        await page.ScreenshotAsync(new() { Path = Shot("offer-expired") });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_dispatcher_signing_in_on_the_phone_is_sent_to_the_desktop_map()
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, Locale = "zh-CN",
        });
        await using var _ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(server.BaseAddress, "/m/").ToString());
        await page.FillAsync("#login-username", "dispatcher");
        await page.FillAsync("#login-password", "gridgov-demo");
        await page.ClickAsync("#login-submit");
        var refusal = page.Locator("#login-notcrew");
        await Expect(refusal).ToBeVisibleAsync(Visible);
        await Expect(refusal).ToContainTextAsync("不是巡查队员");
        Assert.Equal("/", await refusal.Locator("a").GetAttributeAsync("href"));
        Assert.Null(await page.EvaluateAsync<string?>("() => document.body.dataset.signedIn ?? null"));
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Without_the_location_permission_a_banner_says_how_to_allow_it_and_the_rest_works()
    {
        var (_, points) = await CrewAndGrid();
        var (context, page, errors) = await Phone(points[0].Lon, points[0].Lat, allowLocation: false);
        await using var _ = context;
        var banner = page.Locator("#geo-banner");
        await Expect(banner).ToBeVisibleAsync(Visible);
        await Expect(banner).ToContainTextAsync("浏览器设置 → 网站权限 → 位置");
        await Expect(banner).ToContainTextAsync("派单");
        Assert.Equal("denied", await page.EvaluateAsync<string>("() => document.body.dataset.geo"));
        await page.ScreenshotAsync(new() { Path = Shot("geo-denied") });

        // My cases load, the work log opens, the language switches.
        await page.WaitForFunctionAsync("() => document.body.dataset.casesLoaded === 'true'", null, Long);
        await page.ClickAsync("#tabbar button[data-tab=log]");
        await page.WaitForFunctionAsync("() => document.body.dataset.worklogLoaded === 'true'", null, Long);
        await page.ClickAsync("#lang-toggle");
        await Expect(banner).ToContainTextAsync("Browser settings → Site permissions → Location");

        // A PWA: the service worker (scope /m/) installs with the app shell precached; the manifest is served.
        var scope = await page.EvaluateAsync<string>("""
            async () => {
              const reg = await navigator.serviceWorker.ready;
              const names = await caches.keys();
              const cached = (await Promise.all(names.map(async n => (await (await caches.open(n)).keys()).map(r => new URL(r.url).pathname)))).flat();
              return reg.scope + ' ' + cached.join(' ');
            }
            """);
        Assert.StartsWith(new Uri(server.BaseAddress, "/m/") + " ", scope);
        Assert.Contains("/m/index.html", scope);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var manifest = await Json(await http.GetAsync("/m/manifest.webmanifest"));
        Assert.Equal("/m/", manifest.GetProperty("start_url").GetString());
        using (var icon = await http.GetAsync("/m/icon.svg"))
            Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
        // /m and the app's own routes under /m/ are the app's page, not the map's.
        foreach (var path in new[] { "/m", "/m/", "/m/case/5" })
            Assert.Contains("id=\"duty-toggle\"", await http.GetStringAsync(path));
        await Expect(page.Locator("#tabbar button[data-tab=log]")).ToHaveTextAsync("Log");
        Assert.Empty(errors);
    }
}
