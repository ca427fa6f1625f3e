using NetTopologySuite.Geometries;

namespace GridGov.Geo.Roads;

/// <summary>A noded road segment: its junction ids, its length in metres and its lon/lat shape.</summary>
public sealed record RoadSegment(long Id, long Source, long Target, double LengthM, Coordinate[] LonLat);

/// <summary>Where a point meets the road network: an edge, the walk from the point onto it, and how far along it.</summary>
/// <param name="Edge">Dense edge index in the graph.</param>
/// <param name="OffsetM">Straight distance from the point to the road.</param>
/// <param name="AlongM">Distance along the edge from its source junction to the snapped spot.</param>
public readonly record struct RoadSnap(int Edge, double OffsetM, double AlongM);

/// <summary>
/// A walkable road network as compact arrays (CSR: per junction, a slice of neighbour and weight arrays), with a
/// bucket index of segments for snapping points and multi-source Dijkstra for road distances. Roads are two-way.
/// A network of up to <see cref="DefaultMaxTableJunctions"/> junctions (a county's walkable roads) also keeps every
/// junction-to-junction distance, one Dijkstra per junction at build time, so a point-to-points query is snaps and
/// table reads; a larger one answers each query with a Dijkstra that stops once every target is settled.
/// Immutable once built; every method is safe from any number of threads (each thread keeps its own scratch).
/// </summary>
public sealed partial class RoadGraph
{
    private readonly long[] _nodeIds;
    private readonly Dictionary<long, int> _nodeIndex;
    private readonly int[] _offsets;
    private readonly int[] _neighbours;
    private readonly double[] _weights;
    // The dense edge index of each adjacency slot (parallel to _neighbours).
    private readonly int[] _adjEdge;
    private readonly int[] _edgeSource;
    private readonly int[] _edgeTarget;
    private readonly double[] _edgeLength;
    private readonly long[] _edgeIds;
    private readonly SegmentBuckets _segments;
    // Junction-to-junction distances, lower triangle by row (roads are two-way): [i * (i + 1) / 2 + j] for j <= i.
    private double[]? _table;

    /// <summary>Above this many junctions no distance table is kept (it takes n²/2 doubles: 64 MiB at 4,096).</summary>
    public const int DefaultMaxTableJunctions = 4096;

    [ThreadStatic] private static Scratch? t_scratch;

    private RoadGraph(long[] nodeIds, Dictionary<long, int> nodeIndex, int[] offsets, int[] neighbours, double[] weights, int[] adjEdge,
        int[] edgeSource, int[] edgeTarget, double[] edgeLength, long[] edgeIds, SegmentBuckets segments)
    {
        _nodeIds = nodeIds;
        _nodeIndex = nodeIndex;
        _offsets = offsets;
        _neighbours = neighbours;
        _weights = weights;
        _adjEdge = adjEdge;
        _edgeSource = edgeSource;
        _edgeTarget = edgeTarget;
        _edgeLength = edgeLength;
        _edgeIds = edgeIds;
        _segments = segments;
    }

    public int NodeCount => _nodeIds.Length;
    public int EdgeCount => _edgeIds.Length;

    /// <summary>Whether all junction-to-junction distances are precomputed (see <see cref="Build"/>).</summary>
    public bool HasDistanceTable => _table is not null;

    /// <summary>The road id of a dense edge index.</summary>
    public long EdgeId(int edge) => _edgeIds[edge];

    /// <summary>
    /// Builds the graph; segments with a non-positive or non-finite length are skipped. With at most
    /// <paramref name="maxTableJunctions"/> junctions the all-pairs distance table is computed too (in parallel;
    /// about 0.1 s for the demo county's 1,328 junctions).
    /// </summary>
    public static RoadGraph Build(IEnumerable<RoadSegment> roads, double bucketSizeM = 200, int maxTableJunctions = DefaultMaxTableJunctions)
    {
        var list = roads.Where(r => double.IsFinite(r.LengthM) && r.LengthM > 0 && r.LonLat.Length >= 2).ToList();
        var nodeIndex = new Dictionary<long, int>();
        var nodeIds = new List<long>();
        int Node(long id)
        {
            if (nodeIndex.TryGetValue(id, out var i)) return i;
            nodeIndex[id] = nodeIds.Count;
            nodeIds.Add(id);
            return nodeIds.Count - 1;
        }

        var edgeSource = new int[list.Count];
        var edgeTarget = new int[list.Count];
        var edgeLength = new double[list.Count];
        var edgeIds = new long[list.Count];
        for (var e = 0; e < list.Count; e++)
        {
            edgeSource[e] = Node(list[e].Source);
            edgeTarget[e] = Node(list[e].Target);
            edgeLength[e] = list[e].LengthM;
            edgeIds[e] = list[e].Id;
        }

        var degree = new int[nodeIds.Count + 1];
        for (var e = 0; e < list.Count; e++)
        {
            degree[edgeSource[e]]++;
            degree[edgeTarget[e]]++;
        }
        var offsets = new int[nodeIds.Count + 1];
        for (var n = 0; n < nodeIds.Count; n++) offsets[n + 1] = offsets[n] + degree[n];
        var fill = offsets[..^1].ToArray();
        var neighbours = new int[offsets[^1]];
        var weights = new double[offsets[^1]];
        var adjEdge = new int[offsets[^1]];
        for (var e = 0; e < list.Count; e++)
        {
            int s = edgeSource[e], t = edgeTarget[e];
            neighbours[fill[s]] = t;
            adjEdge[fill[s]] = e;
            weights[fill[s]++] = edgeLength[e];
            neighbours[fill[t]] = s;
            adjEdge[fill[t]] = e;
            weights[fill[t]++] = edgeLength[e];
        }

        var segments = SegmentBuckets.Build(list.Select(r => r.LonLat).ToList(), edgeLength, bucketSizeM);
        var graph = new RoadGraph(nodeIds.ToArray(), nodeIndex, offsets, neighbours, weights, adjEdge, edgeSource, edgeTarget, edgeLength, edgeIds, segments);
        if (graph.NodeCount > 0 && graph.NodeCount <= maxTableJunctions) graph._table = graph.BuildTable();
        return graph;
    }

    /// <summary>One full Dijkstra per junction, each filling its row of the lower triangle.</summary>
    private double[] BuildTable()
    {
        var n = NodeCount;
        var table = new double[(long)n * (n + 1) / 2];
        Parallel.For(0, n, i =>
        {
            Span<(int Node, double Cost)> seed = [(i, 0)];
            var scratch = Run(seed, targets: null);
            var row = (long)i * (i + 1) / 2;
            for (var j = 0; j <= i; j++) table[row + j] = scratch.Cost(j);
        });
        return table;
    }

    private double Table(int a, int b) => a >= b ? _table![(long)a * (a + 1) / 2 + b] : _table![(long)b * (b + 1) / 2 + a];

    /// <summary>The nearest spot on any road within <paramref name="maxDistanceM"/> of a lon/lat point, or null.</summary>
    public RoadSnap? Snap(double lon, double lat, double maxDistanceM) => _segments.Nearest(lon, lat, maxDistanceM);

    /// <summary>
    /// Road distances in metres from one snapped origin to each snapped target (null target: +∞), including the
    /// walks onto and off the road. Stops as soon as every target is settled.
    /// </summary>
    public double[] Distances(RoadSnap origin, IReadOnlyList<RoadSnap?> targets)
    {
        if (_table is not null) return TableDistances(origin, targets);
        Span<(int Node, double Cost)> seeds =
        [
            (_edgeSource[origin.Edge], origin.OffsetM + origin.AlongM),
            (_edgeTarget[origin.Edge], origin.OffsetM + (_edgeLength[origin.Edge] - origin.AlongM)),
        ];
        var targetNodes = new List<int>(targets.Count * 2);
        foreach (var t in targets)
        {
            if (t is not { } snap) continue;
            targetNodes.Add(_edgeSource[snap.Edge]);
            targetNodes.Add(_edgeTarget[snap.Edge]);
        }
        var scratch = Run(seeds, targetNodes);
        var result = new double[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            if (targets[i] is not { } t)
            {
                result[i] = double.PositiveInfinity;
                continue;
            }
            var len = _edgeLength[t.Edge];
            var viaSource = scratch.Cost(_edgeSource[t.Edge]) + t.AlongM;
            var viaTarget = scratch.Cost(_edgeTarget[t.Edge]) + (len - t.AlongM);
            var best = Math.Min(viaSource, viaTarget) + t.OffsetM;
            if (t.Edge == origin.Edge) best = Math.Min(best, origin.OffsetM + Math.Abs(origin.AlongM - t.AlongM) + t.OffsetM);
            result[i] = best;
        }
        return result;
    }

    private double[] TableDistances(RoadSnap origin, IReadOnlyList<RoadSnap?> targets)
    {
        int os = _edgeSource[origin.Edge], ot = _edgeTarget[origin.Edge];
        var toSource = origin.OffsetM + origin.AlongM;
        var toTarget = origin.OffsetM + (_edgeLength[origin.Edge] - origin.AlongM);
        var result = new double[targets.Count];
        for (var i = 0; i < targets.Count; i++)
        {
            if (targets[i] is not { } t)
            {
                result[i] = double.PositiveInfinity;
                continue;
            }
            int ts = _edgeSource[t.Edge], tt = _edgeTarget[t.Edge];
            var fromSource = t.AlongM;
            var fromTarget = _edgeLength[t.Edge] - t.AlongM;
            var best = Math.Min(
                Math.Min(toSource + Table(os, ts) + fromSource, toSource + Table(os, tt) + fromTarget),
                Math.Min(toTarget + Table(ot, ts) + fromSource, toTarget + Table(ot, tt) + fromTarget)) + t.OffsetM;
            if (t.Edge == origin.Edge) best = Math.Min(best, origin.OffsetM + Math.Abs(origin.AlongM - t.AlongM) + t.OffsetM);
            result[i] = best;
        }
        return result;
    }

    /// <summary>
    /// Multi-source Dijkstra between junctions by their road-network ids: the least cost from any source (each with
    /// its starting cost) to each target; +∞ when unreachable or unknown.
    /// </summary>
    public double[] NodeCosts(IReadOnlyList<(long NodeId, double StartCost)> sources, IReadOnlyList<long> targets)
    {
        var seeds = sources.Where(s => _nodeIndex.ContainsKey(s.NodeId)).Select(s => (Node: _nodeIndex[s.NodeId], s.StartCost)).ToArray();
        var targetNodes = targets.Select(t => _nodeIndex.GetValueOrDefault(t, -1)).ToList();
        if (_table is not null)
            return targetNodes.Select(n => n < 0 ? double.PositiveInfinity : seeds.Select(s => s.StartCost + Table(s.Node, n)).DefaultIfEmpty(double.PositiveInfinity).Min()).ToArray();
        var scratch = Run(seeds, targetNodes.Where(n => n >= 0).ToList());
        return targetNodes.Select(n => n < 0 ? double.PositiveInfinity : scratch.Cost(n)).ToArray();
    }

    /// <summary>Dijkstra from the seeds until every target is settled (no targets: until every junction is).</summary>
    private Scratch Run(ReadOnlySpan<(int Node, double Cost)> seeds, List<int>? targets)
    {
        var scratch = t_scratch;
        if (scratch is null || scratch.Capacity < NodeCount) t_scratch = scratch = new Scratch(NodeCount);
        scratch.Reset();
        var remaining = targets is null ? int.MaxValue : 0;
        if (targets is not null)
            foreach (var t in targets)
                if (scratch.MarkTarget(t)) remaining++;
        foreach (var (node, cost) in seeds) scratch.Improve(node, cost);
        while (remaining > 0 && scratch.TryPop(out var node, out var cost))
        {
            if (targets is not null && scratch.IsTarget(node)) remaining--;
            for (var k = _offsets[node]; k < _offsets[node + 1]; k++) scratch.Improve(_neighbours[k], cost + _weights[k]);
        }
        return scratch;
    }

    /// <summary>
    /// Per-thread Dijkstra state: tentative costs and an indexed binary heap with decrease-key (each junction is in
    /// the heap at most once), reset in O(1) by bumping a generation stamp.
    /// </summary>
    private sealed class Scratch(int capacity)
    {
        private readonly double[] _cost = new double[capacity];
        private readonly int[] _seen = new int[capacity];
        private readonly int[] _settled = new int[capacity];
        private readonly int[] _target = new int[capacity];
        private readonly int[] _heap = new int[capacity];
        private readonly int[] _slot = new int[capacity];
        private readonly int[] _order = new int[capacity];
        private int _settledCount;
        private int _count;
        private int _generation;

        public int Capacity => capacity;

        public void Reset()
        {
            _generation++;
            _count = 0;
            _settledCount = 0;
        }

        /// <summary>Junctions recorded as settled, in the order they were (only the bounded search records them).</summary>
        public int SettledCount => _settledCount;
        public int SettledAt(int i) => _order[i];
        public void RecordSettled(int node) => _order[_settledCount++] = node;

        public double Cost(int node) => _seen[node] == _generation ? _cost[node] : double.PositiveInfinity;

        /// <summary>Lowers a junction's tentative cost (inserting it into the heap or moving it up); settled ones stay.</summary>
        public void Improve(int node, double cost)
        {
            if (_seen[node] != _generation)
            {
                _seen[node] = _generation;
                _cost[node] = cost;
                _heap[_count] = node;
                _slot[node] = _count;
                Up(_count++);
            }
            else if (cost < _cost[node] && _settled[node] != _generation)
            {
                _cost[node] = cost;
                Up(_slot[node]);
            }
        }

        public bool TryPop(out int node, out double cost)
        {
            if (_count == 0)
            {
                node = -1;
                cost = double.PositiveInfinity;
                return false;
            }
            node = _heap[0];
            cost = _cost[node];
            _settled[node] = _generation;
            var last = _heap[--_count];
            if (_count > 0)
            {
                _heap[0] = last;
                _slot[last] = 0;
                Down(0);
            }
            return true;
        }

        public bool MarkTarget(int node)
        {
            if (_target[node] == _generation) return false;
            _target[node] = _generation;
            return true;
        }

        public bool IsTarget(int node) => _target[node] == _generation;

        private void Up(int i)
        {
            var node = _heap[i];
            var cost = _cost[node];
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                var p = _heap[parent];
                if (_cost[p] <= cost) break;
                _heap[i] = p;
                _slot[p] = i;
                i = parent;
            }
            _heap[i] = node;
            _slot[node] = i;
        }

        private void Down(int i)
        {
            var node = _heap[i];
            var cost = _cost[node];
            while (true)
            {
                var child = 2 * i + 1;
                if (child >= _count) break;
                if (child + 1 < _count && _cost[_heap[child + 1]] < _cost[_heap[child]]) child++;
                var c = _heap[child];
                if (_cost[c] >= cost) break;
                _heap[i] = c;
                _slot[c] = i;
                i = child;
            }
            _heap[i] = node;
            _slot[node] = i;
        }
    }
}
