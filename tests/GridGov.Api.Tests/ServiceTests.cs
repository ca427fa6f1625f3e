using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Data;
using GridGov.Api.Demo;
using GridGov.Api.Platform;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace GridGov.Api.Tests;

[Collection(ApiCollection.Name)]
public class ServiceTests(GridGovFactory app)
{
    [Fact]
    public async Task Health_checks_the_database()
    {
        using var client = app.CreateClient();
        var health = await client.GetFromJsonAsync<JsonElement>("/health");
        Assert.Equal("healthy", health.GetProperty("status").GetString());
        Assert.StartsWith("3.", health.GetProperty("postgis").GetString());
    }

    [Fact]
    public async Task Without_its_database_health_is_503_and_only_an_admin_sees_why()
    {
        await using var relay = TcpRelay.ToTestDatabase();
        using var host = app.WithWebHostBuilder(b => b.UseSetting("ConnectionStrings:GridGov", relay.ConnectionString));
        using var anonymous = host.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);
        using var admin = host.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", await app.TokenFor("admin"));
        using var dispatcher = host.CreateClient();
        dispatcher.DefaultRequestHeaders.Authorization = new("Bearer", await app.TokenFor("dispatcher"));

        relay.Cut();
        var hidden = await ProblemAssert.IsProblem(await anonymous.GetAsync("/health"), HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HealthApi.DatabaseDown, hidden.GetProperty("detail").GetString());
        var staff = await ProblemAssert.IsProblem(await dispatcher.GetAsync("/health"), HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HealthApi.DatabaseDown, staff.GetProperty("detail").GetString());
        var shown = await ProblemAssert.IsProblem(await admin.GetAsync("/health"), HttpStatusCode.ServiceUnavailable, "Exception: ");
        Assert.NotEqual(HealthApi.DatabaseDown, shown.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task OpenApi_document_and_reference_page_are_public()
    {
        using var client = app.CreateClient();
        var doc = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/auth/token", "/api/me", "/api/grids", "/api/grids/locate", "/api/posts", "/health" })
            Assert.True(paths.TryGetProperty(path, out _), path);
        var docs = await client.GetAsync("/docs");
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
        Assert.Contains("text/html", docs.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Unknown_api_paths_are_404_problems()
    {
        using var client = await app.ClientFor("dispatcher");
        await ProblemAssert.IsProblem(await client.GetAsync("/api/no-such-thing"), HttpStatusCode.NotFound, "/api/no-such-thing");
    }

    [Fact]
    public async Task The_demo_county_is_loaded_once()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
        var before = await db.Grids.CountAsync();
        var loadedAgain = await DemoCountyLoader.LoadOnceAsync(db, scope.ServiceProvider.GetRequiredService<IPasswordHasher<GridGov.Api.Auth.User>>(), NullLogger.Instance, default);
        Assert.False(loadedAgain);
        Assert.Equal(before, await db.Grids.CountAsync());
        Assert.Equal(1, await db.AppState.CountAsync(s => s.Key == DemoCountyLoader.StateKey));
        // The demo users once each (the E2E tests share the database and may add logins of their own).
        Assert.Equal(5, await db.Users.CountAsync(u => GridGov.Api.Auth.Roles.All.Contains(u.Username)));
    }

    [Fact]
    public async Task Geometries_are_cgcs2000_and_indexed()
    {
        await using var cmd = app.DataSource.CreateCommand("""
            SELECT (SELECT count(DISTINCT ST_SRID(geometry)) FROM grids), (SELECT min(ST_SRID(geometry)) FROM grids),
                   (SELECT count(*) FROM pg_indexes WHERE indexdef ILIKE '%USING gist%'),
                   (SELECT count(*) FROM grids WHERE NOT ST_IsValid(geometry))
            """);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1, reader.GetInt64(0));
        Assert.Equal(4490, reader.GetInt32(1));
        Assert.True(reader.GetInt64(2) >= 6);
        Assert.Equal(0, reader.GetInt64(3));
    }

    [Fact]
    public async Task Unit_grids_tile_each_large_grid_in_postgis()
    {
        // No gap: the union of a large grid's units equals it; no overlap: their areas add up to its area.
        await using var cmd = app.DataSource.CreateCommand("""
            SELECT l.code,
                   ST_Area(ST_SymDifference(l.geometry, ST_Union(u.geometry))) / ST_Area(l.geometry),
                   abs(sum(ST_Area(u.geometry)) - ST_Area(l.geometry)) / ST_Area(l.geometry)
            FROM grids l JOIN grids u ON u.parent_code = l.code AND u.level = 'Unit'
            WHERE l.level = 'Large' GROUP BY l.code, l.geometry
            """);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = 0;
        while (await reader.ReadAsync())
        {
            rows++;
            Assert.True(reader.GetDouble(1) < 1e-9, $"{reader.GetString(0)} has a gap: {reader.GetDouble(1)}");
            Assert.True(reader.GetDouble(2) < 1e-9, $"{reader.GetString(0)} has an overlap: {reader.GetDouble(2)}");
        }
        Assert.Equal(15, rows);
    }

    [Fact]
    public async Task Roads_form_a_graph_pgrouting_can_route_on()
    {
        await using var cmd = app.DataSource.CreateCommand("""
            SELECT count(*) FROM pgr_connectedComponents('SELECT id, source, target, length_m AS cost, length_m AS reverse_cost FROM roads')
            GROUP BY component
            """);
        var components = 0;
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) components++;
        Assert.Equal(1, components);
    }
}
