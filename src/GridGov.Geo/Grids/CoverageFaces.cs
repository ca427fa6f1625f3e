using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;

namespace GridGov.Geo.Grids;

/// <summary>
/// The shared engine of the coverage edits: the rings of some polygons ("sources", e.g. grids and a new outline) and
/// optional cut lines, noded once into a planar arrangement of faces. Every face knows which sources cover it (by
/// parity: crossing an edge toggles the sources whose rings run along it), its neighbours across each edge, and the
/// length of each border in metres. Callers give each face an owner; <see cref="BuildRegions"/> then traces every
/// owner's outline from the same half-edges, so neighbours share their edges vertex for vertex, and an outline whose
/// faces did not change comes back with exactly the vertices it had.
/// <para>Noding is <see cref="SegmentNoder"/> (SnappingNoder's rules) with a 1e-9° (about 0.1 mm) tolerance:
/// crossings are computed once and shared by both lines, and a vertex that lies on another line within the tolerance
/// becomes a node of it. Coordinates stay lon/lat. One instance per operation; not thread-safe.</para>
/// </summary>
internal sealed class CoverageFaces
{
    public const double NodingToleranceDeg = 1e-9;
    public const int Outside = -1;

    private readonly GeometryFactory _factory;
    private Coordinate[] _vertices = [];
    private int[] _edgeFrom = [];
    private int[] _edgeTo = [];
    private int[][] _edgeSources = [];
    private bool[] _edgeCut = [];
    private double[] _edgeLengthM = [];
    private bool[] _alive = [];

    // Half-edge h runs along edge h >> 1, from _edgeFrom (h even) or _edgeTo (h odd); its twin is h ^ 1.
    private int[] _outStart = [];
    private int[] _outList = [];
    private int[] _outPos = [];
    private int[] _cycleOf = [];
    private readonly List<int> _cycleFirst = [];
    private readonly List<double> _cycleArea = [];
    private int[] _faceOf = [];          // per half-edge: the face on its left, or Outside
    private int[] _faceCycle = [];       // per face: its shell cycle
    private List<int>[] _faceHoles = []; // per face: the cycles of its holes
    private int[][] _parents = [];
    private readonly Dictionary<int, Polygon> _facePolygons = [];

    private CoverageFaces(GeometryFactory factory) => _factory = factory;

    public int FaceCount => _faceCycle.Length;

    /// <summary>The sources covering face <paramref name="face"/>, ascending.</summary>
    public IReadOnlyList<int> Parents(int face) => _parents[face];

    /// <summary>
    /// Nodes the rings and cuts and builds the faces.
    /// </summary>
    /// <param name="rings">Closed rings, each with the source (polygon index) it bounds.</param>
    /// <param name="cuts">Lines that separate faces without bounding any source (a split line); may be empty.</param>
    public static CoverageFaces Build(IReadOnlyList<(int Source, Coordinate[] Ring)> rings, IReadOnlyList<Coordinate[]> cuts, GeometryFactory factory)
    {
        var faces = new CoverageFaces(factory);
        faces.Node(rings, cuts);
        faces.BuildFaces();
        return faces;
    }

    private void Node(IReadOnlyList<(int Source, Coordinate[] Ring)> rings, IReadOnlyList<Coordinate[]> cuts)
    {
        // Unique input segments, each with the sources whose rings use it (a source twice cancels out later).
        var total = rings.Sum(r => r.Ring.Length) + cuts.Sum(c => c.Length);
        var segIds = new Dictionary<SegmentKey, int>(total);
        var segments = new List<(Coordinate A, Coordinate B)>(total);
        var segSources = new List<List<int>>();
        var segCut = new List<bool>();
        int Segment(Coordinate a, Coordinate b)
        {
            var key = SegmentKey.Of(a, b);
            if (segIds.TryGetValue(key, out var id)) return id;
            id = segments.Count;
            segIds.Add(key, id);
            segments.Add((a, b));
            segSources.Add([]);
            segCut.Add(false);
            return id;
        }
        foreach (var (source, ring) in rings)
            for (var i = 0; i + 1 < ring.Length; i++)
                if (!ring[i].Equals2D(ring[i + 1]))
                    segSources[Segment(ring[i], ring[i + 1])].Add(source);
        foreach (var cut in cuts)
            for (var i = 0; i + 1 < cut.Length; i++)
                if (!cut[i].Equals2D(cut[i + 1]))
                    segCut[Segment(cut[i], cut[i + 1])] = true;

        var noder = new SegmentNoder(NodingToleranceDeg);
        var pieces = noder.Node(segments);

        // Noded edges: unique again (two input segments may now share a piece), sources merged by parity.
        var edgeIds = new Dictionary<(int, int), int>(pieces.Count);
        var from = new List<int>();
        var to = new List<int>();
        var edgeSeg = new List<int>();
        var extraSegs = new Dictionary<int, List<int>>();
        foreach (var (a, b, seg) in pieces)
        {
            var key = a < b ? (a, b) : (b, a);
            if (!edgeIds.TryGetValue(key, out var e))
            {
                edgeIds.Add(key, from.Count);
                from.Add(a);
                to.Add(b);
                edgeSeg.Add(seg);
                continue;
            }
            if (edgeSeg[e] == seg) continue;
            if (!extraSegs.TryGetValue(e, out var more)) extraSegs.Add(e, more = []);
            if (!more.Contains(seg)) more.Add(seg);
        }
        var vertices = noder.Vertices;
        _vertices = [.. vertices];
        _edgeFrom = [.. from];
        _edgeTo = [.. to];
        var count = from.Count;
        _edgeSources = new int[count][];
        _edgeCut = new bool[count];
        _edgeLengthM = new double[count];
        _alive = new bool[count];
        var all = new List<int>();
        for (var e = 0; e < count; e++)
        {
            all.Clear();
            all.AddRange(segSources[edgeSeg[e]]);
            _edgeCut[e] = segCut[edgeSeg[e]];
            if (extraSegs.TryGetValue(e, out var more))
                foreach (var seg in more)
                {
                    all.AddRange(segSources[seg]);
                    _edgeCut[e] |= segCut[seg];
                }
            int[] odd;
            if (all.Count == 1) odd = [all[0]];
            else if (all.Count == 2 && all[0] != all[1]) odd = all[0] < all[1] ? [all[0], all[1]] : [all[1], all[0]];
            else
            {
                all.Sort();
                var list = new List<int>();
                for (var i = 0; i < all.Count;)
                {
                    var j = i;
                    while (j < all.Count && all[j] == all[i]) j++;
                    if (((j - i) & 1) == 1) list.Add(all[i]);
                    i = j;
                }
                odd = [.. list];
            }
            _edgeSources[e] = odd;
            _alive[e] = odd.Length > 0 || _edgeCut[e];
            _edgeLengthM[e] = LocalMetric.Distance(_vertices[_edgeFrom[e]], _vertices[_edgeTo[e]]);
        }
    }

    private int Origin(int h) => (h & 1) == 0 ? _edgeFrom[h >> 1] : _edgeTo[h >> 1];
    private int Dest(int h) => (h & 1) == 0 ? _edgeTo[h >> 1] : _edgeFrom[h >> 1];

    private void BuildFaces()
    {
        while (true)
        {
            RemoveDangles();
            SortAround();
            TraceCycles();
            // An edge with the same cycle on both sides is a bridge: it bounds nothing.
            var bridges = false;
            for (var e = 0; e < _alive.Length; e++)
                if (_alive[e] && _cycleOf[2 * e] == _cycleOf[2 * e + 1])
                {
                    _alive[e] = false;
                    bridges = true;
                }
            if (!bridges) break;
        }
        AssignFaces();
        ComputeParents();
    }

    private void RemoveDangles()
    {
        var degree = new int[_vertices.Length];
        var incident = new List<int>[_vertices.Length];
        for (var e = 0; e < _alive.Length; e++)
        {
            if (!_alive[e]) continue;
            degree[_edgeFrom[e]]++;
            degree[_edgeTo[e]]++;
        }
        var queue = new Queue<int>();
        for (var v = 0; v < degree.Length; v++)
            if (degree[v] == 1) queue.Enqueue(v);
        if (queue.Count == 0) return;
        for (var e = 0; e < _alive.Length; e++)
        {
            if (!_alive[e]) continue;
            (incident[_edgeFrom[e]] ??= []).Add(e);
            (incident[_edgeTo[e]] ??= []).Add(e);
        }
        while (queue.Count > 0)
        {
            var v = queue.Dequeue();
            if (degree[v] != 1) continue;
            foreach (var e in incident[v])
            {
                if (!_alive[e]) continue;
                _alive[e] = false;
                var other = _edgeFrom[e] == v ? _edgeTo[e] : _edgeFrom[e];
                degree[v]--;
                if (--degree[other] == 1) queue.Enqueue(other);
            }
        }
    }

    /// <summary>Out-going half-edges of every vertex in counter-clockwise order (quadrant, then orientation).</summary>
    private void SortAround()
    {
        var n = _vertices.Length;
        _outStart = new int[n + 1];
        for (var e = 0; e < _alive.Length; e++)
        {
            if (!_alive[e]) continue;
            _outStart[_edgeFrom[e] + 1]++;
            _outStart[_edgeTo[e] + 1]++;
        }
        for (var v = 0; v < n; v++) _outStart[v + 1] += _outStart[v];
        _outList = new int[_outStart[n]];
        var fill = new int[n];
        for (var e = 0; e < _alive.Length; e++)
        {
            if (!_alive[e]) continue;
            _outList[_outStart[_edgeFrom[e]] + fill[_edgeFrom[e]]++] = 2 * e;
            _outList[_outStart[_edgeTo[e]] + fill[_edgeTo[e]]++] = 2 * e + 1;
        }
        _outPos = new int[2 * _alive.Length];
        var comparer = new AngleComparer(this);
        for (var v = 0; v < n; v++)
        {
            int start = _outStart[v], len = _outStart[v + 1] - start;
            if (len > 2)
            {
                comparer.Origin = _vertices[v];
                Array.Sort(_outList, start, len, comparer);
            }
            for (var i = 0; i < len; i++) _outPos[_outList[start + i]] = i;
        }
    }

    private sealed class AngleComparer(CoverageFaces faces) : IComparer<int>
    {
        public Coordinate Origin = new();

        public int Compare(int a, int b)
        {
            if (a == b) return 0;
            var pa = faces._vertices[faces.Dest(a)];
            var pb = faces._vertices[faces.Dest(b)];
            int qa = Quadrant(pa.X - Origin.X, pa.Y - Origin.Y), qb = Quadrant(pb.X - Origin.X, pb.Y - Origin.Y);
            if (qa != qb) return qa.CompareTo(qb);
            var o = (int)Orientation.Index(Origin, pa, pb);
            return o != 0 ? -o : a.CompareTo(b);
        }

        private static int Quadrant(double dx, double dy) => dx >= 0 ? (dy >= 0 ? 0 : 3) : (dy >= 0 ? 1 : 2);
    }

    /// <summary>The next half-edge around the face on the left of <paramref name="h"/>: at its end, the out-going
    /// half-edge just clockwise of its twin.</summary>
    private int Next(int h)
    {
        var twin = h ^ 1;
        var v = Origin(twin);
        int start = _outStart[v], len = _outStart[v + 1] - start;
        return _outList[start + (_outPos[twin] + len - 1) % len];
    }

    private void TraceCycles()
    {
        _cycleOf = new int[2 * _alive.Length];
        Array.Fill(_cycleOf, -1);
        _cycleFirst.Clear();
        _cycleArea.Clear();
        for (var h0 = 0; h0 < _cycleOf.Length; h0++)
        {
            if (!_alive[h0 >> 1] || _cycleOf[h0] >= 0) continue;
            var id = _cycleFirst.Count;
            var origin = _vertices[Origin(h0)];
            var area = 0.0;
            var h = h0;
            do
            {
                _cycleOf[h] = id;
                var p = _vertices[Origin(h)];
                var q = _vertices[Dest(h)];
                area += (p.X - origin.X) * (q.Y - origin.Y) - (q.X - origin.X) * (p.Y - origin.Y);
                h = Next(h);
            } while (h != h0);
            _cycleFirst.Add(h0);
            _cycleArea.Add(area / 2);
        }
    }

    private IEnumerable<int> CycleHalfEdges(int cycle)
    {
        var h0 = _cycleFirst[cycle];
        var h = h0;
        do
        {
            yield return h;
            h = Next(h);
        } while (h != h0);
    }

    private Coordinate[] CycleCoordinates(int cycle)
    {
        var coords = new List<Coordinate>();
        foreach (var h in CycleHalfEdges(cycle)) coords.Add(_vertices[Origin(h)]);
        coords.Add(coords[0]);
        return [.. coords];
    }

    /// <summary>Counter-clockwise cycles are faces; the others (the outer rings of connected parts of the
    /// arrangement) are holes of the smallest face around them, or lie outside.</summary>
    private void AssignFaces()
    {
        var shells = new List<int>();
        var holes = new List<int>();
        for (var c = 0; c < _cycleFirst.Count; c++) (_cycleArea[c] > 0 ? shells : holes).Add(c);
        _faceCycle = [.. shells];
        _faceHoles = new List<int>[shells.Count];
        for (var f = 0; f < shells.Count; f++) _faceHoles[f] = [];
        var faceOfCycle = new int[_cycleFirst.Count];
        Array.Fill(faceOfCycle, Outside);
        for (var f = 0; f < shells.Count; f++) faceOfCycle[shells[f]] = f;

        if (holes.Count > 0 && shells.Count > 0)
        {
            var index = new STRtree<int>();
            var rings = new Coordinate[shells.Count][];
            for (var f = 0; f < shells.Count; f++)
            {
                rings[f] = CycleCoordinates(shells[f]);
                index.Insert(new Envelope(rings[f]), f);
            }
            foreach (var c in holes)
            {
                var pt = _vertices[Origin(_cycleFirst[c])];
                var (best, bestArea) = (Outside, double.MaxValue);
                foreach (var f in index.Query(new Envelope(pt)))
                {
                    if (_cycleArea[shells[f]] >= bestArea) continue;
                    if (PointLocation.LocateInRing(pt, rings[f]) == Location.Interior) (best, bestArea) = (f, _cycleArea[shells[f]]);
                }
                faceOfCycle[c] = best;
                if (best != Outside) _faceHoles[best].Add(c);
            }
        }

        _faceOf = new int[_cycleOf.Length];
        for (var h = 0; h < _faceOf.Length; h++) _faceOf[h] = _cycleOf[h] >= 0 ? faceOfCycle[_cycleOf[h]] : Outside;
    }

    /// <summary>Sources covering each face, by walking from the outside across edges and toggling the sources whose
    /// rings run along each edge crossed.</summary>
    private void ComputeParents()
    {
        var faceCount = _faceCycle.Length;
        _parents = new int[faceCount][];
        // Half-edges by the face on their left (Outside at slot faceCount).
        var byFace = new List<int>[faceCount + 1];
        for (var i = 0; i <= faceCount; i++) byFace[i] = [];
        for (var h = 0; h < _faceOf.Length; h++)
            if (_alive[h >> 1]) byFace[_faceOf[h] == Outside ? faceCount : _faceOf[h]].Add(h);

        var queue = new Queue<int>();
        queue.Enqueue(faceCount);
        var done = new bool[faceCount + 1];
        done[faceCount] = true;
        int[] ParentsOf(int slot) => slot == faceCount ? [] : _parents[slot];
        while (queue.Count > 0)
        {
            var slot = queue.Dequeue();
            foreach (var h in byFace[slot])
            {
                var other = _faceOf[h ^ 1];
                var otherSlot = other == Outside ? faceCount : other;
                if (done[otherSlot]) continue;
                done[otherSlot] = true;
                _parents[otherSlot] = Toggle(ParentsOf(slot), _edgeSources[h >> 1]);
                queue.Enqueue(otherSlot);
            }
        }
        for (var f = 0; f < faceCount; f++) _parents[f] ??= [];
    }

    private static int[] Toggle(int[] set, int[] toggles)
    {
        if (toggles.Length == 0) return set;
        var result = new List<int>(set.Length + toggles.Length);
        int i = 0, j = 0;
        while (i < set.Length || j < toggles.Length)
        {
            if (j == toggles.Length || (i < set.Length && set[i] < toggles[j])) result.Add(set[i++]);
            else if (i == set.Length || toggles[j] < set[i]) result.Add(toggles[j++]);
            else { i++; j++; }
        }
        return [.. result];
    }

    /// <summary>The faces across the border of <paramref name="face"/> (Outside included) with the length of border
    /// shared with each, in metres.</summary>
    public Dictionary<int, double> Borders(int face)
    {
        var borders = new Dictionary<int, double>();
        void Walk(int cycle)
        {
            foreach (var h in CycleHalfEdges(cycle))
            {
                var other = _faceOf[h ^ 1];
                borders[other] = borders.GetValueOrDefault(other) + _edgeLengthM[h >> 1];
            }
        }
        Walk(_faceCycle[face]);
        foreach (var hole in _faceHoles[face]) Walk(hole);
        return borders;
    }

    /// <summary>Every edge as the two faces it separates (Outside included), and whether it is only a cut line
    /// (no source's border runs along it).</summary>
    public IEnumerable<(int A, int B, bool Cut)> Adjacencies()
    {
        for (var e = 0; e < _alive.Length; e++)
            if (_alive[e]) yield return (_faceOf[2 * e], _faceOf[2 * e + 1], _edgeCut[e] && _edgeSources[e].Length == 0);
    }

    /// <summary>Source pairs whose rings share an edge, with the shared length in metres.</summary>
    public Dictionary<(int, int), double> SharedBorders()
    {
        var shared = new Dictionary<(int, int), double>();
        for (var e = 0; e < _alive.Length; e++)
        {
            if (!_alive[e]) continue;
            var s = _edgeSources[e];
            for (var i = 0; i < s.Length; i++)
                for (var j = i + 1; j < s.Length; j++)
                    shared[(s[i], s[j])] = shared.GetValueOrDefault((s[i], s[j])) + _edgeLengthM[e];
        }
        return shared;
    }

    /// <summary>The face as a polygon (lon/lat): its shell and holes as traced (a shell may touch itself at a vertex).</summary>
    public Polygon Polygon(int face)
    {
        if (_facePolygons.TryGetValue(face, out var polygon)) return polygon;
        var shell = _factory.CreateLinearRing(CycleCoordinates(_faceCycle[face]));
        var holes = _faceHoles[face].Select(c => _factory.CreateLinearRing([.. CycleCoordinates(c).Reverse()])).ToArray();
        polygon = _factory.CreatePolygon(shell, holes);
        _facePolygons.Add(face, polygon);
        return polygon;
    }

    /// <summary>
    /// The outline of every owner from the faces it owns: the half-edges with the owner on the left and someone else
    /// (or no one) on the right, traced into rings that are split where they touch themselves, so every result is a
    /// valid Polygon or MultiPolygon.
    /// </summary>
    /// <param name="faceOwner">Owner per face (any non-negative id), or a negative value for none.</param>
    public Dictionary<int, Geometry> BuildRegions(IReadOnlyList<int> faceOwner)
    {
        int OwnerOf(int face) => face == Outside ? -1 : faceOwner[face];
        bool IsBoundary(int h, int owner) => OwnerOf(_faceOf[h]) == owner && OwnerOf(_faceOf[h ^ 1]) != owner;

        var rings = new Dictionary<int, List<Coordinate[]>>();
        var visited = new bool[_faceOf.Length];
        for (var h0 = 0; h0 < _faceOf.Length; h0++)
        {
            if (!_alive[h0 >> 1] || visited[h0]) continue;
            var owner = OwnerOf(_faceOf[h0]);
            if (owner < 0 || !IsBoundary(h0, owner)) continue;
            var walk = new List<int>();
            var h = h0;
            do
            {
                visited[h] = true;
                walk.Add(Origin(h));
                // Turn clockwise from the twin past edges that have the owner on both sides.
                var c = Next(h);
                while (!IsBoundary(c, owner)) c = Next(c ^ 1);
                h = c;
            } while (h != h0);
            if (!rings.TryGetValue(owner, out var list)) rings.Add(owner, list = []);
            SplitWalk(walk, list);
        }

        var result = new Dictionary<int, Geometry>();
        foreach (var (owner, list) in rings)
        {
            var geometry = Assemble(list);
            if (geometry is not null) result.Add(owner, geometry);
        }
        return result;
    }

    /// <summary>Splits a closed walk of vertices at every vertex it visits twice into simple rings.</summary>
    private void SplitWalk(List<int> walk, List<Coordinate[]> rings)
    {
        var stack = new List<int>();
        var at = new Dictionary<int, int>();
        foreach (var v in walk.Append(walk[0]))
        {
            if (at.TryGetValue(v, out var pos))
            {
                var ring = new Coordinate[stack.Count - pos + 1];
                for (var i = pos; i < stack.Count; i++)
                {
                    ring[i - pos] = _vertices[stack[i]].Copy();
                    if (i > pos) at.Remove(stack[i]);
                }
                ring[^1] = ring[0].Copy();
                stack.RemoveRange(pos + 1, stack.Count - pos - 1);
                if (ring.Length >= 4) rings.Add(ring);
                continue;
            }
            at[v] = stack.Count;
            stack.Add(v);
        }
    }

    private Geometry? Assemble(List<Coordinate[]> rings)
    {
        var shells = new List<(Coordinate[] Ring, double Area, Envelope Env, List<LinearRing> Holes)>();
        var holes = new List<Coordinate[]>();
        foreach (var ring in rings)
        {
            var signed = Area.OfRingSigned(ring);
            // OfRingSigned is positive for clockwise rings; owners are on the left, so shells run counter-clockwise.
            if (signed < 0) shells.Add((ring, -signed, new Envelope(ring), []));
            else if (signed > 0) holes.Add(ring);
        }
        if (shells.Count == 0) return null;
        foreach (var hole in holes)
        {
            var target = 0;
            if (shells.Count > 1)
            {
                var probe = new Coordinate((hole[0].X + hole[1].X) / 2, (hole[0].Y + hole[1].Y) / 2);
                var bestArea = double.MaxValue;
                for (var s = 0; s < shells.Count; s++)
                    if (shells[s].Area < bestArea && shells[s].Env.Contains(probe) && PointLocation.LocateInRing(probe, shells[s].Ring) == Location.Interior)
                        (target, bestArea) = (s, shells[s].Area);
            }
            shells[target].Holes.Add(_factory.CreateLinearRing(hole));
        }
        var polygons = shells.Select(s => _factory.CreatePolygon(_factory.CreateLinearRing(s.Ring), [.. s.Holes])).ToArray();
        return polygons.Length == 1 ? polygons[0] : _factory.CreateMultiPolygon(polygons);
    }
}
