using Microsoft.Playwright;

namespace GridGov.E2E;

public class MapTests(LiveServer server) : IClassFixture<LiveServer>
{
    [Fact]
    public async Task Dispatcher_signs_in_and_sees_the_grids_drawn()
    {
        var (context, page, errors) = await server.SignedInPageAsync("dispatcher");
        await using var _ = context;

        Assert.Equal("15", await page.EvaluateAsync<string>("() => document.body.dataset.largeGridCount"));
        Assert.True(int.Parse(await page.EvaluateAsync<string>("() => document.body.dataset.unitGridCount")) >= 600);

        // What MapLibre actually drew: features rendered on the canvas, by layer.
        var large = await page.EvaluateAsync<int>("() => new Set(window.gridgov.map.queryRenderedFeatures({ layers: ['large-grid-fill'] }).map(f => f.properties.code)).size");
        var units = await page.EvaluateAsync<int>("() => window.gridgov.map.queryRenderedFeatures({ layers: ['unit-grid-line'] }).length");
        var posts = await page.EvaluateAsync<int>("() => window.gridgov.map.queryRenderedFeatures({ layers: ['post-point'] }).length");
        Assert.True(large >= 10, $"{large} large grids drawn");
        Assert.True(units > 100, $"{units} unit grid outlines drawn");
        Assert.True(posts > 10, $"{posts} key posts drawn");

        // And the canvas is not blank: many distinct colours where the grids are filled.
        var colours = await page.EvaluateAsync<int>("""
            () => {
              const src = window.gridgov.map.getCanvas();
              const c = document.createElement('canvas'); c.width = src.width; c.height = src.height;
              const ctx = c.getContext('2d'); ctx.drawImage(src, 0, 0);
              const d = ctx.getImageData(0, 0, c.width, c.height).data; const seen = new Set();
              for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i] >> 4) << 8 | (d[i + 1] >> 4) << 4 | (d[i + 2] >> 4));
              return seen.size;
            }
            """);
        Assert.True(colours > 20, $"{colours} colours on the canvas");

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(LiveServer.Artifacts, "grids-map.png") });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_wrong_password_shows_the_server_detail()
    {
        var page = await server.Browser.NewPageAsync();
        await page.GotoAsync(server.BaseAddress.ToString());
        await page.FillAsync("#login-username", "dispatcher");
        await page.FillAsync("#login-password", "wrong");
        await page.ClickAsync("#login-submit");
        var error = page.Locator("#login-error");
        await Assertions.Expect(error).ToContainTextAsync("not correct", new LocatorAssertionsToContainTextOptions { Timeout = 15000 });
        await page.CloseAsync();
    }
}
