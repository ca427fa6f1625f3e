using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace GridGov.E2E;

/// <summary>The service for the community orders' tests: no duplicate merging of their cases, photos in a temporary directory.</summary>
public sealed class CommunityLiveServer() : LiveServer("GRIDGOV_TEST_DB", new Dictionary<string, string>
{
    ["Incidents:DuplicateRadiusM"] = "0.01",
    ["Photos:Directory"] = Path.Combine(Path.GetTempPath(), "gridgov-e2e-community-photos"),
});

/// <summary>
/// The three orders (三单) in real browsers: two members on /m/ at 390×844 see an order the community worker opens,
/// one takes it, it leaves the other's list at once and shows in the taker's 我的, who reports it done with a photo;
/// the community page at 1280×800 scores a done order and shows it on its 积分 tab.
/// </summary>
public class CommunityOrdersTests(CommunityLiveServer server) : IClassFixture<CommunityLiveServer>
{
    private static readonly PageWaitForFunctionOptions Long = new() { Timeout = 30000 };
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 30000 };

    private static string Shot(string name) => Path.Combine(LiveServer.Artifacts, $"community-{name}.png");

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

    /// <summary>The community worker's community, its station's point and an active category.</summary>
    private static async Task<(string Community, double Lon, double Lat, string Category)> Home(HttpClient worker)
    {
        var me = await Json(await worker.GetAsync("/api/me"));
        var community = me.GetProperty("communities")[0].GetString()!;
        var stations = await Json(await worker.GetAsync("/api/stations"));
        var station = stations.GetProperty("features").EnumerateArray().First(f => f.GetProperty("properties").GetProperty("community").GetString() == community);
        var xy = station.GetProperty("geometry").GetProperty("coordinates");
        var categories = await Json(await worker.GetAsync("/api/categories"));
        var category = categories.EnumerateArray().First(c => !c.TryGetProperty("active", out var a) || a.GetBoolean()).GetProperty("code").GetString()!;
        return (community, xy[0].GetDouble(), xy[1].GetDouble(), category);
    }

    /// <summary>A walk-in request recorded at the station, a few metres off its point, turned into an order for the pool.</summary>
    private static async Task<(long Incident, long Order)> Ordered(HttpClient worker, string description)
    {
        var (_, lon, lat, category) = await Home(worker);
        lon += (Random.Shared.NextDouble() - 0.5) * 0.0004;
        lat += (Random.Shared.NextDouble() - 0.5) * 0.0004;
        var created = await Json(await worker.PostAsJsonAsync("/api/incidents", new { category, source = "community", lon, lat, description }));
        var incident = created.GetProperty("id").GetInt64();
        var order = await Json(await worker.PostAsJsonAsync($"/api/incidents/{incident}/order", new { }));
        return (incident, order.GetProperty("id").GetInt64());
    }

    private static async Task<byte[]> Jpeg(IPage page)
    {
        var base64 = await page.EvaluateAsync<string>("""
            () => {
              const c = document.createElement('canvas'); c.width = 800; c.height = 600;
              const g = c.getContext('2d');
              g.fillStyle = '#2f855a'; g.fillRect(0, 0, 800, 600);
              g.fillStyle = '#fff'; g.font = '60px sans-serif'; g.fillText('done 已完成', 100, 320);
              return c.toDataURL('image/jpeg', 0.9).split(',')[1];
            }
            """);
        return Convert.FromBase64String(base64);
    }

    /// <summary>A phone at the station's point, signed in as <paramref name="username"/> at /m/, the orders hub connected.</summary>
    private async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> Phone(string username, double lon, double lat)
    {
        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
            Geolocation = new Geolocation { Longitude = (float)lon, Latitude = (float)lat, Accuracy = 8 },
            Permissions = ["geolocation"],
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(new Uri(server.BaseAddress, "/m/").ToString());
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync(Visible);
        await page.FillAsync("#login-username", username);
        await page.FillAsync("#login-password", "gridgov-demo");
        await page.ClickAsync("#login-submit");
        await page.WaitForFunctionAsync("() => document.body.dataset.mobileReady === 'true'", null, Long);
        await page.WaitForFunctionAsync("() => document.body.dataset.ordersHub === 'connected'", null, Long);
        return (context, page, errors);
    }

    [Fact]
    public async Task Two_members_see_an_order_live_the_first_takes_it_and_it_leaves_the_others_list()
    {
        using var worker = await ClientFor("community");
        var (_, lon, lat, _) = await Home(worker);
        var (ctxA, a, errorsA) = await Phone("member", lon, lat);
        var (ctxB, b, errorsB) = await Phone("member2", lon, lat);
        try
        {
            await Expect(a.Locator("#member-view")).ToBeVisibleAsync();
            await Expect(a.Locator("#duty-toggle")).ToBeHiddenAsync();
            await Expect(a.Locator("#tabbar")).ToBeHiddenAsync();

            // A resident's words with markup: shown as text, never as HTML.
            const string words = "楼道灯坏了 <b>三天</b>，老人上下楼不方便";
            var (incident, order) = await Ordered(worker, words);
            var cardA = a.Locator($"#open-orders [data-order-id='{order}']");
            var cardB = b.Locator($"#open-orders [data-order-id='{order}']");
            await Expect(cardA).ToBeVisibleAsync(Visible);
            await Expect(cardB).ToBeVisibleAsync(Visible);
            await Expect(cardA.Locator(".m-order-text")).ToHaveTextAsync(words);
            Assert.Equal(0, await cardA.Locator(".m-order-text b").CountAsync());
            await Expect(cardA.Locator(".m-order-left")).ToContainTextAsync("剩余");
            await Expect(cardA).ToContainTextAsync("米");
            await a.ScreenshotAsync(new() { Path = Shot("member-orders") });

            // A takes it; B's list drops it as soon as the hub says so.
            await cardA.Locator("button[data-action=take]").ClickAsync();
            await b.WaitForFunctionAsync($"() => !document.querySelector(\"#open-orders [data-order-id='{order}']\")", null, Long);
            await Expect(cardB).ToHaveCountAsync(0);

            // A's 我的 has it, with 完成.
            await a.ClickAsync("#member-tabbar button[data-mtab=mine]");
            var mine = a.Locator($"#my-orders [data-order-id='{order}']");
            await Expect(mine).ToBeVisibleAsync(Visible);
            await Expect(mine.Locator(".m-status")).ToHaveTextAsync("已接单");

            // 完成 with a note and a photo (re-encoded on the phone before it goes).
            await mine.Locator("button[data-action=done]").ClickAsync();
            await mine.Locator("textarea").FillAsync("已更换灯泡");
            await mine.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "after.jpg", MimeType = "image/jpeg", Buffer = await Jpeg(a) });
            await Expect(mine.Locator("img.m-preview")).ToBeVisibleAsync();
            await a.ScreenshotAsync(new() { Path = Shot("member-done-form") });
            await mine.Locator("button[data-action=done-submit]").ClickAsync();
            var finished = a.Locator($"#my-finished [data-order-id='{order}']");
            await Expect(finished).ToBeVisibleAsync(Visible);
            await Expect(finished.Locator(".m-status")).ToHaveTextAsync("待评分");
            var photos = await Json(await worker.GetAsync($"/api/incidents/{incident}/photos"));
            Assert.Contains(photos.EnumerateArray(), p => p.GetProperty("kind").GetString() == "after");

            // B taps 接单 just as A takes it (A's take goes first, held in B's request): B's card keeps the server's words.
            var (_, second) = await Ordered(worker, "小区门口垃圾堆放");
            var staleB = b.Locator($"#open-orders [data-order-id='{second}']");
            await Expect(staleB).ToBeVisibleAsync(Visible);
            using var memberA = await ClientFor("member");
            await b.RouteAsync("**/api/orders/*/take", async route =>
            {
                await Json(await memberA.PostAsync($"/api/orders/{second}/take", null));
                await route.ContinueAsync();
            });
            await staleB.Locator("button[data-action=take]").ClickAsync();
            await Expect(staleB).ToHaveAttributeAsync("data-problem", "409", new() { Timeout = 30000 });
            await Expect(staleB.Locator(".m-offer-problem")).ToContainTextAsync("was taken by");
            await Expect(staleB.Locator("button[data-action=take]")).ToHaveCountAsync(0);
            await staleB.ScrollIntoViewIfNeededAsync();
            await b.ScreenshotAsync(new() { Path = Shot("member-taken-409") });
            await staleB.Locator("button[data-action=dismiss]").ClickAsync();
            await Expect(staleB).ToHaveCountAsync(0);
            await b.UnrouteAsync("**/api/orders/*/take");

            // 积分 and the availability toggle.
            await worker.PostAsJsonAsync($"/api/orders/{order}/score", new { score = 5, note = "及时" });
            await a.ClickAsync("#member-tabbar button[data-mtab=points]");
            await a.WaitForFunctionAsync("() => document.body.dataset.pointsLoaded === 'true'", null, Long);
            await Expect(a.Locator("#points-board tr.m-me")).ToBeVisibleAsync(Visible);
            await a.ScreenshotAsync(new() { Path = Shot("member-points") });
            await a.ClickAsync("#member-tabbar button[data-mtab=mine]");
            await Expect(finished.Locator(".m-order-score")).ToContainTextAsync("5", new() { Timeout = 30000 });
            await a.ScreenshotAsync(new() { Path = Shot("member-mine") });
            await a.ClickAsync("#available-toggle");
            await a.WaitForFunctionAsync("() => document.body.dataset.available === 'false'", null, Long);
            await Expect(a.Locator("#available-toggle")).ToHaveTextAsync("恢复接单");
            // English, with the app's own toggle.
            await a.ClickAsync("#lang-toggle");
            await Expect(a.Locator("#member-tabbar button[data-mtab=points]")).ToHaveTextAsync("Points");
            await Expect(a.Locator("#available-toggle")).ToHaveTextAsync("Resume");
            await a.ScreenshotAsync(new() { Path = Shot("member-mine-en") });
            await a.ClickAsync("#lang-toggle");
            await a.ClickAsync("#available-toggle");
            await a.WaitForFunctionAsync("() => document.body.dataset.available === 'true'", null, Long);

            Assert.Empty(errorsA);
            Assert.Empty(errorsB);
        }
        finally
        {
            await ctxA.CloseAsync();
            await ctxB.CloseAsync();
        }
    }

    [Fact]
    public async Task The_community_page_scores_a_done_order_and_shows_it_on_the_points_tab()
    {
        using var worker = await ClientFor("community");
        using var member = await ClientFor("member3");
        var (incident, order) = await Ordered(worker, "单元门禁损坏");
        await Json(await member.PostAsync($"/api/orders/{order}/take", null));

        var context = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "zh-CN",
            TimezoneId = "Asia/Shanghai",
        });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        try
        {
            using (var photo = new MultipartFormDataContent())
            {
                var file = new ByteArrayContent(await Jpeg(page));
                file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                photo.Add(file, "file", "after.jpg");
                photo.Add(new StringContent("after"), "kind");
                await Json(await member.PostAsync($"/api/incidents/{incident}/photos", photo));
            }
            await Json(await member.PostAsJsonAsync($"/api/orders/{order}/done", new { note = "已修好" }));

            await page.GotoAsync(new Uri(server.BaseAddress, "/community/").ToString());
            await Expect(page.Locator("#login-form")).ToBeVisibleAsync(Visible);
            await page.FillAsync("#login-username", "community");
            await page.FillAsync("#login-password", "gridgov-demo");
            await page.ClickAsync("#login-submit");
            await page.WaitForFunctionAsync("() => document.body.dataset.communityReady === 'true'", null, Long);
            await page.WaitForFunctionAsync("() => document.body.dataset.intakeMap === 'idle'", null, Long);
            await page.ClickAsync("#intake-station");
            await Expect(page.Locator("#intake-where")).Not.ToContainTextAsync("尚未");
            await page.ScreenshotAsync(new() { Path = Shot("page-intake") });
            // A walk-in recorded on the page: category, the resident's words and phone, the station's point (another
            // category than the meeting's issue raised below at the same point, which would be its duplicate).
            await page.Locator("#intake-category").SelectOptionAsync(new SelectOptionValue { Index = 3 });
            await page.FillAsync("#intake-description", "三楼楼道堆放杂物 <script>x</script>");
            await page.FillAsync("#intake-phone", "13912345678");
            await page.ClickAsync("#intake-submit");
            await Expect(page.Locator("#intake-result[data-incident-id]")).ToBeVisibleAsync(Visible);
            var walkIn = long.Parse((await page.Locator("#intake-result").GetAttributeAsync("data-incident-id"))!);
            var recorded = await Json(await worker.GetAsync($"/api/incidents/{walkIn}"));
            Assert.Equal("community", recorded.GetProperty("source").GetString());
            Assert.Equal("三楼楼道堆放杂物 <script>x</script>", recorded.GetProperty("description").GetString());

            // 待派单: a walk-in case recorded through the API waits there; 派单 sends it to the pool.
            var (_, lon, lat, category) = await Home(worker);
            var waiting = (await Json(await worker.PostAsJsonAsync("/api/incidents",
                new { category, source = "community", lon = lon + 0.0003, lat, description = "电动车楼道充电" }))).GetProperty("id").GetInt64();
            await page.ClickAsync("button.c-tab[data-tab=cases]");
            var caseRow = page.Locator($"#cases-table [data-case-id='{waiting}']");
            await Expect(caseRow).ToBeVisibleAsync(Visible);
            await Expect(page.Locator($"#cases-table [data-case-id='{incident}']")).ToHaveCountAsync(0);
            await Expect(page.Locator($"#cases-table [data-case-id='{walkIn}'] .c-text")).ToHaveTextAsync("三楼楼道堆放杂物 <script>x</script>");
            await page.ScreenshotAsync(new() { Path = Shot("page-cases") });
            await caseRow.Locator("button[data-action=pool]").ClickAsync();
            await Expect(caseRow).ToHaveCountAsync(0, new() { Timeout = 30000 });
            await Expect(page.Locator("#page-message")).ToContainTextAsync("订单");

            await page.ClickAsync("button.c-tab[data-tab=orders]");
            var row = page.Locator($"#orders-table [data-order-id='{order}']");
            await Expect(row).ToBeVisibleAsync(Visible);
            await Expect(row.Locator(".c-status")).ToHaveTextAsync("待评分");
            await page.ScreenshotAsync(new() { Path = Shot("page-orders") });
            await row.Locator("button[data-score='4']").ClickAsync();
            await Expect(row.Locator(".c-status")).ToHaveTextAsync("已评分", new() { Timeout = 30000 });

            await page.ClickAsync("button.c-tab[data-tab=points]");
            await page.WaitForFunctionAsync("() => document.body.dataset.pointsLoaded === 'true'", null, Long);
            var name = (await Json(await worker.GetAsync($"/api/orders/{order}"))).GetProperty("memberName").GetString()!;
            await Expect(page.Locator("#points-table")).ToContainTextAsync(name, new() { Timeout = 30000 });
            await page.ScreenshotAsync(new() { Path = Shot("page-points") });

            await page.ClickAsync("button.c-tab[data-tab=members]");
            await page.WaitForFunctionAsync("() => document.body.dataset.membersLoaded === 'true'", null, Long);
            await Expect(page.Locator("#members-table tbody tr")).Not.ToHaveCountAsync(0);
            await page.ScreenshotAsync(new() { Path = Shot("page-members") });

            // 议事: a four-party meeting recorded on the page, its issue raised as an order.
            await page.ClickAsync("button.c-tab[data-tab=meetings]");
            await page.WaitForFunctionAsync("() => document.body.dataset.meetingsLoaded === 'true'", null, Long);
            await page.ClickAsync("#meeting-new");
            await page.FillAsync("#meeting-topic", "车棚改造");
            var names = page.Locator("#meeting-attendees .c-attendee input");
            string[] people = ["社区王主任", "下沉干部李", "物业张经理", "居民赵阿姨"];
            for (var i = 0; i < people.Length; i++) await names.Nth(i).FillAsync(people[i]);
            await page.FillAsync("#meeting-issues", "车棚顶棚漏雨需维修");
            await page.ClickAsync("#meeting-form-box button[type=submit]");
            var meetingRow = page.Locator("#meetings-table tbody tr").First;
            await Expect(meetingRow).ToContainTextAsync("车棚改造", new() { Timeout = 30000 });
            await meetingRow.Locator("button[data-action=open]").ClickAsync();
            var issue = page.Locator(".c-meeting li[data-issue='1']");
            await Expect(issue).ToBeVisibleAsync(Visible);
            await issue.Locator("select").Nth(1).SelectOptionAsync(new SelectOptionValue { Index = 1 });
            await issue.Locator("button[data-action=raise]").ClickAsync();
            try
            {
                await Expect(page.Locator(".c-meeting li[data-issue='1']")).ToContainTextAsync("已转", new() { Timeout = 30000 });
            }
            catch (PlaywrightException)
            {
                throw new Xunit.Sdk.XunitException($"not raised: {await page.Locator("#page-message").TextContentAsync()}");
            }
            await page.ScreenshotAsync(new() { Path = Shot("page-meetings") });

            // A tablet held upright: the intake form above its map.
            await page.SetViewportSizeAsync(820, 1180);
            await page.ClickAsync("button.c-tab[data-tab=intake]");
            await page.WaitForFunctionAsync("() => document.body.dataset.intakeMap === 'idle'", null, Long);
            await page.ScreenshotAsync(new() { Path = Shot("page-intake-tablet") });
            await page.SetViewportSizeAsync(1280, 800);

            // English on the same page.
            await page.ClickAsync("#lang-toggle");
            await Expect(page.Locator("button.c-tab[data-tab=points]")).ToHaveTextAsync("Points");
            await page.ClickAsync("#lang-toggle");
            Assert.Empty(errors);
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_map_shows_the_stations_and_the_report_page_the_nearest_one()
    {
        using var worker = await ClientFor("community");
        var (community, lon, lat, _) = await Home(worker);

        var (context, page, errors) = await server.SignedInPageAsync("dispatcher");
        try
        {
            await page.WaitForFunctionAsync("() => Number(document.body.dataset.stationsLoaded) > 0", null, Long);
            await Expect(page.Locator("#layer-toggle-stations")).ToBeCheckedAsync();
            // The other tests' cases lie a few metres off the station: the incidents layer off, so the click finds the station.
            await page.UncheckAsync("#layer-toggle-incidents");
            var at = await page.EvaluateAsync<JsonElement>($$"""
                async () => {
                  const map = window.gridgov.map;
                  map.jumpTo({ center: [{{lon}}, {{lat}}], zoom: 19 });
                  await new Promise((r) => map.once('idle', r));
                  const p = map.project([{{lon}}, {{lat}}]);
                  return { x: p.x, y: p.y };
                }
                """);
            await page.Mouse.ClickAsync(at.GetProperty("x").GetSingle(), at.GetProperty("y").GetSingle());
            var popup = page.Locator(".station-popup");
            await Expect(popup).ToBeVisibleAsync(Visible);
            // The station's hours as they stand (the API tests, on the same database, may have edited them).
            var stations = await Json(await worker.GetAsync("/api/stations"));
            var hours = stations.GetProperty("features").EnumerateArray()
                .First(f => f.GetProperty("properties").GetProperty("community").GetString() == community)
                .GetProperty("properties").GetProperty("hours").GetString()!;
            await Expect(popup.Locator("dd[data-field=hours]")).ToContainTextAsync(hours);
            await page.ScreenshotAsync(new() { Path = Shot("map-station") });
            Assert.Empty(errors);
        }
        finally
        {
            await context.CloseAsync();
        }

        var phone = await server.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            Locale = "zh-CN",
            Geolocation = new Geolocation { Longitude = (float)(lon + 0.001), Latitude = (float)lat, Accuracy = 10 },
            Permissions = ["geolocation"],
        });
        try
        {
            var resident = await phone.NewPageAsync();
            var seen = new List<string>();
            resident.PageError += (_, e) => seen.Add(e);
            resident.Response += (_, r) => { if (r.Url.Contains("/api/stations")) seen.Add($"{r.Status} {r.Url}"); };
            await resident.GotoAsync(new Uri(server.BaseAddress, "/report").ToString());
            await resident.ClickAsync("#locate-me");
            var card = resident.Locator("#nearest-station");
            try
            {
                await Expect(card).ToBeVisibleAsync(Visible);
            }
            catch (PlaywrightException e)
            {
                throw new Xunit.Sdk.XunitException($"no nearest station card; seen: {string.Join(" | ", seen)}; {e.Message}");
            }
            await Expect(card.Locator("[data-field=distance]")).ToContainTextAsync("米");
            await Expect(card.Locator("[data-field=phone] a")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("^tel:"));
            await Expect(card).ToHaveAttributeAsync("data-code", $"ST{community}");
            await resident.ScreenshotAsync(new() { Path = Shot("report-station") });
        }
        finally
        {
            await phone.CloseAsync();
        }
    }
}
