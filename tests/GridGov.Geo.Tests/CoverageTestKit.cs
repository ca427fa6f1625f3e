using GridGov.Geo.Coordinates;
using GridGov.Geo.Grids;
using NetTopologySuite.Geometries;

namespace GridGov.Geo.Tests;

/// <summary>Grids drawn in metres around 117.0°E 31.8°N (Gauss-Krüger CM 117E) and handed over in lon/lat, as the
/// service stores them; plus checks that a level is a coverage after an edit.</summary>
internal static class CoverageTestKit
{
    public static readonly GaussKruger Gk = GaussKruger.ForLongitude(117.0);
    public static readonly GeometryFactory Factory = new(new PrecisionModel(), 4490);
    private static readonly (double X, double Y) Origin = Gk.Forward(117.0, 31.8);

    /// <summary>lon/lat of a point x metres east and y metres north of the origin (the same metres give the same degrees).</summary>
    public static Coordinate At(double x, double y)
    {
        var (lon, lat) = Gk.Inverse(Origin.X + x, Origin.Y + y);
        return new Coordinate(lon, lat);
    }

    /// <summary>A polygon from a closed or open list of (x, y) metres.</summary>
    public static Polygon Poly(params (double X, double Y)[] ring)
    {
        var coords = ring.Select(p => At(p.X, p.Y)).ToList();
        if (!coords[0].Equals2D(coords[^1])) coords.Add(coords[0].Copy());
        return Factory.CreatePolygon([.. coords]);
    }

    public static Polygon Rect(double x0, double y0, double x1, double y1) => Poly((x0, y0), (x1, y0), (x1, y1), (x0, y1));

    public static LineString Line(params (double X, double Y)[] pts) => Factory.CreateLineString([.. pts.Select(p => At(p.X, p.Y))]);

    public static double AreaM2(Geometry g) => Gk.Project(g).Area;

    /// <summary>A 3 × 3 block of 100 m cells named cXY (x east, y north), c00 at the south-west.</summary>
    public static List<CoverageItem> Block()
    {
        var grids = new List<CoverageItem>();
        for (var x = 0; x < 3; x++)
            for (var y = 0; y < 3; y++)
                grids.Add(new($"c{x}{y}", Rect(100 * x, 100 * y, 100 * x + 100, 100 * y + 100)));
        return grids;
    }

    /// <summary>The level after an edit: changed grids replaced, removed dropped, added appended.</summary>
    public static List<CoverageItem> Apply(IReadOnlyList<CoverageItem> grids, CoverageEditResult result)
    {
        var changed = result.Changed.ToDictionary(c => c.Code);
        var level = grids.Where(g => !result.Removed.Contains(g.Code)).Select(g => changed.Remove(g.Code, out var c) ? c : g).ToList();
        level.AddRange(changed.Values);
        return level;
    }

    public static IReadOnlyList<CoverageProblem> Check(IEnumerable<CoverageItem> level, double gapWidthM) =>
        CoverageCheck.Check([.. level.Select(g => (g.Code, g.Geometry))], gapWidthM);

    public static void AssertCoverage(IEnumerable<CoverageItem> level, double gapWidthM)
    {
        var problems = Check(level, gapWidthM);
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(10).Select(p => $"{p.Kind} {string.Join(",", p.Codes)}: {p.Detail} {p.Location.AsText()[..Math.Min(300, p.Location.AsText().Length)]}")));
    }

    public static double Area(IEnumerable<CoverageItem> level, string code) => AreaM2(level.Single(g => g.Code == code).Geometry);
}
