using NetTopologySuite.Algorithm;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index;
using NetTopologySuite.Index.Strtree;

namespace GridGov.Geo.Grids;

/// <summary>
/// In-memory point-in-polygon index over a polygonal coverage (the unit grids): an STRtree of
/// envelopes, each backed by an <see cref="IndexedPointInAreaLocator"/>.
/// <para>Boundary rule: a point covered by several polygons (on a shared edge or vertex) resolves to
/// the one whose code sorts first (ordinal). This is the same answer as
/// <c>SELECT code … WHERE ST_Covers(geom, pt) ORDER BY code COLLATE "C" LIMIT 1</c>.</para>
/// <para>Built once, then immutable: <see cref="Locate(double,double)"/> is safe from any number of threads.</para>
/// </summary>
public sealed class UnitGridIndex
{
    private readonly STRtree<int> _tree;
    private readonly string[] _codes;
    private readonly Envelope[] _envelopes;
    private readonly IndexedPointInAreaLocator[] _locators;
    private readonly Geometry[] _polygons;

    private UnitGridIndex(string[] codes, Geometry[] polygons)
    {
        _codes = codes;
        _polygons = polygons;
        _envelopes = new Envelope[polygons.Length];
        _locators = new IndexedPointInAreaLocator[polygons.Length];
        _tree = new STRtree<int>(8);
        var probe = new Coordinate();
        for (var i = 0; i < polygons.Length; i++)
        {
            _envelopes[i] = polygons[i].EnvelopeInternal;
            _locators[i] = new IndexedPointInAreaLocator(polygons[i]);
            // The locator builds its interval tree lazily; force it here so queries never write.
            probe.X = _envelopes[i].MinX;
            probe.Y = _envelopes[i].MinY;
            _locators[i].Locate(probe);
            _tree.Insert(_envelopes[i], i);
        }
        _tree.Build();
    }

    public int Count => _codes.Length;

    /// <summary>Builds the index; <paramref name="grids"/> must be polygonal and need not be sorted.</summary>
    public static UnitGridIndex Build(IEnumerable<(string Code, Geometry Polygon)> grids)
    {
        var sorted = grids.OrderBy(g => g.Code, StringComparer.Ordinal).ToArray();
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i].Code == sorted[i - 1].Code)
                throw new ArgumentException($"Duplicate grid code {sorted[i].Code}.", nameof(grids));
        }
        foreach (var (code, polygon) in sorted)
        {
            if (polygon is not (Polygon or MultiPolygon))
                throw new ArgumentException($"Grid {code} is a {polygon.GeometryType}, not a polygon.", nameof(grids));
        }
        return new UnitGridIndex(sorted.Select(g => g.Code).ToArray(), sorted.Select(g => g.Polygon).ToArray());
    }

    /// <summary>The code of the grid covering (x, y), or null when no grid covers it.</summary>
    public string? Locate(double x, double y)
    {
        var visitor = new LocateVisitor(this, x, y);
        _tree.Query(new Envelope(x, x, y, y), visitor);
        return visitor.Best < 0 ? null : _codes[visitor.Best];
    }

    /// <summary>
    /// The grid nearest to a lon/lat point within <paramref name="maxMetres"/>, with its distance in metres
    /// (0 when a grid covers the point); null when none is that close. Ties go to the lowest code.
    /// Distances use a local equirectangular frame around the point, well within a metre at these ranges.
    /// </summary>
    public (string Code, double DistanceM)? Nearest(double lon, double lat, double maxMetres)
    {
        if (Locate(lon, lat) is { } inside) return (inside, 0);
        if (!(maxMetres > 0)) return null;
        var metresPerDegreeLat = 110_574.0;
        var metresPerDegreeLon = 111_320.0 * Math.Cos(lat * Math.PI / 180);
        var dLon = maxMetres / Math.Max(metresPerDegreeLon, 1);
        var dLat = maxMetres / metresPerDegreeLat;
        var best = -1;
        var bestDistance = double.PositiveInfinity;
        foreach (var i in _tree.Query(new Envelope(lon - dLon, lon + dLon, lat - dLat, lat + dLat)))
        {
            var d = LocalDistance(_polygons[i], lon, lat, metresPerDegreeLon, metresPerDegreeLat);
            if (d < bestDistance || (d == bestDistance && i < best))
            {
                best = i;
                bestDistance = d;
            }
        }
        return best >= 0 && bestDistance <= maxMetres ? (_codes[best], bestDistance) : null;
    }

    private static double LocalDistance(Geometry polygonal, double lon, double lat, double kx, double ky)
    {
        var origin = new Coordinate(0, 0);
        var a = new Coordinate();
        var b = new Coordinate();
        var min = double.PositiveInfinity;
        for (var p = 0; p < polygonal.NumGeometries; p++)
        {
            var polygon = (Polygon)polygonal.GetGeometryN(p);
            for (var r = -1; r < polygon.NumInteriorRings; r++)
            {
                var ring = (r < 0 ? polygon.ExteriorRing : polygon.GetInteriorRingN(r)).CoordinateSequence;
                for (var k = 1; k < ring.Count; k++)
                {
                    a.X = (ring.GetX(k - 1) - lon) * kx;
                    a.Y = (ring.GetY(k - 1) - lat) * ky;
                    b.X = (ring.GetX(k) - lon) * kx;
                    b.Y = (ring.GetY(k) - lat) * ky;
                    min = Math.Min(min, DistanceComputer.PointToSegment(origin, a, b));
                }
            }
        }
        return min;
    }

    private sealed class LocateVisitor(UnitGridIndex index, double x, double y) : IItemVisitor<int>
    {
        private readonly Coordinate _point = new(x, y);
        public int Best = -1;
        private bool _interior;

        public void VisitItem(int item)
        {
            // Interior hits are unique in a coverage; only boundary hits need the lowest-code rule.
            if (_interior || (Best >= 0 && item > Best)) return;
            if (!index._envelopes[item].Intersects(_point.X, _point.Y)) return;
            var location = index._locators[item].Locate(_point);
            if (location == Location.Exterior) return;
            Best = item;
            _interior = location == Location.Interior;
        }
    }
}
