using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GridGov.E2E;

/// <summary>
/// The resident's report page /report on a phone (issue 15): locate, pick a category, attach a photo, describe, send; the
/// answer's tracking link shows the case as it moves; a wrong token finds nothing; a streetlight category lists the
/// lamps near the pin and a tapped lamp files the report against it. Also the dispatcher's panel showing a case's photos,
/// and the desktop map at phone width (header on screen, legend folded).
/// </summary>
public class ResidentReportTests(LiveServer server) : IClassFixture<LiveServer>
{
    private static readonly PageWaitForFunctionOptions Long = new() { Timeout = 30000 };

    private static string Shot(string name) => Path.Combine(LiveServer.Artifacts, name);

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.RequestUri}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<HttpClient> StaffClient(string username)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress };
        var token = await Json(await client.PostAsJsonAsync("/api/auth/token", new { username, password = "gridgov-demo" }));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return client;
    }

    /// <summary>A point inside a unit grid of the demo town, a different one each call (so no report is another's duplicate).</summary>
    private async Task<(double Lon, double Lat)> SpotInTown()
    {
        await using var cmd = server.DataSource.CreateCommand("""
            SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geometry) AS p FROM grids WHERE level = 'Unit' ORDER BY random() LIMIT 1) s
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), "no unit grid in the demo county");
        return (r.GetDouble(0), r.GetDouble(1));
    }

    /// <summary>A lamp in the middle of the codes that no case names yet.</summary>
    private async Task<(string Code, double Lon, double Lat)> QuietLamp()
    {
        await using var cmd = server.DataSource.CreateCommand("""
            SELECT trim(code), ST_X(location), ST_Y(location) FROM streetlights s
            WHERE component = '01037'
              AND NOT EXISTS (SELECT 1 FROM incidents i WHERE i.asset_code IN (trim(s.code), s.circuit_code, s.cabinet_code))
            ORDER BY code OFFSET (SELECT count(*) / 2 FROM streetlights) LIMIT 1
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        Assert.True(await r.ReadAsync(), "no lamp without a case");
        return (r.GetString(0), r.GetDouble(1), r.GetDouble(2));
    }

    private async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> PhonePage(double lon, double lat)
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            Locale = "zh-CN",
            Geolocation = new Geolocation { Longitude = (float)lon, Latitude = (float)lat, Accuracy = 12 },
            Permissions = ["geolocation", "clipboard-read", "clipboard-write"],
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) =>
        {
            if (m.Type == "error") errors.Add("console: " + m.Text);
        };
        await page.GotoAsync(new Uri(server.BaseAddress, "/report").ToString());
        await page.WaitForFunctionAsync("() => document.body.dataset.mapReady === 'true'", null, Long);
        return (context, page, errors);
    }

    /// <summary>Waits until the map has drawn its tiles, so a screenshot shows the town.</summary>
    private static async Task MapSettled(IPage page)
    {
        await page.WaitForFunctionAsync("() => { const m = window.gridgovReport.map(); return m && m.loaded() && m.areTilesLoaded(); }", null, Long);
        await page.WaitForTimeoutAsync(300);
    }

    /// <summary>A real JPEG the browser draws (3000 x 2000, so the page has to bring it down to 2048).</summary>
    private static async Task<byte[]> CameraJpeg(IPage page)
    {
        var base64 = await page.EvaluateAsync<string>("""
            async () => {
              const c = document.createElement('canvas');
              c.width = 3000; c.height = 2000;
              const g = c.getContext('2d');
              const grad = g.createLinearGradient(0, 0, 3000, 2000);
              grad.addColorStop(0, '#3b7a57'); grad.addColorStop(1, '#d9c38a');
              g.fillStyle = grad; g.fillRect(0, 0, 3000, 2000);
              g.fillStyle = '#5b4636'; g.fillRect(900, 900, 1200, 700);
              g.fillStyle = '#fff'; g.font = 'bold 220px sans-serif'; g.fillText('GARBAGE', 1000, 700);
              const blob = await new Promise(r => c.toBlob(r, 'image/jpeg', 0.9));
              const bytes = new Uint8Array(await blob.arrayBuffer());
              let s = ''; for (const b of bytes) s += String.fromCharCode(b);
              return btoa(s);
            }
            """);
        return Convert.FromBase64String(base64);
    }

    private static async Task LocateAndPickCategory(IPage page, string categorySelector)
    {
        await page.TapAsync("#locate-me");
        await page.WaitForFunctionAsync("() => window.gridgovReport.state.pin !== null", null, Long);
        await Expect(page.Locator(".report-geo")).ToContainTextAsync("已定位");
        await Expect(page.Locator("#where-next")).ToBeEnabledAsync();
        await page.TapAsync("#where-next");
        await page.WaitForSelectorAsync(categorySelector);
    }

    [Fact]
    public async Task A_resident_reports_a_problem_with_a_photo_and_follows_it_by_the_tracking_link()
    {
        var (lon, lat) = await SpotInTown();
        var (context, page, errors) = await PhonePage(lon, lat);
        await using var _ = context;
        await MapSettled(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("report-1-where.png") });

        // Where: 定位我 puts the pin at the phone's position.
        const string plain = "[data-major] button.report-choice:not([data-streetlight])";
        await LocateAndPickCategory(page, plain);
        var pin = await page.EvaluateAsync<JsonElement>("() => window.gridgovReport.state.pin");
        // Geolocation travels as a float: within 1e-4 degrees (about 10 m).
        Assert.InRange(pin.GetProperty("lon").GetDouble(), lon - 1e-4, lon + 1e-4);
        Assert.InRange(pin.GetProperty("lat").GetDouble(), lat - 1e-4, lat + 1e-4);

        // What: the categories in plain words, grouped by major.
        Assert.True(await page.Locator("section.report-major h3").CountAsync() >= 2);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("report-2-category.png") });
        var choice = page.Locator(plain).First;
        var category = await choice.GetAttributeAsync("data-category");
        var categoryName = (await choice.TextContentAsync())!.Trim();
        await choice.TapAsync();

        // Details: a camera-sized photo (downscaled in the page), a description with markup in it, a phone.
        await Expect(page.Locator("[data-field=category]")).ToHaveTextAsync(categoryName);
        await page.SetInputFilesAsync("#photo-input", new FilePayload { Name = "IMG_0001.jpg", MimeType = "image/jpeg", Buffer = await CameraJpeg(page) });
        await Expect(page.Locator("#photo-preview")).ToBeVisibleAsync();
        var prepared = await page.EvaluateAsync<int[]>("() => [window.gridgovReport.state.photo.width, window.gridgovReport.state.photo.height]");
        Assert.Equal([2048, 1365], prepared);
        const string description = "小区门口的垃圾两天没人清运了 <b>很臭</b>";
        await page.FillAsync("#description", description);
        await page.FillAsync("#phone", "13800138000");
        await Expect(page.Locator("#phone-note")).ToContainTextAsync("只有工作人员能看到");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("report-3-details.png"), FullPage = true });
        await page.TapAsync("#send");

        // The answer: case number, team, deadline, the tracking link.
        await Expect(page.Locator("#case-number")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^#\d+$"), new() { Timeout = 30000 });
        var id = long.Parse((await page.Locator("#case-number").TextContentAsync())!.TrimStart('#'));
        await page.WaitForFunctionAsync("() => window.gridgovReport.state.photoSent === true", null, Long);
        var link = (await page.Locator("#tracking-link").TextContentAsync())!;
        Assert.StartsWith(new Uri(server.BaseAddress, $"/report/{id}?t=").ToString(), link);
        Assert.NotEqual("正在确定负责部门", (await page.Locator("#case-team").TextContentAsync())!.Trim());
        await page.TapAsync("#copy-link");
        await Expect(page.Locator("#copy-link")).ToHaveTextAsync("已复制");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("report-4-sent.png") });

        // As the dispatcher sees it: the resident's words as typed, the phone, one before-photo no larger than 2048 px.
        using var dispatcher = await StaffClient("dispatcher");
        var detail = await Json(await dispatcher.GetAsync($"/api/incidents/{id}"));
        Assert.Equal(category, detail.GetProperty("category").GetProperty("code").GetString());
        Assert.Equal("resident", detail.GetProperty("source").GetString());
        Assert.Equal(description, detail.GetProperty("description").GetString());
        var photo = Assert.Single(detail.GetProperty("photos").EnumerateArray());
        Assert.Equal("before", photo.GetProperty("kind").GetString());
        Assert.True(photo.GetProperty("width").GetInt32() <= 2048 && photo.GetProperty("height").GetInt32() <= 2048, photo.ToString());

        // The tracking page: status in words, the category, the history, the photo (its URL carries the token).
        await page.TapAsync("#open-tracking");
        await page.WaitForFunctionAsync("() => document.body.dataset.trackState === 'ok'", null, Long);
        var status = detail.GetProperty("status").GetString()!;
        await Expect(page.Locator("#case-status")).ToHaveAttributeAsync("data-status", status);
        await Expect(page.Locator("#case-category")).ToHaveTextAsync(categoryName);
        await Expect(page.Locator(".report-description")).ToHaveTextAsync(description);
        await Expect(page.Locator("#case-history li[data-action=report]")).ToContainTextAsync("提交报告");
        var img = page.Locator("#case-photos img[data-kind=before]");
        await Expect(img).ToHaveCountAsync(1);
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('#case-photos img'); return i && i.complete && i.naturalWidth > 0; }", null, Long);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("report-5-tracking.png"), FullPage = true });

        // The dispatcher registers it; the tracking page shows the new state.
        if (status == "reported")
        {
            await Json(await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/transitions", new { action = "register" }));
        }
        var after = (await Json(await dispatcher.GetAsync($"/api/incidents/{id}"))).GetProperty("status").GetString()!;
        Assert.NotEqual("reported", after);
        await page.TapAsync("#refresh");
        await Expect(page.Locator("#case-status")).ToHaveAttributeAsync("data-status", after);
        if (after == "registered")
        {
            await Expect(page.Locator("#case-status")).ToHaveTextAsync("已受理");
            await Expect(page.Locator("#case-history li[data-action=register]")).ToContainTextAsync("受理");
        }
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("report-6-tracking-registered.png"), FullPage = true });

        // English on request; the same case.
        await page.TapAsync("#report-lang");
        await Expect(page.Locator(".report-header h1")).ToHaveTextAsync("Case progress");
        await page.TapAsync("#report-lang");

        // A wrong token finds nothing, and says nothing more.
        await page.GotoAsync(new Uri(server.BaseAddress, $"/report/{id}?t=not-the-token").ToString());
        await page.WaitForFunctionAsync("() => document.body.dataset.trackState === 'notFound'", null, Long);
        await Expect(page.Locator("#not-found")).ToHaveTextAsync("没有找到这个案件");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("report-7-not-found.png") });

        // Back on the form, this phone remembers the case and its link.
        await page.GotoAsync(new Uri(server.BaseAddress, "/report").ToString());
        var mine = page.Locator($"#my-reports a[data-id='{id}']");
        await Expect(mine).ToContainTextAsync(categoryName);
        Assert.StartsWith($"/report/{id}?t=", await mine.GetAttributeAsync("href"));
        Assert.DoesNotContain(errors, e => !e.Contains("404"));
    }

    [Fact]
    public async Task A_streetlight_report_lists_the_lamps_near_the_pin_and_a_tapped_lamp_is_the_one_reported()
    {
        var lamp = await QuietLamp();
        // The phone stands some 25 m from the lamp.
        var (context, page, errors) = await PhonePage(lamp.Lon + 0.00025, lamp.Lat);
        await using var _ = context;
        await LocateAndPickCategory(page, "button.report-choice[data-streetlight]");
        var lampChoice = page.Locator("button.report-choice[data-category='01037']");
        if (await lampChoice.CountAsync() == 0) lampChoice = page.Locator("button.report-choice[data-streetlight]").First;
        await lampChoice.TapAsync();

        // The lamps near the pin: a list and markers on the map.
        await page.WaitForSelectorAsync("#lamp-list .report-lamp");
        await page.WaitForSelectorAsync(".lamp-marker");
        Assert.Equal(await page.Locator("#lamp-list .report-lamp").CountAsync(), await page.Locator(".lamp-marker").CountAsync());
        await MapSettled(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("report-lamps.png") });

        // Tap a lamp marker well clear of the pin (the nearest such): it becomes the asset and the pin moves onto it.
        var code = await page.EvaluateAsync<string>("""
            () => {
              const pin = document.querySelector('.report-pin').getBoundingClientRect();
              const px = pin.left + pin.width / 2, py = pin.bottom;
              let best = null, bestD = Infinity;
              for (const m of document.querySelectorAll('.lamp-marker')) {
                const r = m.getBoundingClientRect();
                const d = Math.hypot(r.left + r.width / 2 - px, r.top + r.height / 2 - py);
                const onScreen = r.top > 60 && r.bottom < window.innerHeight * 0.44 && r.left > 0 && r.right < window.innerWidth - 50;
                const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                const mine = hit === m || hit?.parentElement === m;
                if (d > 45 && onScreen && mine && d < bestD) { best = m.dataset.code; bestD = d; }
              }
              return best;
            }
            """);
        Assert.False(string.IsNullOrEmpty(code), "no lamp marker clear of the pin on screen");
        await page.Locator($".lamp-marker[data-code='{code}']").TapAsync();
        await page.WaitForFunctionAsync("code => window.gridgovReport.state.assetCode === code", code, Long);
        await Expect(page.Locator($".lamp-marker[data-code='{code}']")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bchosen\b"));
        await Expect(page.Locator(".report-lamp-chosen")).ToContainTextAsync(code);
        var chosen = await page.EvaluateAsync<JsonElement>("code => { const s = window.gridgovReport.state; return { pin: s.pin }; }", code);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("report-lamp-chosen.png") });

        await page.TapAsync("#lamp-next");
        await Expect(page.Locator("[data-field=asset]")).ToHaveTextAsync(code);
        await page.FillAsync("#description", "这盏路灯晚上不亮");
        await page.TapAsync("#send");
        await Expect(page.Locator("#case-number")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^#\d+$"), new() { Timeout = 30000 });
        var id = long.Parse((await page.Locator("#case-number").TextContentAsync())!.TrimStart('#'));

        using var dispatcher = await StaffClient("dispatcher");
        var detail = await Json(await dispatcher.GetAsync($"/api/incidents/{id}"));
        Assert.Equal(code, detail.GetProperty("assetCode").GetString());
        Assert.Equal(chosen.GetProperty("pin").GetProperty("lon").GetDouble(), detail.GetProperty("lon").GetDouble(), 5);
        Assert.Equal(chosen.GetProperty("pin").GetProperty("lat").GetDouble(), detail.GetProperty("lat").GetDouble(), 5);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Denied_geolocation_says_how_to_allow_it_and_a_tap_on_the_map_sets_the_pin()
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            IsMobile = true,
            HasTouch = true,
            Locale = "zh-CN",
        });
        await using var _ = context;
        var page = await context.NewPageAsync();
        // No permission granted: headless Chromium refuses the position.
        await page.GotoAsync(new Uri(server.BaseAddress, "/report").ToString());
        await page.WaitForFunctionAsync("() => document.body.dataset.mapReady === 'true'", null, Long);
        await page.TapAsync("#locate-me");
        await Expect(page.Locator(".report-geo")).ToContainTextAsync("在地图上点选", new() { Timeout = 20000 });
        await Expect(page.Locator("#where-next")).ToBeDisabledAsync();
        var box = (await page.Locator("#report-map canvas").BoundingBoxAsync())!;
        await page.Touchscreen.TapAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await page.WaitForFunctionAsync("() => window.gridgovReport.state.pin !== null", null, Long);
        await Expect(page.Locator("#where-next")).ToBeEnabledAsync();
        await MapSettled(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("report-geo-denied.png") });
    }

    [Fact]
    public async Task On_a_desktop_the_map_and_the_form_sit_side_by_side_and_English_is_one_tap_away()
    {
        var (lon, lat) = await SpotInTown();
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "zh-CN",
            Geolocation = new Geolocation { Longitude = (float)lon, Latitude = (float)lat, Accuracy = 20 },
            Permissions = ["geolocation"],
        });
        await using var _ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(server.BaseAddress, "/report").ToString());
        await page.WaitForFunctionAsync("() => document.body.dataset.mapReady === 'true'", null, Long);
        await page.ClickAsync("#locate-me");
        await page.WaitForFunctionAsync("() => window.gridgovReport.state.pin !== null", null, Long);
        await page.ClickAsync("#where-next");
        await page.WaitForSelectorAsync("button.report-choice");
        var map = (await page.Locator("#report-map").BoundingBoxAsync())!;
        var sheet = (await page.Locator("#report-sheet").BoundingBoxAsync())!;
        Assert.True(map.X + map.Width <= sheet.X + 1 && map.Height > 600, $"map {map.X},{map.Width}x{map.Height}; sheet {sheet.X}");
        await page.ClickAsync("#report-lang");
        await Expect(page.Locator("#report-sheet h2")).ToHaveTextAsync("2. What is the problem?");
        await MapSettled(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("report-desktop-en.png") });
        await page.ClickAsync("#report-lang");
        await Expect(page.Locator("#report-sheet h2")).ToHaveTextAsync("2. 是什么问题？");
    }

    [Fact]
    public async Task The_dispatchers_incident_panel_shows_the_residents_photo()
    {
        var (lon, lat) = await SpotInTown();
        using var resident = new HttpClient { BaseAddress = server.BaseAddress };
        var filed = await Json(await resident.PostAsJsonAsync("/api/incidents", new
        {
            clientRequestId = Guid.NewGuid().ToString(), category = await AnyPlainCategory(), source = "resident", lon, lat, description = "门口堆了建筑垃圾",
        }));
        var id = filed.GetProperty("id").GetInt64();
        var token = filed.GetProperty("trackingToken").GetString();

        var (context, page, errors) = await server.SignedInPageAsync("dispatcher");
        await using var _ = context;
        using (var form = new MultipartFormDataContent())
        {
            var jpeg = new ByteArrayContent(await CameraJpeg(page));
            jpeg.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            form.Add(jpeg, "file", "photo.jpg");
            await Json(await resident.PostAsync($"/api/incidents/{id}/photos?t={Uri.EscapeDataString(token!)}", form));
        }

        await page.EvaluateAsync("id => window.gridgov.openIncident(id)", id);
        var thumb = page.Locator("#incident-photos img[data-kind=before]");
        await Expect(thumb).ToHaveCountAsync(1);
        await page.WaitForFunctionAsync(
            "() => { const i = document.querySelector('#incident-photos img[data-kind=before]'); return i && i.src.startsWith('blob:') && i.complete && i.naturalWidth > 0; }",
            null, Long);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("report-dispatcher-photos.png") });

        await thumb.ClickAsync();
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('.photo-viewer img'); return i && i.complete && i.naturalWidth >= 1000; }", null, Long);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("report-dispatcher-photo-full.png") });
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator(".photo-viewer")).ToHaveCountAsync(0);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_desktop_map_at_phone_width_keeps_the_header_on_screen_and_folds_the_legend()
    {
        var (context, page, errors) = await server.SignedInPageAsync("admin");
        await using var _ = context;
        await page.SetViewportSizeAsync(390, 844);
        await page.WaitForTimeoutAsync(300);
        // Nothing in the header runs off its edge.
        var overflow = await page.EvaluateAsync<JsonElement>("""
            () => {
              const bar = document.getElementById('statusbar');
              const out = [...bar.children].filter(e => e.offsetParent !== null)
                .filter(e => { const r = e.getBoundingClientRect(); return r.right > window.innerWidth + 0.5 || r.left < -0.5 || r.bottom > bar.getBoundingClientRect().bottom + 0.5; })
                .map(e => e.id || e.className);
              return { out, scroll: bar.scrollWidth, client: bar.clientWidth };
            }
            """);
        Assert.True(overflow.GetProperty("out").GetArrayLength() == 0 && overflow.GetProperty("scroll").GetInt32() <= overflow.GetProperty("client").GetInt32(), overflow.ToString());
        // The legend is folded to its title: a button, not a panel over the map.
        var legend = page.Locator("#legend");
        await Expect(legend).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bcollapsed\b"));
        var folded = (await legend.BoundingBoxAsync())!;
        Assert.True(folded.Height < 60 && folded.Width < 200, $"folded legend {folded.Width}x{folded.Height}");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("desktop-phone-width.png") });
        await page.Locator(".legend-collapse").ClickAsync();
        await Expect(legend).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\bcollapsed\b"));
        var open = (await legend.BoundingBoxAsync())!;
        Assert.True(open.Height <= 844 * 0.5 + 1, $"open legend {open.Height}");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("desktop-phone-width-legend.png") });
        Assert.Empty(errors);
    }

    private async Task<string> AnyPlainCategory()
    {
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        var majors = await Json(await client.GetAsync("/api/report/categories"));
        return majors.EnumerateArray().SelectMany(m => m.GetProperty("categories").EnumerateArray())
            .First(c => !c.GetProperty("streetlight").GetBoolean() && c.GetProperty("code").GetString()!.StartsWith("06")).GetProperty("code").GetString()!;
    }
}
