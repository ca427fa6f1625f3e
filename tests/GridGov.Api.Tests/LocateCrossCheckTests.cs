using GridGov.Api.Grids;
using Microsoft.Extensions.DependencyInjection;
using NpgsqlTypes;

namespace GridGov.Api.Tests;

/// <summary>The in-memory index must give PostGIS's answer: ST_Covers, lowest code on shared boundaries.</summary>
[Collection(ApiCollection.Name)]
public class LocateCrossCheckTests(GridGovFactory app)
{
    [Fact]
    public async Task Index_agrees_with_st_covers_on_random_points_and_every_grid_vertex()
    {
        var catalog = app.Services.GetRequiredService<GridCatalog>();
        var xs = new List<double>();
        var ys = new List<double>();
        var rnd = new Random(2026);
        for (var i = 0; i < 5000; i++)
        {
            xs.Add(115.375 + rnd.NextDouble() * 0.08);
            ys.Add(25.925 + rnd.NextDouble() * 0.06);
        }
        // Boundary points: every vertex of every unit grid (shared by two or three grids, or on the county edge).
        await using (var vertices = app.DataSource.CreateCommand(
            "SELECT DISTINCT ST_X((d).geom), ST_Y((d).geom) FROM (SELECT ST_DumpPoints(geometry) d FROM grids WHERE level = 'Unit') s"))
        await using (var reader = await vertices.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                xs.Add(reader.GetDouble(0));
                ys.Add(reader.GetDouble(1));
            }
        }
        Assert.True(xs.Count > 6000);

        await using var cmd = app.DataSource.CreateCommand("""
            SELECT i, (SELECT code FROM grids g WHERE g.level = 'Unit' AND ST_Covers(g.geometry, ST_SetSRID(ST_MakePoint(p.x, p.y), 4490))
                       ORDER BY g.code COLLATE "C" LIMIT 1)
            FROM unnest(@xs, @ys) WITH ORDINALITY AS p(x, y, i) ORDER BY i
            """);
        cmd.Parameters.AddWithValue("xs", NpgsqlDbType.Array | NpgsqlDbType.Double, xs.ToArray());
        cmd.Parameters.AddWithValue("ys", NpgsqlDbType.Array | NpgsqlDbType.Double, ys.ToArray());
        await using var result = await cmd.ExecuteReaderAsync();
        var checkedPoints = 0;
        var inside = 0;
        while (await result.ReadAsync())
        {
            var i = (int)result.GetInt64(0) - 1;
            var expected = result.IsDBNull(1) ? null : result.GetString(1);
            Assert.True(expected == catalog.LocateCode(xs[i], ys[i]), $"point {i} ({xs[i]:R}, {ys[i]:R}): PostGIS {expected}, index {catalog.LocateCode(xs[i], ys[i])}");
            checkedPoints++;
            if (expected is not null) inside++;
        }
        Assert.Equal(xs.Count, checkedPoints);
        Assert.True(inside > 3000);
    }
}
