using System.Net;

namespace GridGov.Api.Tests;

[Collection(ApiCollection.Name)]
public class TilesTests(GridGovFactory app)
{
    // z13 tile holding the demo town centre (115.415E, 25.955N).
    private const int X = 6722, Y = 3484;

    [Theory]
    [InlineData("grids", 13)]
    [InlineData("roads", 13)]
    [InlineData("buildings", 14)]
    [InlineData("streetlights", 15)]
    public async Task Layers_render_vector_tiles_over_the_town(string layer, int z)
    {
        using var client = await app.ClientFor("dispatcher");
        var (x, y) = (X << (z - 13), Y << (z - 13));
        var found = false;
        for (var dx = 0; dx < 2 && !found; dx++)
        for (var dy = 0; dy < 2 && !found; dy++)
        {
            var response = await client.GetAsync($"/tiles/{layer}/{z}/{x + dx}/{y + dy}.pbf");
            Assert.True(response.IsSuccessStatusCode, $"{response.StatusCode}");
            if (response.StatusCode != HttpStatusCode.OK) continue;
            Assert.Equal("application/vnd.mapbox-vector-tile", response.Content.Headers.ContentType?.MediaType);
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100);
            found = true;
        }
        Assert.True(found, $"no {layer} data near the town centre");
    }

    [Fact]
    public async Task Empty_tiles_are_204()
    {
        using var client = await app.ClientFor("dispatcher");
        Assert.Equal(HttpStatusCode.NoContent, (await client.GetAsync("/tiles/grids/13/100/100.pbf")).StatusCode);
    }

    [Fact]
    public async Task Unknown_layers_and_impossible_tiles_are_problems()
    {
        using var client = await app.ClientFor("dispatcher");
        await ProblemAssert.IsProblem(await client.GetAsync("/tiles/sewers/13/1/1.pbf"), HttpStatusCode.NotFound, "grids");
        await ProblemAssert.IsProblem(await client.GetAsync("/tiles/grids/3/9/1.pbf"), HttpStatusCode.BadRequest, "does not exist");
        await ProblemAssert.IsProblem(await client.GetAsync("/tiles/grids/23/1/1.pbf"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Tiles_need_a_token_except_the_basemap_the_report_page_draws()
    {
        using var client = app.CreateClient();
        foreach (var layer in new[] { "incidents", "streetlights" })
            await ProblemAssert.IsProblem(await client.GetAsync($"/tiles/{layer}/13/{X}/{Y}.pbf"), HttpStatusCode.Unauthorized, "signed-in");
        await ProblemAssert.IsProblem(await client.GetAsync($"/tiles/lifecircle/13/{X}/{Y}.pbf?class=primary_school"), HttpStatusCode.Unauthorized);
        foreach (var layer in new[] { "grids", "roads", "buildings" })
            Assert.True((await client.GetAsync($"/tiles/{layer}/13/{X}/{Y}.pbf")).StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, layer);
    }
}
