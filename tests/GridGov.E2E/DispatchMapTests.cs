using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace GridGov.E2E;

public class DispatchMapTests(LiveServer server) : IClassFixture<LiveServer>
{
    [Fact]
    public async Task A_dispatcher_watches_a_crew_move_after_a_posted_position()
    {
        // A landscaping crew of a later team: the API tests never place it, so its previous fix (if any) is its own.
        await using var cmd = server.DataSource.CreateCommand("""
            SELECT c.id, ST_X(p), ST_Y(p) FROM crews c JOIN teams t ON t.id = c.team_id
            CROSS JOIN LATERAL (SELECT ST_PointOnSurface(geometry) p FROM grids g WHERE g.level = 'Unit' AND g.parent_code = t.large_grid_code ORDER BY g.code LIMIT 1) u
            WHERE c.role = 'Landscaping' AND c.team_id >= 10 ORDER BY c.id LIMIT 1
            """);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (crewId, lon, lat) = (reader.GetInt32(0), reader.GetDouble(1), reader.GetDouble(2));

        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        var token = (await (await http.PostAsJsonAsync("/api/auth/token", new { username = "admin", password = "gridgov-demo" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        async Task Post(double x, double y, DateTimeOffset t)
        {
            var response = await http.PostAsJsonAsync("/api/positions", new[] { new { crewId, lon = x, lat = y, t = t.ToString("O"), accuracyM = 6 } });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode && body.Contains("\"accepted\":1"), body);
        }
        var t0 = DateTimeOffset.UtcNow.AddSeconds(-20);
        await Post(lon, lat, t0);

        var (context, page, errors) = await server.SignedInPageAsync("dispatcher");
        await using var _ = context;
        await page.EvaluateAsync("([lon, lat]) => { window.gridgov.map.jumpTo({ center: [lon, lat], zoom: 16 }); }", new[] { lon, lat });
        await page.WaitForFunctionAsync("() => document.body.dataset.liveState === 'connected' && document.body.dataset.crewsLoaded === 'true'",
            null, new PageWaitForFunctionOptions { Timeout = 30000 });
        await page.WaitForFunctionAsync("([id, lon]) => { const p = window.gridgov.renderedCrew(id); return p && Math.abs(p[0] - lon) < 1e-7; }",
            new object[] { crewId, lon }, new PageWaitForFunctionOptions { Timeout = 15000 });

        // Thirty metres east, ten seconds later: the crew's point moves there on the live map.
        var east = lon + 0.0003;
        await Post(east, lat, t0.AddSeconds(10));
        await page.WaitForFunctionAsync("([id, lon]) => { const p = window.gridgov.crewPosition(id); return p && Math.abs(p.lon - lon) < 1e-7; }",
            new object[] { crewId, east }, new PageWaitForFunctionOptions { Timeout = 15000 });
        await page.WaitForFunctionAsync("([id, lon]) => { const p = window.gridgov.renderedCrew(id); return p && Math.abs(p[0] - lon) < 1e-7; }",
            new object[] { crewId, east }, new PageWaitForFunctionOptions { Timeout = 15000 });
        var drawn = await page.EvaluateAsync<bool>(
            "id => window.gridgov.map.queryRenderedFeatures({ layers: ['crews-point'] }).some(f => f.id === id || f.properties.crewId === id)", crewId);
        Assert.True(drawn, "the crew's point is not rendered on the map");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(LiveServer.Artifacts, "dispatch-map.png") });
        Assert.Empty(errors);
    }
}
