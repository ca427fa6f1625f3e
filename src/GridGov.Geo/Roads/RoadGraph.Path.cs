namespace GridGov.Geo.Roads;

/// <summary>The way between junctions, for routes drawn on the map (a night patrol along the circuits due).</summary>
public sealed partial class RoadGraph
{
    /// <summary>A road route: the edges in driving order (road ids), each with the junction it is entered from, and its length.</summary>
    public sealed record RoutePath(IReadOnlyList<(long EdgeId, long FromNode)> Edges, double LengthM)
    {
        public static readonly RoutePath Empty = new([], 0);
    }

    /// <summary>The endpoints of an edge by its road id (network junction ids), or null for an edge not in the graph.</summary>
    public (long Source, long Target, double LengthM)? EdgeEnds(long edgeId)
    {
        _edgeById ??= BuildEdgeIndex();
        return _edgeById.TryGetValue(edgeId, out var e) ? (_nodeIds[_edgeSource[e]], _nodeIds[_edgeTarget[e]], _edgeLength[e]) : null;
    }

    private Dictionary<long, int>? _edgeById;

    private Dictionary<long, int> BuildEdgeIndex()
    {
        var map = new Dictionary<long, int>(_edgeIds.Length);
        for (var e = 0; e < _edgeIds.Length; e++) map.TryAdd(_edgeIds[e], e);
        return map;
    }

    /// <summary>
    /// The shortest way between two junctions (network ids): Dijkstra from <paramref name="from"/> until
    /// <paramref name="to"/> is settled, then back along the edges whose cost closes exactly (roads are two-way, so
    /// no predecessor array is needed). Null when either is unknown or they are not connected.
    /// </summary>
    public RoutePath? Path(long from, long to)
    {
        if (!_nodeIndex.TryGetValue(from, out var a) || !_nodeIndex.TryGetValue(to, out var b)) return null;
        if (a == b) return RoutePath.Empty;
        Span<(int Node, double Cost)> seed = [(a, 0)];
        var scratch = Run(seed, [b]);
        var total = scratch.Cost(b);
        if (double.IsPositiveInfinity(total)) return null;
        var back = new List<(long, long)>();
        var node = b;
        while (node != a)
        {
            var here = scratch.Cost(node);
            int best = -1, bestEdge = -1;
            var bestGap = double.PositiveInfinity;
            for (var k = _offsets[node]; k < _offsets[node + 1]; k++)
            {
                var gap = Math.Abs(scratch.Cost(_neighbours[k]) + _weights[k] - here);
                if (gap < bestGap && scratch.Cost(_neighbours[k]) < here)
                {
                    (best, bestEdge, bestGap) = (_neighbours[k], _adjEdge[k], gap);
                }
            }
            if (best < 0) return null;
            back.Add((_edgeIds[bestEdge], _nodeIds[best]));
            node = best;
        }
        back.Reverse();
        return new RoutePath(back, total);
    }
}
