using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace GridGov.E2E;

public class IncidentMapTests(LiveServer server) : IClassFixture<LiveServer>
{
    [Fact]
    public async Task A_dispatcher_sees_a_new_report_on_the_map_opens_it_and_registers_it()
    {
        // A resident reports at a point inside the first unit grid; the description carries markup.
        await using var cmd = server.DataSource.CreateCommand(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(geometry) p FROM grids WHERE level = 'Unit' ORDER BY code LIMIT 1 OFFSET $1) x");
        cmd.Parameters.AddWithValue(Random.Shared.Next(0, 60)); // a rerun on the same database must not land on its own earlier report (a duplicate)
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (lon, lat) = (reader.GetDouble(0), reader.GetDouble(1));
        const string description = "<b>粗体</b><script>window.hacked = 1</script> 路边堆放杂物";
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var created = await http.PostAsJsonAsync("/api/incidents", new { category = "10099", source = "resident", lon, lat, description });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        var (context, page, errors) = await server.SignedInPageAsync("dispatcher");
        await using var _ = context;

        // The new report is drawn as a 'new' incident where it was reported.
        await page.EvaluateAsync("([lon, lat]) => { window.gridgov.map.jumpTo({ center: [lon, lat], zoom: 16 }); }", new[] { lon, lat });
        await page.EvaluateAsync("async () => { await window.gridgov.refreshIncidents(); }");
        try
        {
            await page.WaitForFunctionAsync(
                "id => window.gridgov.map.queryRenderedFeatures({ layers: ['incidents-point'] }).some(f => f.properties.id === id && f.properties.state === 'new')",
                id, new PageWaitForFunctionOptions { Timeout = 30000 });
        }
        catch (TimeoutException)
        {
            var drawn = await page.EvaluateAsync<string>("() => JSON.stringify(window.gridgov.map.queryRenderedFeatures({ layers: ['incidents-point'] }).map(f => f.properties))");
            throw new Xunit.Sdk.XunitException($"incident {id} was not drawn; drawn: {drawn}; created: {await created.Content.ReadAsStringAsync()}");
        }

        // Opening it shows the history; the markup is text, not HTML.
        await page.EvaluateAsync("async id => { await window.gridgov.openIncident(id); }", id);
        await page.WaitForFunctionAsync("id => document.body.dataset.incidentOpen === String(id)", id);
        var panel = page.Locator("#incident-detail");
        await Assertions.Expect(panel).ToContainTextAsync("<b>粗体</b>");
        Assert.Equal(0, await page.Locator("#incident-detail b, #incident-detail script").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("() => window.hacked ?? null"));
        await Assertions.Expect(page.Locator("#incident-history > li")).ToHaveCountAsync(1);

        // Register it from the panel: the status and the history follow.
        await page.ClickAsync(".incident-action[data-action=register]");
        await page.WaitForFunctionAsync("() => document.body.dataset.incidentStatus === 'registered'", null, new PageWaitForFunctionOptions { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#incident-history > li")).ToHaveCountAsync(2);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(LiveServer.Artifacts, "incident-panel.png") });
        Assert.Empty(errors);
    }
}
