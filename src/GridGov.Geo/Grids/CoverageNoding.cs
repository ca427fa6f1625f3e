using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;

namespace GridGov.Geo.Grids;

/// <summary>
/// Nodes a set of segments with a snap tolerance, the rules of NetTopologySuite's SnappingNoder: end points within the
/// tolerance of an earlier point become that point; where two segments cross, the crossing (snapped to a point within
/// the tolerance, if any) becomes a node of both; an end point within the tolerance of another segment's interior
/// becomes a node of that segment (so collinear overlaps are noded too). Candidate pairs come from a spatial hash
/// with cells about a segment long, which on a coverage (most segments shared exactly, few crossings) is several
/// times faster than the monotone-chain tree. Not thread-safe; one per operation.
/// </summary>
internal sealed class SegmentNoder
{
    private readonly double _tolerance;
    private readonly List<Coordinate> _vertices = [];
    private readonly Dictionary<(double, double), int> _exact = [];
    private readonly Dictionary<(long, long), List<int>> _near = [];
    private readonly LineIntersector _intersector = new RobustLineIntersector();

    public SegmentNoder(double tolerance) => _tolerance = tolerance;

    public IReadOnlyList<Coordinate> Vertices => _vertices;

    /// <summary>
    /// Nodes the segments; returns the noded pieces as vertex pairs, each with the index of the input segment it is
    /// part of (pieces of different segments may coincide: callers merge them).
    /// </summary>
    public List<(int From, int To, int Segment)> Node(IReadOnlyList<(Coordinate A, Coordinate B)> segments)
    {
        var current = new List<(int From, int To, int Segment)>(segments.Count);
        for (var s = 0; s < segments.Count; s++)
        {
            int a = Snap(segments[s].A), b = Snap(segments[s].B);
            if (a != b) current.Add((a, b, s));
        }
        // One pass is not always enough: a crossing or a near vertex becomes a node a little off the straight line
        // (rounding, or the tolerance), and the bent pieces can then cross a segment nearby that the straight one
        // missed. Pieces of split segments are checked again (against everything) until nothing is split.
        var dirty = new bool[current.Count];
        Array.Fill(dirty, true);
        var seen = new HashSet<(int, int)>(current.Count * 2);
        for (var round = 0; round < MaxRounds; round++)
        {
            var nodes = FindNodes(current, dirty, round == 0);
            if (nodes.Count == 0) break;
            // A piece that was a segment before (another segment's piece, or one of an earlier round) was noded
            // against everything then: it is not checked again. Without that, vertices within the tolerance of each
            // other's segments (a triangle a few tolerances across) split each other for ever.
            if (round == 0)
                foreach (var (f, t, _) in current) seen.Add(f < t ? (f, t) : (t, f));
            var next = new List<(int From, int To, int Segment)>(current.Count + nodes.Count * 2);
            var nextDirty = new List<bool>(next.Capacity);
            var order = new List<(double T, int V)>();
            // Copies of one piece (two grids' rings along one edge) are dirty alike, so they are split alike.
            var fresh = new HashSet<(int, int)>();
            bool Dirty((int, int) key) => seen.Add(key) ? fresh.Add(key) : fresh.Contains(key);
            for (var i = 0; i < current.Count; i++)
            {
                var (from, to, seg) = current[i];
                if (!nodes.TryGetValue(i, out var inner))
                {
                    next.Add(current[i]);
                    nextDirty.Add(false);
                    continue;
                }
                Coordinate a = _vertices[from], b = _vertices[to];
                double dx = b.X - a.X, dy = b.Y - a.Y, len2 = dx * dx + dy * dy;
                order.Clear();
                foreach (var v in inner.Distinct())
                    if (v != from && v != to)
                        order.Add((((_vertices[v].X - a.X) * dx + (_vertices[v].Y - a.Y) * dy) / len2, v));
                order.Sort();
                var previous = from;
                foreach (var (_, v) in order)
                {
                    if (v == previous) continue;
                    next.Add((previous, v, seg));
                    nextDirty.Add(Dirty(previous < v ? (previous, v) : (v, previous)));
                    previous = v;
                }
                if (previous != to)
                {
                    next.Add((previous, to, seg));
                    nextDirty.Add(Dirty(previous < to ? (previous, to) : (to, previous)));
                }
            }
            current = next;
            dirty = [.. nextDirty];
            Rounds = round + 1;
        }
        return current;
    }

    /// <summary>Rounds that split something.</summary>
    public int Rounds { get; private set; }

    private const int MaxRounds = 16;

    /// <summary>The nodes to add to each segment (by position in <paramref name="segments"/>), from every pair of
    /// segments of which at least one is dirty.</summary>
    private Dictionary<int, List<int>> FindNodes(List<(int From, int To, int Segment)> segments, bool[] dirty, bool allDirty)
    {
        if (!allDirty) return FindNodesOfDirty(segments, dirty);
        var nodes = new Dictionary<int, List<int>>();
        var count = segments.Count;
        // Spatial hash of the segments, cells about the mean segment extent, each segment in the cells it passes.
        double extent = 0;
        var bounds = new Envelope();
        foreach (var (f, t, _) in segments)
        {
            Coordinate a = _vertices[f], b = _vertices[t];
            extent += Math.Max(Math.Abs(a.X - b.X), Math.Abs(a.Y - b.Y));
            bounds.ExpandToInclude(a);
            bounds.ExpandToInclude(b);
        }
        bounds.ExpandBy(2 * _tolerance);
        var cell = Math.Max(extent / count, 1000 * _tolerance);
        var cells = new CellGrid(bounds, cell, cell);
        var keys = new List<(int, int)>();
        var from = new int[count];
        var to = new int[count];
        for (var s = 0; s < count; s++)
        {
            (from[s], to[s], _) = segments[s];
            CellsAlong(_vertices[from[s]], _vertices[to[s]], cells, keys);
            foreach (var (c, r) in keys) cells.Add(c, r, s);
        }

        var stamp = new int[count];
        Array.Fill(stamp, -1);
        for (var s = 0; s < count; s++)
        {
            if (!dirty[s]) continue;
            CellsAlong(_vertices[from[s]], _vertices[to[s]], cells, keys);
            foreach (var (c, r) in keys)
                foreach (var t in cells.Items(c, r))
                {
                    if (t == s || (dirty[t] && t < s) || stamp[t] == s) continue;
                    stamp[t] = s;
                    Intersect(s, t, from, to, nodes);
                }
        }
        return nodes;
    }

    /// <summary>After the first round: the dirty pieces (few, but in a tangle of noisy rings thousands of centimetre
    /// pieces may share one cell of a uniform grid) in an R-tree, queried with every segment.</summary>
    private Dictionary<int, List<int>> FindNodesOfDirty(List<(int From, int To, int Segment)> segments, bool[] dirty)
    {
        var nodes = new Dictionary<int, List<int>>();
        var count = segments.Count;
        var from = new int[count];
        var to = new int[count];
        var tree = new NetTopologySuite.Index.Strtree.STRtree<int>();
        for (var s = 0; s < count; s++)
        {
            (from[s], to[s], _) = segments[s];
            if (!dirty[s]) continue;
            var env = new Envelope(_vertices[from[s]], _vertices[to[s]]);
            env.ExpandBy(_tolerance);
            tree.Insert(env, s);
        }
        if (tree.Count == 0) return nodes;
        tree.Build();
        var hits = new List<int>();
        var visitor = new ListVisitor(hits);
        for (var t = 0; t < count; t++)
        {
            hits.Clear();
            tree.Query(new Envelope(_vertices[from[t]], _vertices[to[t]]), visitor);
            foreach (var s in hits)
                if (s != t && (!dirty[t] || s < t)) Intersect(s, t, from, to, nodes);
        }
        return nodes;
    }

    private sealed class ListVisitor(List<int> into) : NetTopologySuite.Index.IItemVisitor<int>
    {
        public void VisitItem(int item) => into.Add(item);
    }

    private void Intersect(int s, int t, int[] from, int[] to, Dictionary<int, List<int>> nodes)
    {
        int s0 = from[s], s1 = to[s], t0 = from[t], t1 = to[t];
        Coordinate p0 = _vertices[s0], p1 = _vertices[s1], q0 = _vertices[t0], q1 = _vertices[t1];
        var tol = _tolerance;
        if (Math.Min(p0.X, p1.X) > Math.Max(q0.X, q1.X) + tol || Math.Max(p0.X, p1.X) < Math.Min(q0.X, q1.X) - tol ||
            Math.Min(p0.Y, p1.Y) > Math.Max(q0.Y, q1.Y) + tol || Math.Max(p0.Y, p1.Y) < Math.Min(q0.Y, q1.Y) - tol) return;
        var shared = s0 == t0 || s0 == t1 || s1 == t0 || s1 == t1;
        if ((s0 == t0 && s1 == t1) || (s0 == t1 && s1 == t0)) return;
        if (!shared)
        {
            _intersector.ComputeIntersection(p0, p1, q0, q1);
            if (_intersector.HasIntersection && _intersector.IntersectionNum == 1)
            {
                var v = Snap(_intersector.GetIntersection(0));
                if (v != s0 && v != s1) Add(nodes, s, v);
                if (v != t0 && v != t1) Add(nodes, t, v);
            }
        }
        NearVertex(s0, t, t0, t1, nodes);
        NearVertex(s1, t, t0, t1, nodes);
        NearVertex(t0, s, s0, s1, nodes);
        NearVertex(t1, s, s0, s1, nodes);
    }

    private void NearVertex(int v, int segment, int a, int b, Dictionary<int, List<int>> nodes)
    {
        if (v == a || v == b) return;
        Coordinate p = _vertices[v], pa = _vertices[a], pb = _vertices[b];
        if (p.Distance(pa) < _tolerance || p.Distance(pb) < _tolerance) return;
        if (DistanceComputer.PointToSegment(p, pa, pb) < _tolerance) Add(nodes, segment, v);
    }

    private static void Add(Dictionary<int, List<int>> nodes, int segment, int vertex)
    {
        if (!nodes.TryGetValue(segment, out var list)) nodes.Add(segment, list = []);
        list.Add(vertex);
    }

    /// <summary>The vertex for a point: itself if new, else the first vertex within the tolerance.</summary>
    private int Snap(Coordinate p)
    {
        if (_exact.TryGetValue((p.X, p.Y), out var id)) return id;
        var size = NearCell * _tolerance;
        long x0 = (long)Math.Floor((p.X - _tolerance) / size), x1 = (long)Math.Floor((p.X + _tolerance) / size);
        long y0 = (long)Math.Floor((p.Y - _tolerance) / size), y1 = (long)Math.Floor((p.Y + _tolerance) / size);
        for (var x = x0; x <= x1; x++)
            for (var y = y0; y <= y1; y++)
                if (_near.TryGetValue((x, y), out var list))
                    foreach (var v in list)
                        if (_vertices[v].Distance(p) < _tolerance)
                        {
                            _exact[(p.X, p.Y)] = v;
                            return v;
                        }
        id = _vertices.Count;
        _vertices.Add(new Coordinate(p.X, p.Y));
        _exact.Add((p.X, p.Y), id);
        var key = ((long)Math.Floor(p.X / size), (long)Math.Floor(p.Y / size));
        if (!_near.TryGetValue(key, out var cell)) _near.Add(key, cell = []);
        cell.Add(id);
        return id;
    }

    /// <summary>Cells of the near-point index, in tolerances: a point is mostly far from a cell border, one probe.</summary>
    private const double NearCell = 64;

    /// <summary>The cells a segment (grown by the tolerance) passes through: column by column, the rows its span in
    /// that column covers.</summary>
    private void CellsAlong(Coordinate a, Coordinate b, CellGrid cells, List<(int, int)> into)
    {
        into.Clear();
        var tol = _tolerance;
        if (a.X > b.X) (a, b) = (b, a);
        int c0 = cells.Column(a.X - tol), c1 = cells.Column(b.X + tol);
        if (c0 == c1)
        {
            for (int r = cells.Row(Math.Min(a.Y, b.Y) - tol), r1 = cells.Row(Math.Max(a.Y, b.Y) + tol); r <= r1; r++) into.Add((c0, r));
            return;
        }
        var slope = (b.Y - a.Y) / (b.X - a.X);
        for (var c = c0; c <= c1; c++)
        {
            double left = Math.Max(a.X, cells.Left(c) - tol), right = Math.Min(b.X, cells.Left(c + 1) + tol);
            double ya = a.Y + slope * (left - a.X), yb = a.Y + slope * (right - a.X);
            for (int r = cells.Row(Math.Min(ya, yb) - tol), r1 = cells.Row(Math.Max(ya, yb) + tol); r <= r1; r++) into.Add((c, r));
        }
    }
}
