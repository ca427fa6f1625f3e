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

    /// <summary>
    /// A way between two snapped spots: leave the first edge at <see cref="LeaveAtSource"/> (else its target), follow
    /// <see cref="Path"/>, enter the last edge at <see cref="EnterAtSource"/>. On one edge, <see cref="Path"/> is null.
    /// Fractions are along each edge from its source (0) to its target (1).
    /// </summary>
    public sealed record SpotRoute(long FromEdgeId, double FromFraction, bool LeaveAtSource, RoutePath? Path,
        long ToEdgeId, double ToFraction, bool EnterAtSource, double LengthM);

    /// <summary>
    /// The shortest way by road from one snapped spot to another (the walks onto and off the road included in
    /// <see cref="SpotRoute.LengthM"/>): the best of leaving and entering each edge at either end, or straight along
    /// the edge when both lie on it. Null when they are not connected.
    /// </summary>
    public SpotRoute? Route(RoadSnap from, RoadSnap to)
    {
        double fromLen = _edgeLength[from.Edge], toLen = _edgeLength[to.Edge];
        var ff = fromLen > 0 ? Math.Clamp(from.AlongM / fromLen, 0, 1) : 0;
        var tf = toLen > 0 ? Math.Clamp(to.AlongM / toLen, 0, 1) : 0;
        SpotRoute? best = null;
        if (from.Edge == to.Edge)
            best = new SpotRoute(_edgeIds[from.Edge], ff, false, null, _edgeIds[to.Edge], tf, false,
                from.OffsetM + Math.Abs(from.AlongM - to.AlongM) + to.OffsetM);
        foreach (var leaveAtSource in new[] { true, false })
        {
            var a = leaveAtSource ? _edgeSource[from.Edge] : _edgeTarget[from.Edge];
            var lead = leaveAtSource ? from.AlongM : fromLen - from.AlongM;
            foreach (var enterAtSource in new[] { true, false })
            {
                var b = enterAtSource ? _edgeSource[to.Edge] : _edgeTarget[to.Edge];
                var tail = enterAtSource ? to.AlongM : toLen - to.AlongM;
                if (Path(_nodeIds[a], _nodeIds[b]) is not { } path) continue;
                var total = from.OffsetM + lead + path.LengthM + tail + to.OffsetM;
                if (best is null || total < best.LengthM - 1e-9)
                    best = new SpotRoute(_edgeIds[from.Edge], ff, leaveAtSource, path, _edgeIds[to.Edge], tf, enterAtSource, total);
            }
        }
        return best;
    }
}
