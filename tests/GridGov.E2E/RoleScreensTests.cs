using Microsoft.Playwright;

namespace GridGov.E2E;

/// <summary>Every demo role signs in and gets a working first screen (a planner's is the planner's map): no console error, no failed request, no hub it may not open.</summary>
public class RoleScreensTests(LiveServer server) : IClassFixture<LiveServer>
{
    [Theory]
    [InlineData("admin", "系统管理员", true)]
    [InlineData("dispatcher", "调度员", true)]
    [InlineData("planner", "规划员", false)]
    [InlineData("crew", "巡查队员", true)]
    [InlineData("leader", "领导", true)]
    public async Task Each_role_s_first_screen_opens_cleanly(string role, string roleName, bool live)
    {
        var consoleErrors = new List<string>();
        var failed = new List<string>();
        var negotiations = 0;
        Task Watch(IPage page)
        {
            page.Console += (_, m) =>
            {
                if (m.Type == "error") lock (consoleErrors) consoleErrors.Add(m.Text);
            };
            page.RequestFailed += (_, r) =>
            {
                lock (failed) failed.Add($"{r.Method} {r.Url}: {r.Failure}");
            };
            page.Response += (_, r) =>
            {
                if (r.Status >= 400) lock (failed) failed.Add($"{r.Request.Method} {r.Url}: {r.Status}");
            };
            page.Request += (_, r) =>
            {
                if (new Uri(r.Url).AbsolutePath.StartsWith("/hubs/live/negotiate", StringComparison.Ordinal)) Interlocked.Increment(ref negotiations);
            };
            return Task.CompletedTask;
        }

        var (context, page, errors) = await server.SignedInPageAsync(role, Watch);
        await using var _ = context;
        if (live)
        {
            await page.WaitForFunctionAsync("() => document.body.dataset.liveState === 'connected' && document.body.dataset.crewsLoaded === 'true'",
                null, new PageWaitForFunctionOptions { Timeout = 30000 });
            await Assertions.Expect(page.Locator("#live-state")).ToHaveTextAsync("已连接");
            await Assertions.Expect(page.Locator("#legend .legend-group[data-group=crews]")).ToBeVisibleAsync();
        }
        else
        {
            Assert.Equal("off", await page.EvaluateAsync<string>("() => document.body.dataset.liveState"));
            await Assertions.Expect(page.Locator("#live-state")).ToBeHiddenAsync();
            await Assertions.Expect(page.Locator("#legend .legend-group[data-group=crews]")).ToBeHiddenAsync();
        }
        await Assertions.Expect(page.Locator("#status-user .status-role")).ToHaveTextAsync(roleName);
        // A planner's first screen is the planner's map, on the published plan; an admin has its button; nobody else.
        if (role == "planner")
        {
            await Assertions.Expect(page.Locator("#planner-panel .planner-current[data-status=published]")).ToBeVisibleAsync();
            await page.WaitForFunctionAsync("() => document.body.dataset.plannerBusy === 'false'", null, new PageWaitForFunctionOptions { Timeout = 30000 });
        }
        else await Assertions.Expect(page.Locator("#planner-panel")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#planner-button")).ToBeVisibleAsync(new() { Visible = role is "planner" or "admin" });
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(LiveServer.Artifacts, $"first-screen-{role}.png") });
        // One negotiation for a role the hub admits (then the WebSocket stays open); none for one it does not.
        Assert.Equal(live ? 1 : 0, Volatile.Read(ref negotiations));
        lock (failed) Assert.True(failed.Count == 0, $"{role}: failed requests: {string.Join("; ", failed)}");
        lock (consoleErrors) Assert.True(consoleErrors.Count == 0, $"{role}: console errors: {string.Join("; ", consoleErrors)}");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_live_connection_the_server_refuses_stops_and_says_why()
    {
        // As if the dispatcher's role had been taken away meanwhile: the hub's negotiation answers 403.
        var negotiations = 0;
        Task Refuse(IPage page) => page.RouteAsync("**/hubs/live/negotiate**", async route =>
        {
            Interlocked.Increment(ref negotiations);
            await route.FulfillAsync(new RouteFulfillOptions { Status = 403, Body = "" });
        });

        var (context, page, errors) = await server.SignedInPageAsync("dispatcher", Refuse);
        await using var _ = context;
        await page.WaitForFunctionAsync("() => document.body.dataset.liveState === 'refused'", null, new PageWaitForFunctionOptions { Timeout = 30000 });
        await Assertions.Expect(page.Locator("#live-state")).ToHaveTextAsync("无实时权限");
        await Assertions.Expect(page.Locator("#notices .notice[data-kind=error]")).ToContainTextAsync("（403）");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        // Refused means no timer is left to try again: the one negotiation stays the only one.
        Assert.Equal(1, Volatile.Read(ref negotiations));
        Assert.Equal("refused", await page.EvaluateAsync<string>("() => document.body.dataset.liveState"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(LiveServer.Artifacts, "live-refused.png") });
        Assert.Empty(errors);
    }
}
