using GridGov.Geo.Coordinates;
using GridGov.Geo.Grids;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.Triangulate;

namespace GridGov.Geo.Tests;

/// <summary>
/// A copy of the bench's stress coverage (bench/GridGov.Bench/StressCells.cs) and of its digitising noise
/// (PlansBench.Noisy), with the seeds as parameters: ~3,000 Voronoi cells of ~90 vertices over the demo town
/// (115.415°E 25.955°N), every edge wiggled the same way for both sides, then each cell's vertices moved on their own
/// (outer edge included) and fixed with GeometryFixer where that made them invalid. Keep the two in step.
/// </summary>
internal static class StressLevel
{
    public static List<(string Code, Geometry Polygon)> Generate(int seed = 42, int count = 3000, int pointsPerEdge = 14)
    {
        var rnd = new Random(seed);
        var gk = GaussKruger.ForLongitude(115.415);
        var (cx, cy) = gk.Forward(115.415, 25.955);
        var metric = new GeometryFactory();
        var sites = Enumerable.Range(0, count).Select(_ => new Coordinate(cx + (rnd.NextDouble() - 0.5) * 6800, cy + (rnd.NextDouble() - 0.5) * 5400)).ToList();
        var builder = new VoronoiDiagramBuilder { ClipEnvelope = new Envelope(cx - 3400, cx + 3400, cy - 2700, cy + 2700) };
        builder.SetSites(sites);
        var lonLat = new GeometryFactory(new PrecisionModel(), 4490);
        var cells = new List<(string, Geometry)>();
        foreach (var (g, i) in builder.GetDiagram(metric).Geometries.Select((g, i) => (g, i)))
        {
            var shell = ((Polygon)g).Shell.Coordinates;
            var ring = new List<Coordinate>();
            for (var k = 0; k + 1 < shell.Length; k++)
                ring.AddRange(Wiggle(shell[k], shell[k + 1], pointsPerEdge));
            ring.Add(ring[0].Copy());
            var coords = ring.Select(c => { var (lon, lat) = gk.Inverse(c.X, c.Y); return new Coordinate(lon, lat); }).ToArray();
            var polygon = lonLat.CreatePolygon(coords);
            if (polygon.IsValid) cells.Add(($"S{i:D5}", polygon));
        }
        return cells;
    }

    /// <summary>A seed from an edge's end points (mm), the same in every process (HashCode.Combine is not).</summary>
    public static int StableSeed(Coordinate p, Coordinate q)
    {
        unchecked
        {
            var h = 17L;
            foreach (var v in new[] { p.X, p.Y, q.X, q.Y }) h = h * 1_000_003 + (long)Math.Round(v * 1000);
            return (int)(h ^ (h >>> 32));
        }
    }

    private static IEnumerable<Coordinate> Wiggle(Coordinate a, Coordinate b, int n)
    {
        yield return a.Copy();
        var forward = a.X < b.X || (a.X == b.X && a.Y < b.Y);
        var (p, q) = forward ? (a, b) : (b, a);
        var rnd = new Random(StableSeed(p, q));
        var (dx, dy) = (q.X - p.X, q.Y - p.Y);
        var len = Math.Sqrt(dx * dx + dy * dy);
        var offsets = Enumerable.Range(1, n).Select(k => (T: (double)k / (n + 1), O: (rnd.NextDouble() - 0.5) * Math.Min(len * 0.06, 4))).ToList();
        if (!forward) offsets.Reverse();
        foreach (var (t, o) in offsets)
            yield return new Coordinate(p.X + dx * t - dy / len * o, p.Y + dy * t + dx / len * o);
    }

    /// <summary>The cells as if each were traced by hand: every vertex moved up to <paramref name="metres"/>, on its own.</summary>
    public static List<CoverageItem> Noisy(List<(string Code, Geometry Polygon)> cells, double metres, int seed = 7)
    {
        var rnd = new Random(seed);
        var gk = GaussKruger.ForLongitude(115.415);
        return cells.Select(c =>
        {
            var copy = (Polygon)c.Polygon.Copy();
            var coords = copy.Shell.CoordinateSequence;
            for (var i = 0; i < coords.Count - 1; i++)
            {
                var (x, y) = gk.Forward(coords.GetX(i), coords.GetY(i));
                var (lon, lat) = gk.Inverse(x + (rnd.NextDouble() - 0.5) * 2 * metres, y + (rnd.NextDouble() - 0.5) * 2 * metres);
                coords.SetX(i, lon);
                coords.SetY(i, lat);
            }
            coords.SetX(coords.Count - 1, coords.GetX(0));
            coords.SetY(coords.Count - 1, coords.GetY(0));
            copy.GeometryChanged();
            Geometry g = copy.IsValid ? copy : GeometryFixer.Fix(copy);
            return new CoverageItem(c.Code, g);
        }).ToList();
    }
}
