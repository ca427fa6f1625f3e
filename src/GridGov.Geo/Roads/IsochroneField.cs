using NetTopologySuite.Geometries;

namespace GridGov.Geo.Roads;

/// <summary>
/// The walking-cost field of one isochrone search on a square grid (in the road index's local metric plane): each grid
/// vertex holds the least of (road cost at a sampled spot + straight distance from that spot), for spots within the
/// reach; vertices farther than the reach from every reached spot hold <see cref="_high"/>. Each band is then one
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

    public static IsochroneField Stamp(RoadGraph graph, List<int> edges, Func<int, double, double> costAt, double max, IsochroneOptions o)
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
        var cell = o.CellM > 0 ? o.CellM : 20;
        var pad = reach + 2 * cell;
        while ((long)((maxX - minX + 2 * pad) / cell + 2) * (long)((maxY - minY + 2 * pad) / cell + 2) > MaxVertices) cell *= 1.5;
        pad = reach + 2 * cell;
        var x0 = minX - pad;
        var y0 = minY - pad;
        var w = (int)Math.Ceiling((maxX - minX + 2 * pad) / cell) + 1;
        var h = (int)Math.Ceiling((maxY - minY + 2 * pad) / cell) + 1;
        var high = max + reach + cell;
        var value = new double[w * h];
        Array.Fill(value, high);

        var step = cell / 2;
        var r = (int)Math.Ceiling(reach / cell);
        foreach (var e in edges)
        {
            var (first, end) = plane.SegmentsOf(e);
            for (var s = first; s < end; s++)
            {
                var (ax, ay, bx, by, alongStart, scale) = plane.Segment(s);
                var length = Math.Sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay));
                var n = Math.Max(1, (int)Math.Ceiling(length / step));
                for (var k = 0; k <= n; k++)
                {
                    var t = (double)k / n;
                    var cost = costAt(e, alongStart + t * length * scale);
                    if (!(cost <= max)) continue;
                    double px = ax + t * (bx - ax) - x0, py = ay + t * (by - ay) - y0;
                    int ci = (int)Math.Round(px / cell), cj = (int)Math.Round(py / cell);
                    for (var j = Math.Max(0, cj - r - 1); j <= Math.Min(h - 1, cj + r + 1); j++)
                    {
                        var dy = j * cell - py;
                        var row = j * w;
                        for (var i = Math.Max(0, ci - r - 1); i <= Math.Min(w - 1, ci + r + 1); i++)
                        {
                            var dx = i * cell - px;
                            var d = Math.Sqrt(dx * dx + dy * dy);
                            if (d > reach) continue;
                            var v = cost + d;
                            if (v < value[row + i]) value[row + i] = v;
                        }
                    }
                }
            }
        }
        return new IsochroneField(plane, value, w, h, x0, y0, cell, high, o);
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
        for (var j = 0; j < _h - 1; j++)
        {
            for (var i = 0; i < _w - 1; i++)
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
            if (tolerance > 0) ring = Simplify(ring, tolerance);
            if (ring.Count < 3) continue;
            var area = SignedArea(ring);
            var env = new Envelope();
            foreach (var (x, y) in ring) env.ExpandToInclude(x, y);
            if (area > 0) shells.Add((ring, area, env));
            else if (-area >= minHole) holes.Add((ring, -area, env));
        }
        if (shells.Count == 0) return factory.CreatePolygon();

        var holesOf = shells.Select(_ => new List<LinearRing>()).ToArray();
        foreach (var hole in holes)
        {
            var best = -1;
            var (hx, hy) = hole.Ring[0];
            for (var s = 0; s < shells.Count; s++)
            {
                if (!shells[s].Env.Contains(hole.Env)) continue;
                if (best >= 0 && shells[s].Area >= shells[best].Area) continue;
                if (Inside(shells[s].Ring, hx, hy)) best = s;
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

    private static double SignedArea(List<(double X, double Y)> ring)
    {
        var sum = 0.0;
        for (int k = 0, prev = ring.Count - 1; k < ring.Count; prev = k++)
            sum += ring[prev].X * ring[k].Y - ring[k].X * ring[prev].Y;
        return sum / 2;
    }

    private static bool Inside(List<(double X, double Y)> ring, double x, double y)
    {
        var inside = false;
        for (int k = 0, prev = ring.Count - 1; k < ring.Count; prev = k++)
        {
            var (xi, yi) = ring[k];
            var (xj, yj) = ring[prev];
            if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
    }

    /// <summary>Douglas-Peucker on a closed ring, split at its first vertex and the vertex farthest from it.</summary>
    private static List<(double X, double Y)> Simplify(List<(double X, double Y)> ring, double tolerance)
    {
        var n = ring.Count;
        var far = 0;
        var farD = -1.0;
        for (var k = 1; k < n; k++)
        {
            var d = Math.Pow(ring[k].X - ring[0].X, 2) + Math.Pow(ring[k].Y - ring[0].Y, 2);
            if (d > farD) { farD = d; far = k; }
        }
        if (far == 0) return ring;
        var keep = new bool[n + 1];
        keep[0] = keep[far] = keep[n] = true;
        var stack = new Stack<(int A, int B)>();
        stack.Push((0, far));
        stack.Push((far, n));
        (double X, double Y) At(int k) => ring[k == n ? 0 : k];
        while (stack.Count > 0)
        {
            var (a, b) = stack.Pop();
            if (b - a < 2) continue;
            var (ax, ay) = At(a);
            var (bx, by) = At(b);
            double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
            var worst = -1;
            var worstD = tolerance;
            for (var k = a + 1; k < b; k++)
            {
                var (px, py) = At(k);
                double d;
                if (len2 == 0) d = Math.Sqrt(Math.Pow(px - ax, 2) + Math.Pow(py - ay, 2));
                else
                {
                    var u = Math.Clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0, 1);
                    d = Math.Sqrt(Math.Pow(ax + u * dx - px, 2) + Math.Pow(ay + u * dy - py, 2));
                }
                if (d > worstD) { worstD = d; worst = k; }
            }
            if (worst < 0) continue;
            keep[worst] = true;
            stack.Push((a, worst));
            stack.Push((worst, b));
        }
        var result = new List<(double X, double Y)>();
        for (var k = 0; k < n; k++) if (keep[k]) result.Add(ring[k]);
        return result.Count >= 3 ? result : ring;
    }
}
