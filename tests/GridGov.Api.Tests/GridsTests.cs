using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GridGov.Api.Grids;
using GridGov.Geo.Coordinates;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Api.Tests;

[Collection(ApiCollection.Name)]
public class GridsTests(GridGovFactory app)
{
    [Fact]
    public async Task Large_grids_come_as_geojson_with_their_team()
    {
        using var client = await app.ClientFor("planner");
        var fc = await client.GetFromJsonAsync<JsonElement>("/api/grids?level=large");
        Assert.Equal("FeatureCollection", fc.GetProperty("type").GetString());
        var features = fc.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(15, features.Count);
        Assert.All(features, f =>
        {
            Assert.Equal("MultiPolygon", f.GetProperty("geometry").GetProperty("type").GetString());
            var p = f.GetProperty("properties");
            Assert.Equal("large", p.GetProperty("level").GetString());
            Assert.True(p.GetProperty("teamId").GetInt32() > 0);
            Assert.Matches("^[0-9]{12}$", p.GetProperty("parentCode").GetString()!);
        });
    }

    [Theory]
    [InlineData("street", 4)]
    [InlineData("community", 12)]
    [InlineData("unit", 600)]
    public async Task Every_level_is_listed(string level, int atLeast)
    {
        using var client = await app.ClientFor("leader");
        var fc = await client.GetFromJsonAsync<JsonElement>($"/api/grids?level={level}");
        var features = fc.GetProperty("features").EnumerateArray().ToList();
        Assert.True(features.Count >= atLeast, $"{features.Count} {level} grids");
        Assert.All(features, f => Assert.Equal(level, f.GetProperty("properties").GetProperty("level").GetString()));
        if (level == "unit")
            Assert.All(features, f => Assert.Matches("^[0-9]{15}$", f.GetProperty("properties").GetProperty("code").GetString()!));
    }

    [Fact]
    public async Task An_unknown_level_lists_the_valid_ones()
    {
        using var client = await app.ClientFor("planner");
        var json = await ProblemAssert.IsProblem(await client.GetAsync("/api/grids?level=district"), HttpStatusCode.BadRequest, "unit");
        Assert.True(json.GetProperty("errors").TryGetProperty("level", out _));
    }

    [Fact]
    public async Task Locate_answers_the_whole_chain()
    {
        using var client = await app.ClientFor("crew");
        var point = await InteriorPointOfSomeUnit();
        var loc = await client.GetFromJsonAsync<GridMap.Location>($"/api/grids/locate?lon={point.Lon}&lat={point.Lat}");
        Assert.Equal(point.Code, loc!.UnitGrid.Code);
        Assert.StartsWith(loc.Community!.Code, loc.UnitGrid.Code);
        Assert.StartsWith(loc.Street!.Code, loc.Community.Code);
        Assert.NotNull(loc.LargeGrid);
        Assert.NotNull(loc.Team);
    }

    [Fact]
    public async Task Locate_converts_gcj02_and_bd09_when_named()
    {
        using var client = await app.ClientFor("dispatcher");
        var point = await InteriorPointOfSomeUnit();
        var (gLon, gLat) = ChinaOffsets.Wgs84ToGcj02(point.Lon, point.Lat);
        var (bLon, bLat) = ChinaOffsets.Wgs84ToBd09(point.Lon, point.Lat);
        var viaGcj = await client.GetFromJsonAsync<GridMap.Location>($"/api/grids/locate?lon={gLon:R}&lat={gLat:R}&crs=gcj02");
        var viaBd = await client.GetFromJsonAsync<GridMap.Location>($"/api/grids/locate?lon={bLon:R}&lat={bLat:R}&crs=bd09");
        Assert.Equal(point.Code, viaGcj!.UnitGrid.Code);
        Assert.Equal(point.Code, viaBd!.UnitGrid.Code);
    }

    [Fact]
    public async Task A_point_outside_the_county_is_a_404_problem()
    {
        using var client = await app.ClientFor("dispatcher");
        await ProblemAssert.IsProblem(await client.GetAsync("/api/grids/locate?lon=116.5&lat=39.9"), HttpStatusCode.NotFound, "no unit grid");
    }

    [Theory]
    [InlineData("lon=abc&lat=25.95", "lon")]
    [InlineData("lon=115.4&lat=", "lat")]
    [InlineData("lon=115.4", "lat")]
    [InlineData("lon=190&lat=25.95", "lon")]
    [InlineData("lon=115.4&lat=-91", "lat")]
    [InlineData("lon=NaN&lat=25.95", "lon")]
    [InlineData("lon=115.4&lat=25.95&crs=mercator", "crs")]
    public async Task Bad_coordinates_are_400_problems_naming_the_field(string query, string field)
    {
        using var client = await app.ClientFor("dispatcher");
        var json = await ProblemAssert.IsProblem(await client.GetAsync($"/api/grids/locate?{query}"), HttpStatusCode.BadRequest);
        Assert.True(json.GetProperty("errors").TryGetProperty(field, out _), json.ToString());
    }

    [Fact]
    public async Task Key_posts_are_42_points_with_radius_and_team()
    {
        using var client = await app.ClientFor("leader");
        var fc = await client.GetFromJsonAsync<JsonElement>("/api/posts");
        var features = fc.GetProperty("features").EnumerateArray().ToList();
        Assert.Equal(42, features.Count);
        Assert.All(features, f =>
        {
            Assert.Equal("Point", f.GetProperty("geometry").GetProperty("type").GetString());
            Assert.InRange(f.GetProperty("properties").GetProperty("radiusM").GetInt32(), 100, 500);
            Assert.True(f.GetProperty("properties").GetProperty("teamId").GetInt32() > 0);
        });
    }

    private async Task<(string Code, double Lon, double Lat)> InteriorPointOfSomeUnit()
    {
        await using var cmd = app.DataSource.CreateCommand(
            "SELECT code, ST_X(p), ST_Y(p) FROM (SELECT code, ST_PointOnSurface(geometry) p FROM grids WHERE level = 'Unit' ORDER BY code OFFSET 123 LIMIT 1) s");
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetString(0), reader.GetDouble(1), reader.GetDouble(2));
    }
}
