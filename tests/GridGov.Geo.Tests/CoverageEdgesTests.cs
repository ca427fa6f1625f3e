using GridGov.Geo.Grids;
using NetTopologySuite.Geometries;

namespace GridGov.Geo.Tests;

public class CoverageEdgesTests
{
    [Fact]
    public void Two_cells_give_one_shared_edge_and_outer_edges_split_at_junctions()
    {
        var cells = new[]
        {
            (Polygon)GeometryAssert.Read("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))"),
            (Polygon)GeometryAssert.Read("POLYGON ((1 0, 2 0, 2 1, 1 1, 1 0))"),
        };
        var edges = CoverageEdges.Extract(cells);
        var shared = Assert.Single(edges, e => !e.IsOuter);
        Assert.Equal((0, 1), (shared.CellA, shared.CellB));
        GeometryAssert.EqualWkt("LINESTRING (1 0, 1 1)", new GeometryFactory().CreateLineString(shared.Coordinates));
        // The outer ring is cut at the two junctions (1 0) and (1 1): one run per cell.
        Assert.Equal(2, edges.Count(e => e.IsOuter));
        Assert.Equal([[1], [0]], CoverageEdges.Neighbours(2, edges));
    }

    [Fact]
    public void Overlapping_segments_used_three_times_are_not_a_coverage()
    {
        var square = (Polygon)GeometryAssert.Read("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))");
        Assert.Throws<ArgumentException>(() => CoverageEdges.Extract([square, square, square]));
    }
}
