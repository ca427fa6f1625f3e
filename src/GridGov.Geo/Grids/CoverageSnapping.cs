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
        var dx = (q.X - p.X) * kx;
        var dy = (q.Y - p.Y) * ky;
        return Math.Sqrt(dx * dx + dy * dy);
    }

    /// <summary>The closest point to <paramref name="p"/> on segment a-b (in lon/lat, the parameter found in metres)
    /// and its distance in metres.</summary>
    public static (double T, double DistM) ToSegment(Coordinate p, Coordinate a, Coordinate b)
    {
        var (kx, ky) = At(p.Y);
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
    public double MaxMoveM;
    public readonly List<Coordinate> Points = [];
    public readonly HashSet<int> Owners = [];
    public bool Any => Moved + Inserted > 0;
}

/// <summary>
/// The vertices and segments rings are snapped onto (the "anchors"), in a spatial hash of cells a few snap distances
/// wide. Anchors can be added as rings are snapped, so that in a whole-level clean every grid snaps onto the grids
/// already settled and neighbours meet on one version of their border. Not thread-safe; one per operation.
/// </summary>
internal sealed class SnapAnchors
{
    private readonly double _cellLon;
    private readonly double _cellLat;
    private readonly List<Coordinate> _vertices = [];
    private readonly List<int> _vertexOwner = [];
    private readonly Dictionary<(double, double), int> _vertexIds = [];
    private readonly List<(Coordinate A, Coordinate B)> _segments = [];
    private readonly List<int> _segmentOwner = [];
    private readonly HashSet<SegmentKey> _segmentKeys = [];
    private readonly Dictionary<long, List<int>> _vertexCells = [];
    private readonly Dictionary<long, List<int>> _segmentCells = [];

    /// <param name="cellM">Cell size in metres; about the typical segment length, and at least the snap distance.</param>
    /// <param name="latitude">A latitude of the data, for the cell size in degrees.</param>
    public SnapAnchors(double cellM, double latitude)
    {
        var (kx, ky) = LocalMetric.At(latitude);
        _cellLon = cellM / kx;
        _cellLat = cellM / ky;
    }

    public Coordinate Vertex(int id) => _vertices[id];
    public int VertexOwner(int id) => _vertexOwner[id];

    public bool HasVertex(Coordinate c) => _vertexIds.ContainsKey((c.X, c.Y));
    public bool HasSegment(Coordinate a, Coordinate b) => _segmentKeys.Contains(SegmentKey.Of(a, b));

    public void AddRing(Coordinate[] ring, int owner)
    {
        for (var i = 0; i + 1 < ring.Length; i++)
        {
            var p = ring[i];
            if (_vertexIds.ContainsKey((p.X, p.Y))) continue;
            var id = _vertices.Count;
            _vertexIds.Add((p.X, p.Y), id);
            _vertices.Add(p);
            _vertexOwner.Add(owner);
            Cell(_vertexCells, CellKey(Ix(p.X), Iy(p.Y))).Add(id);
        }
        for (var i = 0; i + 1 < ring.Length; i++)
        {
            Coordinate a = ring[i], b = ring[i + 1];
            if (a.Equals2D(b) || !_segmentKeys.Add(SegmentKey.Of(a, b))) continue;
            var id = _segments.Count;
            _segments.Add((a, b));
            _segmentOwner.Add(owner);
            int x0 = Ix(Math.Min(a.X, b.X)), x1 = Ix(Math.Max(a.X, b.X)), y0 = Iy(Math.Min(a.Y, b.Y)), y1 = Iy(Math.Max(a.Y, b.Y));
            for (var x = x0; x <= x1; x++)
                for (var y = y0; y <= y1; y++)
                    Cell(_segmentCells, CellKey(x, y)).Add(id);
        }
    }

    /// <summary>The nearest anchor vertex within <paramref name="radiusM"/> of <paramref name="p"/>, or -1.</summary>
    public (int Id, double DistM) NearestVertex(Coordinate p, double radiusM)
    {
        var (best, bestD) = (-1, double.MaxValue);
        foreach (var id in Query(_vertexCells, p, p, radiusM))
        {
            var d = LocalMetric.Distance(p, _vertices[id]);
            if (d <= radiusM && (d < bestD || (d == bestD && id < best))) (best, bestD) = (id, d);
        }
        return (best, bestD);
    }

    /// <summary>The nearest point on an anchor segment within <paramref name="radiusM"/> of <paramref name="p"/>.</summary>
    public (Coordinate? Point, int Owner, double DistM) NearestOnSegment(Coordinate p, double radiusM)
    {
        var (best, bestT, bestD) = (-1, 0.0, double.MaxValue);
        foreach (var id in Query(_segmentCells, p, p, radiusM))
        {
            var (a, b) = _segments[id];
            var (t, d) = LocalMetric.ToSegment(p, a, b);
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
        foreach (var id in Query(_vertexCells, a, b, radiusM))
        {
            var w = _vertices[id];
            if (w.Equals2D(a) || w.Equals2D(b)) continue;
            var (t, d) = LocalMetric.ToSegment(w, a, b);
            if (d > radiusM || t <= 0 || t >= 1) continue;
            if (LocalMetric.Distance(w, a) < 1e-3 || LocalMetric.Distance(w, b) < 1e-3) continue;
            into.Add((t, id));
        }
        into.Sort((x, y) => x.T != y.T ? x.T.CompareTo(y.T) : x.Id.CompareTo(y.Id));
    }

    private readonly List<int> _hits = [];
    private readonly List<int> _vertexStamp = [];
    private readonly List<int> _segmentStamp = [];
    private int _stamp;

    /// <summary>The ids in the cells within <paramref name="radiusM"/> of the box a-b, each once (a reused list).</summary>
    private List<int> Query(Dictionary<long, List<int>> cells, Coordinate a, Coordinate b, double radiusM)
    {
        var (kx, ky) = LocalMetric.At((a.Y + b.Y) / 2);
        double rx = radiusM / kx * 1.01, ry = radiusM / ky * 1.01;
        int x0 = Ix(Math.Min(a.X, b.X) - rx), x1 = Ix(Math.Max(a.X, b.X) + rx), y0 = Iy(Math.Min(a.Y, b.Y) - ry), y1 = Iy(Math.Max(a.Y, b.Y) + ry);
        var stamps = ReferenceEquals(cells, _vertexCells) ? _vertexStamp : _segmentStamp;
        var count = ReferenceEquals(cells, _vertexCells) ? _vertices.Count : _segments.Count;
        while (stamps.Count < count) stamps.Add(0);
        _stamp++;
        _hits.Clear();
        for (var x = x0; x <= x1; x++)
            for (var y = y0; y <= y1; y++)
                if (cells.TryGetValue(CellKey(x, y), out var list))
                    foreach (var id in list)
                        if (stamps[id] != _stamp)
                        {
                            stamps[id] = _stamp;
                            _hits.Add(id);
                        }
        return _hits;
    }

    private int Ix(double lon) => (int)Math.Floor(lon / _cellLon);
    private int Iy(double lat) => (int)Math.Floor(lat / _cellLat);
    private static long CellKey(int x, int y) => ((long)x << 32) | (uint)y;

    private static List<int> Cell(Dictionary<long, List<int>> cells, long key)
    {
        if (!cells.TryGetValue(key, out var list)) cells.Add(key, list = []);
        return list;
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
            if (isFixed(p) || anchors.HasVertex(p)) continue;
            var (v, dv) = anchors.NearestVertex(p, snapM);
            if (v >= 0)
            {
                moved[i] = anchors.Vertex(v);
                Record(stats, moved[i], dv, anchors.VertexOwner(v));
                continue;
            }
            var (q, owner, dq) = anchors.NearestOnSegment(p, snapM);
            if (q is not null && dq > 0)
            {
                moved[i] = q;
                Record(stats, q, dq, owner);
            }
        }

        var result = new List<Coordinate>(n + 8);
        var along = new List<(double T, int Id)>();
        for (var i = 0; i < n; i++)
        {
            Coordinate a = moved[i], b = moved[(i + 1) % n];
            Add(result, a);
            if (a.Equals2D(b) || isMatched(a, b) || anchors.HasSegment(a, b)) continue;
            anchors.VerticesAlong(a, b, snapM, along);
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
