using NetTopologySuite.Geometries;

namespace GridGov.Geo.Roads;

/// <summary>Walking distances to the nearest of many sources: junction costs of one multi-source search, read off at any snapped spot.</summary>
public sealed class AccessField
{
    private readonly RoadGraph _graph;
    private readonly double[] _nodeCost;
    // Sources sitting on an edge, by edge: a spot on the same edge may reach them without passing a junction.
    private readonly Dictionary<int, List<(double AlongM, double OffsetM)>> _sourcesOnEdge;

    internal AccessField(RoadGraph graph, double[] nodeCost, Dictionary<int, List<(double, double)>> sourcesOnEdge)
    {
        _graph = graph;
        _nodeCost = nodeCost;
        _sourcesOnEdge = sourcesOnEdge;
    }

    /// <summary>Metres from the nearest source to a snapped spot, walks onto and off the road included; +∞ when unreachable.</summary>
    public double At(RoadSnap spot)
    {
        var best = _graph.CostOnEdge(_nodeCost, spot.Edge, spot.AlongM);
        if (_sourcesOnEdge.TryGetValue(spot.Edge, out var here))
            foreach (var (along, offset) in here)
                best = Math.Min(best, offset + Math.Abs(along - spot.AlongM));
        return best + spot.OffsetM;
    }

    /// <summary>Metres from the nearest source to a junction (by its network id); +∞ when unreachable or unknown.</summary>
    public double AtNode(long nodeId) => _graph.NodeIndex(nodeId) is var i and >= 0 ? _nodeCost[i] : double.PositiveInfinity;
}

public sealed partial class RoadGraph
{
    [ThreadStatic] private static int[]? t_edgeStamp;
    [ThreadStatic] private static int t_edgeGeneration;

    /// <summary>The network id of a dense junction index.</summary>
    public long NodeId(int node) => _nodeIds[node];

    /// <summary>The dense index of a junction by its network id, or -1.</summary>
    public int NodeIndex(long nodeId) => _nodeIndex.GetValueOrDefault(nodeId, -1);

    /// <summary>Bytes held by the graph's arrays and index (the distance table included when kept).</summary>
    public long Bytes =>
        _nodeIds.Length * 8L + _nodeIndex.Count * 24L + _offsets.Length * 4L + _neighbours.Length * (4L + 8 + 4)
        + _edgeIds.Length * (8L + 4 + 4 + 8) + _segments.Bytes + (_table?.LongLength ?? 0) * 8;

    /// <summary>The least cost to a spot <paramref name="alongM"/> metres along an edge, given junction costs.</summary>
    internal double CostOnEdge(double[] nodeCost, int edge, double alongM) =>
        Math.Min(nodeCost[_edgeSource[edge]] + alongM, nodeCost[_edgeTarget[edge]] + (_edgeLength[edge] - alongM));

    /// <summary>
    /// Every junction within <paramref name="maxMetres"/> of a snapped origin (its walk onto the road included), with its
    /// cost: a Dijkstra that never queues a junction beyond the bound (as <c>pgr_drivingDistance</c>).
    /// </summary>
    public IReadOnlyList<(long NodeId, double Metres)> Reach(RoadSnap origin, double maxMetres)
    {
        var scratch = RunBounded(OriginSeeds(origin), maxMetres);
        var result = new List<(long, double)>(scratch.SettledCount);
        for (var i = 0; i < scratch.SettledCount; i++)
        {
            var node = scratch.SettledAt(i);
            result.Add((_nodeIds[node], scratch.Cost(node)));
        }
        return result;
    }

    /// <summary>
    /// One multi-source search from every source (each a snapped spot, its walk onto the road included), as
    /// <c>pgr_drivingDistance(..., equicost := true)</c> but unbounded: afterwards any spot reads its distance to the
    /// nearest source in O(1).
    /// </summary>
    public AccessField Access(IEnumerable<RoadSnap> sources)
    {
        var seeds = new List<(int Node, double Cost)>();
        var onEdge = new Dictionary<int, List<(double, double)>>();
        foreach (var s in sources)
        {
            seeds.Add((_edgeSource[s.Edge], s.OffsetM + s.AlongM));
            seeds.Add((_edgeTarget[s.Edge], s.OffsetM + (_edgeLength[s.Edge] - s.AlongM)));
            if (!onEdge.TryGetValue(s.Edge, out var list)) onEdge[s.Edge] = list = [];
            list.Add((s.AlongM, s.OffsetM));
        }
        var scratch = RunBounded(seeds.ToArray(), double.PositiveInfinity);
        var costs = new double[NodeCount];
        for (var n = 0; n < costs.Length; n++) costs[n] = scratch.Cost(n);
        return new AccessField(this, costs, onEdge);
    }

    private (int Node, double Cost)[] OriginSeeds(RoadSnap origin) =>
    [
        (_edgeSource[origin.Edge], origin.OffsetM + origin.AlongM),
        (_edgeTarget[origin.Edge], origin.OffsetM + (_edgeLength[origin.Edge] - origin.AlongM)),
    ];

    /// <summary>Dijkstra from the seeds that settles every junction within the bound and queues none beyond it.</summary>
    private Scratch RunBounded(ReadOnlySpan<(int Node, double Cost)> seeds, double bound)
    {
        var scratch = t_scratch;
        if (scratch is null || scratch.Capacity < NodeCount) t_scratch = scratch = new Scratch(NodeCount);
        scratch.Reset();
        foreach (var (node, cost) in seeds)
            if (cost <= bound) scratch.Improve(node, cost);
        while (scratch.TryPop(out var node, out var cost))
        {
            scratch.RecordSettled(node);
            for (var k = _offsets[node]; k < _offsets[node + 1]; k++)
            {
                var next = cost + _weights[k];
                if (next <= bound) scratch.Improve(_neighbours[k], next);
            }
        }
        return scratch;
    }

    /// <summary>
    /// Walking isochrones from a snapped origin: one polygon per band (metres, ascending), outer bands containing inner
    /// ones. The reached network (junctions by Dijkstra, then every edge walked as far as the band allows, partial edges
    /// at the frontier) is stamped onto a grid of <see cref="IsochroneOptions.CellM"/> cells as a cost field (road cost
    /// plus the straight walk off the road, up to <see cref="IsochroneOptions.ReachM"/>), and each band is the contour
    /// of that field (marching squares), so blocks farther than the reach from every reached road are holes.
    /// </summary>
    public IReadOnlyList<Geometry> Isochrones(RoadSnap origin, IReadOnlyList<double> bandsMetres, IsochroneOptions? options = null, GeometryFactory? factory = null)
    {
        var o = options ?? IsochroneOptions.Default;
        if (bandsMetres.Count == 0) return [];
        for (var i = 1; i < bandsMetres.Count; i++)
            if (!(bandsMetres[i] > bandsMetres[i - 1])) throw new ArgumentException("Bands must be ascending and distinct.", nameof(bandsMetres));
        var max = bandsMetres[^1];
        var scratch = RunBounded(OriginSeeds(origin), max);

        // The edges touched by the search: those of settled junctions, and the origin's own.
        var stamp = t_edgeStamp;
        if (stamp is null || stamp.Length < EdgeCount) t_edgeStamp = stamp = new int[EdgeCount];
        var generation = ++t_edgeGeneration;
        var edges = new List<int> { origin.Edge };
        stamp[origin.Edge] = generation;
        for (var i = 0; i < scratch.SettledCount; i++)
        {
            var node = scratch.SettledAt(i);
            for (var k = _offsets[node]; k < _offsets[node + 1]; k++)
            {
                var e = _adjEdge[k];
                if (stamp[e] == generation) continue;
                stamp[e] = generation;
                edges.Add(e);
            }
        }

        var field = IsochroneField.Stamp(this, edges, e => (scratch.Cost(_edgeSource[e]), scratch.Cost(_edgeTarget[e]), _edgeLength[e]), origin, max, o);
        return field.Contours(bandsMetres, factory ?? DefaultFactory);
    }

    internal SegmentBuckets Segments => _segments;

    private static readonly GeometryFactory DefaultFactory = new(new PrecisionModel(), 4490);
}

/// <summary>How isochrone polygons are drawn.</summary>
/// <param name="CellM">Grid cell of the cost field, metres: the polygon's resolution.</param>
/// <param name="ReachM">How far off a reached road the polygon reaches (the walk from a road into a plot).</param>
/// <param name="MinHoleCells">Holes smaller than this many cells are filled (denoise).</param>
/// <param name="Generalize">Simplify each ring (Douglas-Peucker) by as much as keeps every band inside the next.</param>
public sealed record IsochroneOptions(double CellM = 20, double ReachM = 50, double MinHoleCells = 2, bool Generalize = true)
{
    public static readonly IsochroneOptions Default = new();
}
