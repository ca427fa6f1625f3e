using NetTopologySuite.Geometries;

namespace GridGov.Geo.Grids;

/// <summary>Metres per degree of longitude and latitude at a latitude, on the CGCS2000 ellipsoid: a local metric
/// for the short distances snapping decides on (a Gauss-Krüger projection would give the same to a few parts in ten
/// thousand, at the price of a projection per vertex).</summary>
internal static class LocalMetric
{
    private const double A = 6378137.0;
    private const double F = 1 / 298.257222101;
    private const double E2 = F * (2 - F);

    public static (double Kx, double Ky) At(double latitude)
    {
        var phi = latitude * Math.PI / 180;
        var s = Math.Sin(phi);
        var w = 1 - E2 * s * s;
        var n = A / Math.Sqrt(w);
        var m = A * (1 - E2) / (w * Math.Sqrt(w));
        return (n * Math.Cos(phi) * Math.PI / 180, m * Math.PI / 180);
    }

    public static double Distance(Coordinate p, Coordinate q)
    {
        var (kx, ky) = At((p.Y + q.Y) / 2);
        return Distance(p, q, kx, ky);
    }

    /// <summary>Distance in metres with the factors of a nearby latitude.</summary>
    public static double Distance(Coordinate p, Coordinate q, double kx, double ky)
    {
        var dx = (q.X - p.X) * kx;
        var dy = (q.Y - p.Y) * ky;
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>Signed area in m² of the polygon through the points (closing back to the first).</summary>
    public static double Shoelace(IReadOnlyList<Coordinate> pts)
    {
        var o = pts[0];
        var (kx, ky) = At(o.Y);
        var sum = 0.0;
        for (var i = 0; i < pts.Count; i++)
        {
            Coordinate p = pts[i], q = pts[(i + 1) % pts.Count];
            sum += (p.X - o.X) * (q.Y - o.Y) - (q.X - o.X) * (p.Y - o.Y);
        }
        return sum / 2 * kx * ky;
    }

    /// <summary>The closest point to <paramref name="p"/> on segment a-b (in lon/lat, the parameter found in metres)
    /// and its distance in metres.</summary>
    public static (double T, double DistM) ToSegment(Coordinate p, Coordinate a, Coordinate b)
    {
        var (kx, ky) = At(p.Y);
        return ToSegment(p, a, b, kx, ky);
    }

    public static (double T, double DistM) ToSegment(Coordinate p, Coordinate a, Coordinate b, double kx, double ky)
    {
        double ax = (a.X - p.X) * kx, ay = (a.Y - p.Y) * ky, bx = (b.X - p.X) * kx, by = (b.Y - p.Y) * ky;
        double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
        var t = len2 > 0 ? Math.Clamp(-(ax * dx + ay * dy) / len2, 0, 1) : 0;
        double cx = ax + t * dx, cy = ay + t * dy;
        return (t, Math.Sqrt(cx * cx + cy * cy));
    }
}

/// <summary>An undirected segment as a dictionary key: its two end points in lexicographic order.</summary>
internal readonly record struct SegmentKey(double X0, double Y0, double X1, double Y1)
{
    public static SegmentKey Of(Coordinate a, Coordinate b) =>
        a.X < b.X || (a.X == b.X && a.Y <= b.Y) ? new(a.X, a.Y, b.X, b.Y) : new(b.X, b.Y, a.X, a.Y);

    public bool Equals(SegmentKey o) => X0 == o.X0 && Y0 == o.Y0 && X1 == o.X1 && Y1 == o.Y1;
    public override int GetHashCode() => HashCode.Combine(X0, Y0, X1, Y1);
}

/// <summary>What snapping did to one ring.</summary>
internal sealed class SnapStats
{
    public int Moved;
    public int Inserted;
    /// <summary>Area swept by the moves and insertions, m² (each move measured against the ring as it then was).</summary>
    public double AreaM2;
    public double MaxMoveM;
    public readonly List<Coordinate> Points = [];
    public readonly HashSet<int> Owners = [];
    public bool Any => Moved + Inserted > 0;
}

/// <summary>
/// The vertices and segments rings are snapped onto (the "anchors"), in a grid of cells a few snap distances wide.
/// Anchors can be added as rings are snapped, so that in a whole-level clean every grid snaps onto the grids already
/// settled and neighbours meet on one version of their border. Not thread-safe; one per operation.
/// </summary>
internal sealed class SnapAnchors
{
    private readonly CellGrid _vertexCells;
    private readonly CellGrid _segmentCells;
    private readonly List<Coordinate> _vertices = [];
    private readonly List<int> _vertexOwner = [];
    private readonly List<(Coordinate A, Coordinate B)> _segments = [];
    private readonly List<int> _segmentOwner = [];
    private readonly HashSet<SegmentKey> _segmentKeys = [];
    private readonly List<int> _hits = [];
    private readonly List<int> _segmentStamp = [];
    private int _stamp;

    /// <param name="extent">Where the anchors lie (lon/lat).</param>
    /// <param name="cellM">Cell size in metres; about the typical segment length, and at least the snap distance.</param>
    public SnapAnchors(Envelope extent, double cellM)
    {
        var (kx, ky) = LocalMetric.At(extent.Centre.Y);
        _vertexCells = new CellGrid(extent, cellM / kx, cellM / ky);
        _segmentCells = new CellGrid(extent, cellM / kx, cellM / ky);
    }

    public Coordinate Vertex(int id) => _vertices[id];
    public int VertexOwner(int id) => _vertexOwner[id];

    public bool HasSegment(Coordinate a, Coordinate b) => _segmentKeys.Contains(SegmentKey.Of(a, b));

    /// <summary>Adds a ring's vertices (a vertex shared by several rings is simply there several times) and its
    /// segments (each once).</summary>
    public void AddRing(Coordinate[] ring, int owner)
    {
        for (var i = 0; i + 1 < ring.Length; i++)
        {
            var p = ring[i];
            _vertexCells.Add(_vertexCells.Column(p.X), _vertexCells.Row(p.Y), _vertices.Count);
            _vertices.Add(p);
            _vertexOwner.Add(owner);
        }
        for (var i = 0; i + 1 < ring.Length; i++)
        {
            Coordinate a = ring[i], b = ring[i + 1];
            if (a.Equals2D(b) || !_segmentKeys.Add(SegmentKey.Of(a, b))) continue;
            _segmentCells.Add(Math.Min(a.X, b.X), Math.Min(a.Y, b.Y), Math.Max(a.X, b.X), Math.Max(a.Y, b.Y), _segments.Count);
            _segments.Add((a, b));
            _segmentOwner.Add(owner);
            _segmentStamp.Add(0);
        }
    }

    /// <summary>The nearest anchor vertex within <paramref name="radiusM"/> of <paramref name="p"/>, or -1.</summary>
    public (int Id, double DistM) NearestVertex(Coordinate p, double radiusM)
    {
        var (best, bestD) = (-1, double.MaxValue);
        var (kx, ky) = LocalMetric.At(p.Y);
        foreach (var id in Query(_vertexCells, p, p, radiusM, kx, ky, dedupe: false))
        {
            var d = LocalMetric.Distance(p, _vertices[id], kx, ky);
            if (d <= radiusM && (d < bestD || (d == bestD && id < best))) (best, bestD) = (id, d);
        }
        return (best, bestD);
    }

    /// <summary>The nearest point on an anchor segment within <paramref name="radiusM"/> of <paramref name="p"/>.</summary>
    public (Coordinate? Point, int Owner, double DistM) NearestOnSegment(Coordinate p, double radiusM)
    {
        var (best, bestT, bestD) = (-1, 0.0, double.MaxValue);
        var (kx, ky) = LocalMetric.At(p.Y);
        foreach (var id in Query(_segmentCells, p, p, radiusM, kx, ky, dedupe: true))
        {
            var (a, b) = _segments[id];
            var (t, d) = LocalMetric.ToSegment(p, a, b, kx, ky);
            if (d <= radiusM && (d < bestD || (d == bestD && id < best))) (best, bestT, bestD) = (id, t, d);
        }
        if (best < 0) return (null, -1, double.MaxValue);
        var (sa, sb) = _segments[best];
        return (new Coordinate(sa.X + bestT * (sb.X - sa.X), sa.Y + bestT * (sb.Y - sa.Y)), _segmentOwner[best], bestD);
    }

    /// <summary>Anchor vertices within <paramref name="radiusM"/> of the interior of segment a-b (not within a
    /// millimetre of its ends), with their parameter along it.</summary>
    public void VerticesAlong(Coordinate a, Coordinate b, double radiusM, List<(double T, int Id)> into)
    {
        into.Clear();
        var (kx, ky) = LocalMetric.At((a.Y + b.Y) / 2);
        foreach (var id in Query(_vertexCells, a, b, radiusM, kx, ky, dedupe: false))
        {
            var w = _vertices[id];
            if (w.Equals2D(a) || w.Equals2D(b)) continue;
            var (t, d) = LocalMetric.ToSegment(w, a, b, kx, ky);
            if (d > radiusM || t <= 0 || t >= 1) continue;
            if (LocalMetric.Distance(w, a, kx, ky) < 1e-3 || LocalMetric.Distance(w, b, kx, ky) < 1e-3) continue;
            into.Add((t, id));
        }
        if (into.Count > 1) into.Sort((x, y) => x.T != y.T ? x.T.CompareTo(y.T) : x.Id.CompareTo(y.Id));
    }

    /// <summary>The ids in the cells within <paramref name="radiusM"/> of the box a-b (a reused list); segments,
    /// which lie in several cells, once each.</summary>
    private List<int> Query(CellGrid cells, Coordinate a, Coordinate b, double radiusM, double kx, double ky, bool dedupe)
    {
        double rx = radiusM / kx * 1.01, ry = radiusM / ky * 1.01;
        int c0 = cells.Column(Math.Min(a.X, b.X) - rx), c1 = cells.Column(Math.Max(a.X, b.X) + rx);
        int r0 = cells.Row(Math.Min(a.Y, b.Y) - ry), r1 = cells.Row(Math.Max(a.Y, b.Y) + ry);
        _stamp++;
        _hits.Clear();
        for (var c = c0; c <= c1; c++)
            for (var r = r0; r <= r1; r++)
                foreach (var id in cells.Items(c, r))
                {
                    if (dedupe)
                    {
                        if (_segmentStamp[id] == _stamp) continue;
                        _segmentStamp[id] = _stamp;
                    }
                    _hits.Add(id);
                }
        return _hits;
    }
}

/// <summary>
/// Snaps a ring onto anchors within a distance in metres: each vertex moves onto the nearest anchor vertex, or else
/// onto the nearest anchor segment; then anchor vertices lying along the ring's segments are threaded into them, so
/// the ring follows the anchor's border vertex for vertex. Vertices the caller marks fixed stay (they already
/// coincide with another grid's), and segments the caller marks matched take no new vertices.
/// </summary>
internal static class RingSnapper
{
    public static Coordinate[] Snap(Coordinate[] ring, SnapAnchors anchors, double snapM,
        Func<Coordinate, bool> isFixed, Func<Coordinate, Coordinate, bool> isMatched, SnapStats stats)
    {
        var n = ring.Length - 1;
        var moved = new Coordinate[n];
        for (var i = 0; i < n; i++)
        {
            var p = ring[i];
            moved[i] = p;
            if (isFixed(p)) continue;
            var (v, dv) = anchors.NearestVertex(p, snapM);
            var (q, owner, dq) = v >= 0 ? (anchors.Vertex(v), anchors.VertexOwner(v), dv) : anchors.NearestOnSegment(p, snapM);
            if (q is null || dq <= 0) continue;
            moved[i] = q;
            Record(stats, q, dq, owner);
            // Moving p to q with its neighbours fixed sweeps the triangles (previous, p, q) and (p, q, next).
            var previous = i > 0 ? moved[i - 1] : ring[n - 1];
            stats.AreaM2 += Math.Abs(LocalMetric.Shoelace([previous, p, q])) + Math.Abs(LocalMetric.Shoelace([p, q, ring[i + 1]]));
        }

        var result = new List<Coordinate>(n + 8);
        var along = new List<(double T, int Id)>();
        for (var i = 0; i < n; i++)
        {
            Coordinate a = moved[i], b = moved[(i + 1) % n];
            Add(result, a);
            if (a.Equals2D(b) || isMatched(a, b) || anchors.HasSegment(a, b)) continue;
            anchors.VerticesAlong(a, b, snapM, along);
            if (along.Count > 0) stats.AreaM2 += Math.Abs(LocalMetric.Shoelace([a, .. along.Select(x => anchors.Vertex(x.Id)), b]));
            foreach (var (_, id) in along)
            {
                var w = anchors.Vertex(id);
                if (!Add(result, w)) continue;
                stats.Inserted++;
                stats.Points.Add(w);
                stats.Owners.Add(anchors.VertexOwner(id));
            }
        }
        while (result.Count > 1 && result[^1].Equals2D(result[0])) result.RemoveAt(result.Count - 1);
        result.Add(result[0]);
        return [.. result];
    }

    private static void Record(SnapStats stats, Coordinate to, double distM, int owner)
    {
        stats.Moved++;
        stats.MaxMoveM = Math.Max(stats.MaxMoveM, distM);
        stats.Points.Add(to);
        stats.Owners.Add(owner);
    }

    private static bool Add(List<Coordinate> list, Coordinate c)
    {
        if (list.Count > 0 && list[^1].Equals2D(c)) return false;
        list.Add(c);
        return true;
    }
}
