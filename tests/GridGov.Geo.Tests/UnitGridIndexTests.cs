using GridGov.Geo.Grids;

namespace GridGov.Geo.Tests;

public class UnitGridIndexTests
{
    // Four unit squares meeting at (1 1): B is east of A, C north of A, D north-east.
    private static readonly UnitGridIndex Index = UnitGridIndex.Build(new[]
    {
        ("D", GeometryAssert.Read("POLYGON ((1 1, 2 1, 2 2, 1 2, 1 1))")),
        ("A", GeometryAssert.Read("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))")),
        ("C", GeometryAssert.Read("POLYGON ((0 1, 1 1, 1 2, 0 2, 0 1))")),
        ("B", GeometryAssert.Read("MULTIPOLYGON (((1 0, 2 0, 2 1, 1 1, 1 0)))")),
    });

    [Theory]
    [InlineData(0.5, 0.5, "A")]
    [InlineData(1.5, 0.5, "B")]
    [InlineData(1.5, 1.5, "D")]
    [InlineData(1.0, 0.5, "A")] // shared edge A|B: lowest code
    [InlineData(1.5, 1.0, "B")] // shared edge B|D
    [InlineData(1.0, 1.0, "A")] // vertex shared by all four
    [InlineData(2.0, 2.0, "D")] // outer corner belongs to its only grid
    [InlineData(0.0, 0.3, "A")] // outer edge
    public void Locates_interior_and_boundary_points_by_the_lowest_code_rule(double x, double y, string expected)
    {
        Assert.Equal(expected, Index.Locate(x, y));
    }

    [Theory]
    [InlineData(-0.1, 0.5)]
    [InlineData(2.5, 2.5)]
    [InlineData(1.0, 2.0000001)]
    public void Points_outside_every_grid_have_no_grid(double x, double y) => Assert.Null(Index.Locate(x, y));

    [Fact]
    public void Holes_are_outside()
    {
        var index = UnitGridIndex.Build(new[] { ("R", GeometryAssert.Read("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 3 1, 3 3, 1 3, 1 1))")) });
        Assert.Null(index.Locate(2, 2));
        Assert.Equal("R", index.Locate(1, 2));
    }

    [Fact]
    public void Duplicate_codes_and_non_polygons_are_refused()
    {
        Assert.Throws<ArgumentException>(() => UnitGridIndex.Build(new[]
        {
            ("A", GeometryAssert.Read("POLYGON ((0 0, 1 0, 1 1, 0 0))")), ("A", GeometryAssert.Read("POLYGON ((0 0, 1 0, 1 1, 0 0))")),
        }));
        Assert.Throws<ArgumentException>(() => UnitGridIndex.Build(new[] { ("L", GeometryAssert.Read("LINESTRING (0 0, 1 1)")) }));
    }

    [Fact]
    public void Concurrent_queries_agree_with_a_single_thread()
    {
        var rnd = new Random(7);
        var points = Enumerable.Range(0, 20000).Select(_ => (X: rnd.NextDouble() * 2.2 - 0.1, Y: rnd.NextDouble() * 2.2 - 0.1)).ToArray();
        var expected = points.Select(p => Index.Locate(p.X, p.Y)).ToArray();
        var actual = new string?[points.Length];
        Parallel.For(0, points.Length, i => actual[i] = Index.Locate(points[i].X, points[i].Y));
        Assert.Equal(expected, actual);
    }
}

public class UnitGridIndexNearestTests
{
    private static readonly NetTopologySuite.IO.WKTReader Reader = new();

    // Two 0.001° cells side by side near 26°N (≈ 100 m × 111 m each), 0.001° apart at the closest.
    private static readonly GridGov.Geo.Grids.UnitGridIndex Index = GridGov.Geo.Grids.UnitGridIndex.Build(
    [
        ("B", Reader.Read("POLYGON ((115 26, 115.001 26, 115.001 26.001, 115 26.001, 115 26))")),
        ("A", Reader.Read("POLYGON ((115.002 26, 115.003 26, 115.003 26.001, 115.002 26.001, 115.002 26))")),
    ]);

    [Fact]
    public void Inside_a_grid_the_distance_is_zero()
    {
        Assert.Equal(("B", 0.0), Index.Nearest(115.0005, 26.0005, 200));
    }

    [Fact]
    public void Outside_the_nearest_grid_within_reach_wins_with_its_distance_in_metres()
    {
        var metresPerDegree = 111_320 * Math.Cos(26 * Math.PI / 180);
        var nearest = Index.Nearest(115.0035, 26.0005, 200);
        Assert.NotNull(nearest);
        Assert.Equal("A", nearest.Value.Code);
        Assert.Equal(0.0005 * metresPerDegree, nearest.Value.DistanceM, 0.01);
        Assert.Null(Index.Nearest(115.0035, 26.0005, 40));
        Assert.Null(Index.Nearest(116, 26, 200));
    }

    [Fact]
    public void Equal_distances_go_to_the_lowest_code()
    {
        // Binary fractions of a degree, so both distances are exactly equal in floating point.
        var tie = GridGov.Geo.Grids.UnitGridIndex.Build(
        [
            ("B", Reader.Read("POLYGON ((115 26, 115.0009765625 26, 115.0009765625 26.0009765625, 115 26.0009765625, 115 26))")),
            ("A", Reader.Read("POLYGON ((115.001953125 26, 115.0029296875 26, 115.0029296875 26.0009765625, 115.001953125 26.0009765625, 115.001953125 26))")),
        ]);
        Assert.Equal("A", tie.Nearest(115.00146484375, 26.00048828125, 200)!.Value.Code);
    }
}
