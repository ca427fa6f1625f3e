using NetTopologySuite.Geometries;

namespace GridGov.Geo.Roads;

/// <summary>
/// The walking-cost field of one isochrone search on a square grid (in the road index's local metric plane): each grid
/// vertex holds the least, over reached segments within the reach, of (road cost at the segment's nearest spot + the
/// straight distance to it); vertices farther than the reach from every reached spot hold <see cref="_high"/>. Each band is then one
/// contour of the field (marching squares with the saddle decided by the cell centre), so bands nest: a vertex inside a
/// band is inside every larger one, and a crossing of a larger band lies farther out along the same grid edge.
/// </summary>
internal sealed class IsochroneField
{
    private readonly SegmentBuckets _plane;
    private readonly double[] _value;
    private readonly int _w, _h;
    private readonly double _x0, _y0, _cell, _high;
    private readonly IsochroneOptions _o;

    private IsochroneField(SegmentBuckets plane, double[] value, int w, int h, double x0, double y0, double cell, double high, IsochroneOptions o)
    {
        _plane = plane;
        _value = value;
        _w = w;
        _h = h;
        _x0 = x0;
        _y0 = y0;
        _cell = cell;
        _high = high;
        _o = o;
    }

    /// <summary>Grids larger than this many vertices take a coarser cell (a long band on a very fine cell).</summary>
    private const int MaxVertices = 4_000_000;

    /// <summary>
    /// Stamps the reached network: for every grid vertex within the reach of a touched segment, the cost of the nearest
    /// spot on that segment (the cost along the edge, from whichever end is cheaper) plus the straight walk to it —
    /// the same model as a building's access (its walk onto the nearest road, then along the road). Spots beyond the
    /// band's bound are not stamped, so a partial edge at the frontier ends where the walk runs out.
    /// </summary>
    /// <param name="edgeCost">Per touched edge: the costs at its source and target junctions and its length.</param>
    /// <param name="origin">The origin's edge, how far along it, and its walk onto the road (the origin's own edge is
    /// also walked straight along from there).</param>
    public static IsochroneField Stamp(RoadGraph graph, List<int> edges, Func<int, (double Source, double Target, double Length)> edgeCost,
        RoadSnap origin, double max, IsochroneOptions o)
    {
        var plane = graph.Segments;
        var reach = Math.Max(0, o.ReachM);
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity, maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        foreach (var e in edges)
        {
            var (first, end) = plane.SegmentsOf(e);
            for (var s = first; s < end; s++)
            {
                var (ax, ay, bx, by, _, _) = plane.Segment(s);
                minX = Math.Min(minX, Math.Min(ax, bx));
                maxX = Math.Max(maxX, Math.Max(ax, bx));
                minY = Math.Min(minY, Math.Min(ay, by));
                maxY = Math.Max(maxY, Math.Max(ay, by));
            }
        }
        // Nothing within the bound lies farther than the bound from the origin in a straight line: a long touched edge
        // (a ring road) must not stretch the grid across the county.
        var (ox, oy) = OriginInPlane(plane, origin);
        var radius = Math.Max(0, max - origin.OffsetM);
        minX = Math.Max(minX, ox - radius);
        maxX = Math.Min(maxX, ox + radius);
        minY = Math.Max(minY, oy - radius);
        maxY = Math.Min(maxY, oy + radius);
        var cell = o.CellM > 0 ? o.CellM : 20;
        var pad = reach + 2 * cell;
        while ((long)((maxX - minX + 2 * pad) / cell + 2) * (long)((maxY - minY + 2 * pad) / cell + 2) > MaxVertices) cell *= 1.5;
        pad = reach + 2 * cell;
        var x0 = minX - pad;
        var y0 = minY - pad;
        var w = (int)Math.Ceiling((maxX - minX + 2 * pad) / cell) + 1;
        var h = (int)Math.Ceiling((maxY - minY + 2 * pad) / cell) + 1;
        var high = max + reach + cell;
        int si0 = w, si1 = -1, sj0 = h, sj1 = -1; // the stamped vertices' extent
        var value = new double[w * h];
        Array.Fill(value, high);
        var reach2 = reach * reach;

        foreach (var e in edges)
        {
            var (cs, ct, len) = edgeCost(e);
            var onOrigin = e == origin.Edge;
            var (first, end) = plane.SegmentsOf(e);
            for (var s = first; s < end; s++)
            {
                var (ax, ay, bx, by, alongStart, scale) = plane.Segment(s);
                ax -= x0; bx -= x0; ay -= y0; by -= y0;
                double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
                var segAlong = Math.Sqrt(len2) * scale;
                // The cheapest spot of the segment: skip it whole when even that is beyond the bound.
                double costA = Cost(alongStart), costB = Cost(alongStart + segAlong);
                if (Math.Min(costA, costB) > max && !onOrigin) continue;
                // Within the grid's frame, keeping a border of unstamped vertices so every contour closes.
                int i0 = Math.Max(1, (int)Math.Floor((Math.Min(ax, bx) - reach) / cell)), i1 = Math.Min(w - 2, (int)Math.Ceiling((Math.Max(ax, bx) + reach) / cell));
                int j0 = Math.Max(1, (int)Math.Floor((Math.Min(ay, by) - reach) / cell)), j1 = Math.Min(h - 2, (int)Math.Ceiling((Math.Max(ay, by) + reach) / cell));
                if (i0 > i1 || j0 > j1) continue;
                for (var j = j0; j <= j1; j++)
                {
                    var py = j * cell;
                    var row = j * w;
                    for (var i = i0; i <= i1; i++)
                    {
                        var px = i * cell;
                        var t = len2 > 0 ? Math.Clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0, 1) : 0;
                        double qx = ax + t * dx - px, qy = ay + t * dy - py;
                        var d2 = qx * qx + qy * qy;
                        if (d2 > reach2) continue;
                        var c = Cost(alongStart + t * segAlong);
                        if (c > max) continue;
                        var v = c + Math.Sqrt(d2);
                        if (v < value[row + i])
                        {
                            value[row + i] = v;
                            if (i < si0) si0 = i;
                            if (i > si1) si1 = i;
                            if (j < sj0) sj0 = j;
                            if (j > sj1) sj1 = j;
                        }
                    }
                }
            }

            double Cost(double along)
            {
                var c = Math.Min(cs + along, ct + (len - along));
                return onOrigin ? Math.Min(c, origin.OffsetM + Math.Abs(along - origin.AlongM)) : c;
            }
        }
        return new IsochroneField(plane, value, w, h, x0, y0, cell, high, o) { _i0 = Math.Max(0, si0 - 1), _i1 = Math.Min(w - 1, si1 + 1), _j0 = Math.Max(0, sj0 - 1), _j1 = Math.Min(h - 1, sj1 + 1) };
    }

    // The vertices to contour: the stamped ones and one ring of unstamped around them.
    private int _i0, _i1 = -1, _j0, _j1 = -1;

    private static (double X, double Y) OriginInPlane(SegmentBuckets plane, RoadSnap origin)
    {
        var (first, end) = plane.SegmentsOf(origin.Edge);
        for (var s = first; s < end; s++)
        {
            var (ax, ay, bx, by, alongStart, scale) = plane.Segment(s);
            var segAlong = Math.Sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay)) * scale;
            if (origin.AlongM <= alongStart + segAlong || s == end - 1)
            {
                var t = segAlong > 0 ? Math.Clamp((origin.AlongM - alongStart) / segAlong, 0, 1) : 0;
                return (ax + t * (bx - ax), ay + t * (by - ay));
            }
        }
        return (0, 0);
    }

    public IReadOnlyList<Geometry> Contours(IReadOnlyList<double> bands, GeometryFactory factory)
    {
        // Two neighbouring bands' contours lie at least this far apart (where the field jumps to 'high' at the reach the
        // crossings on a grid edge are cell·Δband/high apart); simplifying each ring by well under half of it keeps the
        // bands nested.
        var minGap = double.PositiveInfinity;
        for (var i = 1; i < bands.Count; i++) minGap = Math.Min(minGap, _cell * (bands[i] - bands[i - 1]) / _high);
        var tolerance = _o.Generalize ? Math.Min(_cell * 0.35, double.IsFinite(minGap) ? minGap / 4 : _cell * 0.35) : 0;
        var next = new int[2 * _w * _h];
        Array.Fill(next, -1);
        var result = new List<Geometry>(bands.Count);
        foreach (var band in bands) result.Add(Contour(band, next, tolerance, factory));
        return result;
    }

    private int HorizontalId(int i, int j) => j * _w + i;
    private int VerticalId(int i, int j) => _w * _h + j * _w + i;

    private Geometry Contour(double t, int[] next, double tolerance, GeometryFactory factory)
    {
        var starts = new List<int>();
        Span<bool> inside = stackalloc bool[4];
        Span<int> edge = stackalloc int[4];
        for (var j = _j0; j < _j1; j++)
        {
            for (var i = _i0; i < _i1; i++)
            {
                double v0 = _value[j * _w + i], v1 = _value[j * _w + i + 1], v2 = _value[(j + 1) * _w + i + 1], v3 = _value[(j + 1) * _w + i];
                inside[0] = v0 <= t;
                inside[1] = v1 <= t;
                inside[2] = v2 <= t;
                inside[3] = v3 <= t;
                var count = (inside[0] ? 1 : 0) + (inside[1] ? 1 : 0) + (inside[2] ? 1 : 0) + (inside[3] ? 1 : 0);
                if (count is 0 or 4) continue;
                // Cell edges counter-clockwise from the bottom-left corner: bottom, right, top, left.
                edge[0] = HorizontalId(i, j);
                edge[1] = VerticalId(i + 1, j);
                edge[2] = HorizontalId(i, j + 1);
                edge[3] = VerticalId(i, j);
                var saddle = count == 2 && inside[0] == inside[2];
                var connected = saddle && (v0 + v1 + v2 + v3) / 4 <= t;
                for (var k = 0; k < 4; k++)
                {
                    if (!(inside[k] && !inside[(k + 1) & 3])) continue; // not an exit edge
                    // The segment runs from this exit to an entry, the inside on its left. One exit: the only entry;
                    // a saddle: the next entry counter-clockwise when the centre is inside, else the previous one.
                    var entry = -1;
                    if (!saddle)
                    {
                        for (var m = 1; m < 4; m++)
                        {
                            var c = (k + m) & 3;
                            if (!inside[c] && inside[(c + 1) & 3]) { entry = c; break; }
                        }
                    }
                    else entry = connected ? (k + 1) & 3 : (k + 3) & 3;
                    next[edge[k]] = edge[entry];
                    starts.Add(edge[k]);
                }
            }
        }

        var shells = new List<(List<(double X, double Y)> Ring, double Area, Envelope Env)>();
        var holes = new List<(List<(double X, double Y)> Ring, double Area, Envelope Env)>();
        var minHole = _o.MinHoleCells * _cell * _cell;
        foreach (var start in starts)
        {
            if (next[start] < 0) continue;
            var ring = new List<(double X, double Y)>();
            var id = start;
            while (next[id] >= 0)
            {
                ring.Add(Crossing(id, t));
                var after = next[id];
                next[id] = -1;
                id = after;
            }
            if (ring.Count < 3) continue;
            if (tolerance > 0) ring = PlaneRings.Simplify(ring, tolerance);
            if (ring.Count < 3) continue;
            var area = PlaneRings.SignedArea(ring);
            var env = new Envelope();
            foreach (var (x, y) in ring) env.ExpandToInclude(x, y);
            if (area > 0) shells.Add((ring, area, env));
            else if (-area >= minHole) holes.Add((ring, -area, env));
        }
        if (shells.Count == 0) return factory.CreatePolygon();

        var holesOf = shells.Select(_ => new List<LinearRing>()).ToArray();
        foreach (var hole in holes)
        {
            // With one shell every hole is its own (a hole always lies in a shell of the same contour).
            var best = shells.Count == 1 ? 0 : -1;
            if (best == 0)
            {
                holesOf[0].Add(ToRing(hole.Ring, factory));
                continue;
            }
            var (hx, hy) = hole.Ring[0];
            for (var s = 0; s < shells.Count; s++)
            {
                if (!shells[s].Env.Contains(hole.Env)) continue;
                if (best >= 0 && shells[s].Area >= shells[best].Area) continue;
                if (PlaneRings.Inside(shells[s].Ring, hx, hy)) best = s;
            }
            if (best >= 0) holesOf[best].Add(ToRing(hole.Ring, factory));
        }
        var polygons = shells.Select((s, k) => factory.CreatePolygon(ToRing(s.Ring, factory), holesOf[k].ToArray())).ToArray();
        return polygons.Length == 1 ? polygons[0] : factory.CreateMultiPolygon(polygons);
    }

    private (double X, double Y) Crossing(int id, double t)
    {
        if (id < _w * _h)
        {
            int j = id / _w, i = id % _w;
            double a = _value[j * _w + i], b = _value[j * _w + i + 1];
            var f = Math.Clamp((t - a) / (b - a), 0, 1);
            return (_x0 + (i + f) * _cell, _y0 + j * _cell);
        }
        else
        {
            var v = id - _w * _h;
            int j = v / _w, i = v % _w;
            double a = _value[j * _w + i], b = _value[(j + 1) * _w + i];
            var f = Math.Clamp((t - a) / (b - a), 0, 1);
            return (_x0 + i * _cell, _y0 + (j + f) * _cell);
        }
    }

    private LinearRing ToRing(List<(double X, double Y)> ring, GeometryFactory factory)
    {
        var coords = new Coordinate[ring.Count + 1];
        for (var k = 0; k < ring.Count; k++)
        {
            var (lon, lat) = _plane.ToLonLat(ring[k].X, ring[k].Y);
            coords[k] = new Coordinate(Math.Round(lon, 7), Math.Round(lat, 7));
        }
        coords[^1] = coords[0].Copy();
        return factory.CreateLinearRing(coords);
    }
}
