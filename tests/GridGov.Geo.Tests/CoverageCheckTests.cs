using GridGov.Geo.Demo;
using GridGov.Geo.Grids;
using NetTopologySuite.Geometries;

namespace GridGov.Geo.Tests;

/// <summary>A level of grids checked as a coverage: overlaps, cracks, gaps in metres, invalid outlines, nesting.</summary>
public class CoverageCheckTests
{
    // About 100 m × 100 m cells near the demo county (0.001° of longitude ≈ 100 m at 26° N).
    private const string A = "POLYGON ((115.400 25.950, 115.401 25.950, 115.401 25.951, 115.400 25.951, 115.400 25.950))";
    private const string B = "POLYGON ((115.401 25.950, 115.402 25.950, 115.402 25.951, 115.401 25.951, 115.401 25.950))";

    private static (string, Geometry) Grid(string code, string wkt)
    {
        var g = GeometryAssert.Read(wkt);
        g.SRID = 4490;
        return (code, g);
    }

    [Fact]
    public void Neighbours_sharing_their_edge_make_a_valid_coverage()
    {
        Assert.Empty(CoverageCheck.Check([Grid("a", A), Grid("b", B)], gapWidthM: 5));
    }

    [Fact]
    public void An_overlap_is_reported_once_with_both_codes()
    {
        var b = Grid("b", "POLYGON ((115.4009 25.950, 115.402 25.950, 115.402 25.951, 115.4009 25.951, 115.4009 25.950))");
        var problems = CoverageCheck.Check([Grid("a", A), b], gapWidthM: 0);
        var overlap = Assert.Single(problems);
        Assert.Equal(CoverageKinds.Overlap, overlap.Kind);
        Assert.Equal(["a", "b"], overlap.Codes);
        Assert.Contains("overlaps", overlap.Detail);
        Assert.True(overlap.Location.EnvelopeInternal.Intersects(new Envelope(115.4009, 115.401, 25.950, 25.951)));
    }

    [Fact]
    public void A_gap_narrower_than_the_width_is_found_in_metres_and_a_wider_tolerance_decides()
    {
        // b starts 0.00002° (about 2 m) east of a's edge.
        var b = Grid("b", "POLYGON ((115.40102 25.950, 115.402 25.950, 115.402 25.951, 115.40102 25.951, 115.40102 25.950))");
        var gap = Assert.Single(CoverageCheck.Check([Grid("a", A), b], gapWidthM: 5));
        Assert.Equal(CoverageKinds.Gap, gap.Kind);
        Assert.Equal(["a", "b"], gap.Codes);
        Assert.Empty(CoverageCheck.Check([Grid("a", A), b], gapWidthM: 1)); // 2 m is a street, not a sliver, at 1 m
    }

    [Fact]
    public void A_narrow_notch_between_neighbours_at_the_outer_edge_is_a_notch_and_an_enclosed_one_a_gap()
    {
        // A and B meet along x = 100 m, but at the south edge both stop 2 m short of it: a 4 m wide, 20 m deep notch.
        var a = CoverageTestKit.Poly((0, 0), (98, 0), (100, 20), (100, 100), (0, 100));
        var b = CoverageTestKit.Poly((102, 0), (200, 0), (200, 100), (100, 100), (100, 20));
        var open = CoverageCheck.Check([("a", a), ("b", b)], gapWidthM: 10);
        var notch = Assert.Single(open);
        Assert.Equal(CoverageKinds.Notch, notch.Kind);
        Assert.Equal(["a", "b"], notch.Codes);
        Assert.Contains("open to the outside", notch.Detail);

        // With C south of both, sharing their south edges vertex for vertex, the notch is an enclosed hole: a gap.
        var c = CoverageTestKit.Poly((0, -100), (200, -100), (200, 0), (102, 0), (98, 0), (0, 0));
        var closed = CoverageCheck.Check([("a", a), ("b", b), ("c", c)], gapWidthM: 10);
        Assert.Contains(closed, p => p.Kind == CoverageKinds.Gap && p.Codes.SequenceEqual(["a", "b", "c"]));
        Assert.DoesNotContain(closed, p => p.Kind == CoverageKinds.Notch);
    }

    [Fact]
    public void A_neighbour_with_an_extra_vertex_on_the_shared_edge_is_an_edge_mismatch()
    {
        var b = Grid("b", "POLYGON ((115.401 25.950, 115.402 25.950, 115.402 25.951, 115.401 25.951, 115.401 25.9505, 115.401 25.950))");
        var problems = CoverageCheck.Check([Grid("a", A), b], gapWidthM: 0);
        Assert.Contains(problems, p => p.Kind == CoverageKinds.EdgeMismatch && p.Codes.Contains("a"));
        Assert.DoesNotContain(problems, p => p.Kind == CoverageKinds.Overlap);
    }

    [Fact]
    public void Invalid_and_empty_outlines_are_named_and_left_out_of_the_rest()
    {
        var bowtie = Grid("x", "POLYGON ((115.400 25.950, 115.401 25.951, 115.401 25.950, 115.400 25.951, 115.400 25.950))");
        var empty = Grid("e", "POLYGON EMPTY");
        var problems = CoverageCheck.Check([Grid("a", A), bowtie, empty], gapWidthM: 5);
        Assert.Contains(problems, p => p.Kind == CoverageKinds.InvalidGeometry && p.Codes.SequenceEqual(["x"]) && p.Detail.Contains("Self-intersection"));
        Assert.Contains(problems, p => p.Kind == CoverageKinds.Empty && p.Codes.SequenceEqual(["e"]));
        Assert.Equal(2, problems.Count);
    }

    [Fact]
    public void A_grid_reaching_out_of_its_parent_is_not_nested()
    {
        var parent = GeometryAssert.Read(A);
        var parents = new Dictionary<string, (string, Geometry)> { ["a"] = ("P", parent), ["b"] = ("P", parent) };
        var problems = CoverageCheck.Check([Grid("a", A), Grid("b", B)], gapWidthM: 0, parents);
        var notNested = Assert.Single(problems);
        Assert.Equal(CoverageKinds.NotNested, notNested.Kind);
        Assert.Equal(["b", "P"], notNested.Codes);
    }

    [Fact]
    public void The_demo_countys_unit_grids_are_a_valid_coverage_nested_in_their_large_grids()
    {
        var county = DemoCountyGenerator.Generate();
        var units = county.Areas.Where(a => a.Level == AreaLevel.Unit).Select(a => (a.Code, a.Geometry)).ToList();
        var large = county.Areas.Where(a => a.Level == AreaLevel.Large).ToDictionary(a => a.Code, a => a.Geometry);
        var parents = county.Areas.Where(a => a.Level == AreaLevel.Unit).ToDictionary(a => a.Code, a => (a.ParentCode!, large[a.ParentCode!]));
        Assert.Equal(665, units.Count);
        Assert.Empty(CoverageCheck.Check(units, gapWidthM: 10, parents));
    }
}
