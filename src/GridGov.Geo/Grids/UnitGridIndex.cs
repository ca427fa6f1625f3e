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

    private UnitGridIndex(string[] codes, Geometry[] polygons)
    {
        _codes = codes;
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
