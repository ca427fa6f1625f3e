using NetTopologySuite.Geometries;

namespace GridGov.Geo.Grids;

/// <summary>A maximal run of shared boundary between two cells of a coverage (or a cell and the outside, -1),
/// running from junction to junction.</summary>
public sealed record CoverageEdge(Coordinate[] Coordinates, int CellA, int CellB)
{
    public bool IsOuter => CellA < 0 || CellB < 0;
}

/// <summary>
/// Extracts the noded edge graph of an edge-matched polygonal coverage: every boundary segment is shared
/// by at most two cells, and runs are split wherever three or more edges meet. Used to turn grid
/// boundaries into a walkable road network and to find which cells are neighbours. Pure; thread-safe.
/// </summary>
public static class CoverageEdges
{
    public static IReadOnlyList<CoverageEdge> Extract(IReadOnlyList<Polygon> cells)
    {
        var segments = new Dictionary<SegmentKey, int>();
        var segEnds = new List<(Coordinate P0, Coordinate P1)>();
        var segCells = new List<(int A, int B)>();
        for (var c = 0; c < cells.Count; c++)
        {
            foreach (var ring in Rings(cells[c]))
            {
                var pts = ring.Coordinates;
                for (var i = 0; i + 1 < pts.Length; i++)
                {
                    if (pts[i].Equals2D(pts[i + 1])) continue;
                    var key = SegmentKey.Of(pts[i], pts[i + 1]);
                    if (segments.TryGetValue(key, out var s))
                    {
                        var (a, b) = segCells[s];
                        if (b >= 0)
                            throw new ArgumentException($"Segment {pts[i]}-{pts[i + 1]} is shared by more than two cells: not a valid coverage.");
                        segCells[s] = (a, c);
                    }
                    else
                    {
                        segments.Add(key, segEnds.Count);
                        segEnds.Add((pts[i].Copy(), pts[i + 1].Copy()));
                        segCells.Add((c, -1));
                    }
                }
            }
        }

        var incident = new Dictionary<(double, double), List<int>>();
        for (var s = 0; s < segEnds.Count; s++)
        {
            Incident(incident, segEnds[s].P0).Add(s);
            Incident(incident, segEnds[s].P1).Add(s);
        }

        bool IsJunction((double, double) node)
        {
            var list = incident[node];
            return list.Count != 2 || segCells[list[0]] != segCells[list[1]];
        }

        var visited = new bool[segEnds.Count];
        var edges = new List<CoverageEdge>();

        void Walk((double X, double Y) start, int firstSegment)
        {
            var coords = new List<Coordinate> { new(start.X, start.Y) };
            var node = start;
            var seg = firstSegment;
            while (true)
            {
                visited[seg] = true;
                var (p0, p1) = segEnds[seg];
                var next = Key(p0) == node ? p1 : p0;
                coords.Add(next.Copy());
                node = Key(next);
                if (node == start || IsJunction(node)) break;
                var list = incident[node];
                var following = list[0] == seg ? list[1] : list[0];
                if (visited[following]) break;
                seg = following;
            }
            // Store the pair as (lower, higher), or (cell, -1) for an outer edge.
            var (a, b) = segCells[firstSegment];
            var (low, high) = (Math.Min(a, b), Math.Max(a, b));
            edges.Add(low < 0 ? new CoverageEdge(coords.ToArray(), high, -1) : new CoverageEdge(coords.ToArray(), low, high));
        }

        foreach (var (node, list) in incident)
        {
            if (!IsJunction(node)) continue;
            foreach (var s in list)
                if (!visited[s]) Walk(node, s);
        }
        for (var s = 0; s < segEnds.Count; s++)
            if (!visited[s]) Walk(Key(segEnds[s].P0), s);
        return edges;
    }

    /// <summary>Neighbour lists of each cell (cells sharing at least one boundary segment), ascending.</summary>
    public static int[][] Neighbours(int cellCount, IEnumerable<CoverageEdge> edges)
    {
        var sets = Enumerable.Range(0, cellCount).Select(_ => new SortedSet<int>()).ToArray();
        foreach (var e in edges.Where(e => !e.IsOuter))
        {
            sets[e.CellA].Add(e.CellB);
            sets[e.CellB].Add(e.CellA);
        }
        return sets.Select(s => s.ToArray()).ToArray();
    }

    private static IEnumerable<LineString> Rings(Polygon p)
    {
        yield return p.Shell;
        foreach (var hole in p.Holes) yield return hole;
    }

    private static (double, double) Key(Coordinate c) => (c.X, c.Y);

    private static List<int> Incident(Dictionary<(double, double), List<int>> map, Coordinate c)
    {
        if (!map.TryGetValue(Key(c), out var list))
        {
            list = new List<int>(3);
            map.Add(Key(c), list);
        }
        return list;
    }

    private readonly record struct SegmentKey(double X0, double Y0, double X1, double Y1)
    {
        public static SegmentKey Of(Coordinate a, Coordinate b) =>
            a.X < b.X || (a.X == b.X && a.Y < b.Y) ? new(a.X, a.Y, b.X, b.Y) : new(b.X, b.Y, a.X, a.Y);
    }
}
