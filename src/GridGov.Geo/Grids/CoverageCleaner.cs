using GridGov.Geo.Coordinates;
using NetTopologySuite.Geometries;

namespace GridGov.Geo.Grids;

/// <summary>
/// Cleans one level of grids into a polygonal coverage, the way mapshaper's <c>-clean</c> and JTS's CoverageCleaner
/// do: snap, node, polygonize into faces, and give every face one owner.
/// </summary>
public static class CoverageCleaner
{
    /// <summary>
    /// Cleans a level of grids so that no two overlap, no narrow gap lies between them, and neighbours share their
    /// edges vertex for vertex.
    /// <list type="number">
    /// <item>Snapping: each grid's vertices move onto another grid's vertex, or else onto its edge, within
    /// <paramref name="snapM"/> metres, and other grids' vertices along its edges within that distance are threaded
    /// into them. Grids are settled in list order: a later grid snaps onto the earlier ones, so the earlier version of
    /// a border wins. Vertices that already coincide with another grid's vertex, and segments another grid already
    /// shares exactly, do not move: a clean coverage comes back unchanged.</item>
    /// <item>All edges are noded together (crossings shared, 0.1 mm tolerance) and cut into faces.</item>
    /// <item>A face in one grid stays with it. A face in several (an overlap) goes to the one of them sharing the
    /// longest border with it; a face enclosed by grids but in none (a gap) goes to the grid sharing the longest
    /// border with it when it is narrower than <paramref name="maxGapM"/> (the diameter of its largest inscribed
    /// circle); wider gaps are kept and reported.</item>
    /// <item>A grid that would vanish because every face of it is an overlap keeps those faces (they are cut out of
    /// the grids around it) where it can; a grid with nothing left is removed and reported.</item>
    /// </list>
    /// The result is a valid coverage: <see cref="CoverageCheck.Check"/> with <c>gapWidthM: maxGapM</c> finds nothing
    /// but, at the outer edge of the level, notches open to the outside (no face encloses them). Coordinates stay
    /// lon/lat; distances are metres on the CGCS2000 ellipsoid; reported areas are m² in the level's Gauss-Krüger zone.
    /// Pure and thread-safe (no shared state; callers may clean different levels at once). Cost grows about linearly:
    /// a level of 3,000 grids of about 95 vertices cleans in about 1 s on this project's 2-core test machine.
    /// </summary>
    /// <param name="grids">The level: unique codes, Polygon or MultiPolygon outlines in lon/lat (SRID 4490).</param>
    /// <param name="snapM">Snap distance in metres (0: no snapping beyond the noding tolerance).</param>
    /// <param name="maxGapM">Gaps narrower than this many metres are filled; 0 fills none.</param>
    /// <returns>Changed grids with their new outlines, removed grids, and every change made.</returns>
    /// <exception cref="CoverageEditException">Two grids have the same code.</exception>
    public static CoverageEditResult Clean(IReadOnlyList<CoverageItem> grids, double snapM, double maxGapM)
    {
        ArgumentNullException.ThrowIfNull(grids);
        if (!(snapM >= 0) || double.IsInfinity(snapM)) throw new ArgumentOutOfRangeException(nameof(snapM), snapM, "The snap distance must be 0 or more metres.");
        if (!(maxGapM >= 0) || double.IsInfinity(maxGapM)) throw new ArgumentOutOfRangeException(nameof(maxGapM), maxGapM, "The gap width must be 0 or more metres.");
        var duplicate = grids.GroupBy(g => g.Code).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new CoverageEditException($"Grid code {duplicate.Key} appears {duplicate.Count()} times; every grid of a level needs its own code.");
        if (grids.Count == 0) return new([], [], []);

        var gk = CoverageGeometry.Zone(grids.Select(g => g.Geometry));
        var original = grids.Select(g => CoverageGeometry.Rings(g.Geometry)).ToArray();
        var (snapped, stats) = snapM > 0 ? Snap(original, snapM) : (original, new SnapStats?[grids.Count]);

        var input = new List<(int, Coordinate[])>();
        for (var g = 0; g < snapped.Length; g++)
            foreach (var ring in snapped[g]) input.Add((g, ring));
        var faces = CoverageFaces.Build(input, [], CoverageGeometry.Factory);

        var changes = new List<CoverageChange>();
        for (var g = 0; g < grids.Count; g++)
            if (stats[g] is { Any: true } s) changes.Add(SnapChange(grids, g, s));

        var owner = new int[faces.FaceCount];
        var overlaps = new List<int>();
        var gaps = new List<int>();
        for (var f = 0; f < faces.FaceCount; f++)
        {
            var parents = faces.Parents(f);
            owner[f] = parents.Count == 1 ? parents[0] : -1;
            if (parents.Count > 1) overlaps.Add(f);
            else if (parents.Count == 0) gaps.Add(f);
        }
        var overlapChanges = ResolveOverlaps(faces, owner, overlaps, grids, gk);
        changes.AddRange(overlapChanges);
        changes.AddRange(FillGaps(faces, owner, gaps, maxGapM, grids, gk));

        var regions = faces.BuildRegions(owner);
        var changed = new List<CoverageItem>();
        var removed = new List<string>();
        for (var g = 0; g < grids.Count; g++)
        {
            if (regions.TryGetValue(g, out var region))
            {
                if (!CoverageGeometry.Same(region, grids[g].Geometry)) changed.Add(new(grids[g].Code, region));
                continue;
            }
            removed.Add(grids[g].Code);
            var why = grids[g].Geometry.IsEmpty || original[g].Count == 0 ? "its outline is empty"
                : snapped[g].Count == 0 || faces.FaceCount == 0 || !Enumerable.Range(0, faces.FaceCount).Any(f => faces.Parents(f).Contains(g))
                    ? $"it is narrower than the snap distance ({snapM:0.#} m) and collapsed onto its neighbours"
                    : "it lies wholly inside other grids that cannot spare its area";
            changes.Add(new(CoverageChangeKinds.Vanished, [grids[g].Code], CoverageGeometry.AreaM2(grids[g].Geometry, gk), grids[g].Geometry,
                $"Grid {grids[g].Code} was removed: {why}. Redraw it if it is needed."));
        }
        return new(changed, removed, changes);
    }

    private static (List<Coordinate[]>[] Rings, SnapStats?[] Stats) Snap(List<Coordinate[]>[] rings, double snapM)
    {
        // Vertices and segments already shared exactly by two grids are settled topology: they do not move.
        var vertexGrid = new Dictionary<(double, double), int>();
        var segmentGrid = new Dictionary<SegmentKey, int>();
        double length = 0;
        int count = 0, sampled = 0;
        var extent = new Envelope();
        for (var g = 0; g < rings.Length; g++)
            foreach (var ring in rings[g])
                for (var i = 0; i + 1 < ring.Length; i++)
                {
                    var key = (ring[i].X, ring[i].Y);
                    if (!vertexGrid.TryAdd(key, g) && vertexGrid[key] != g) vertexGrid[key] = -1;
                    var seg = SegmentKey.Of(ring[i], ring[i + 1]);
                    if (!segmentGrid.TryAdd(seg, g) && segmentGrid[seg] != g) segmentGrid[seg] = -1;
                    extent.ExpandToInclude(ring[i]);
                    if ((count++ & 15) != 0) continue; // a sample is enough for the cell size
                    length += LocalMetric.Distance(ring[i], ring[i + 1]);
                    sampled++;
                }
        if (count == 0) return (rings, new SnapStats?[rings.Length]);
        var anchors = new SnapAnchors(extent, Math.Max(4 * snapM, length / sampled));
        bool IsFixed(Coordinate p) => vertexGrid.TryGetValue((p.X, p.Y), out var g) && g < 0;
        bool IsMatched(Coordinate a, Coordinate b) => segmentGrid.TryGetValue(SegmentKey.Of(a, b), out var g) && g < 0;

        var result = new List<Coordinate[]>[rings.Length];
        var stats = new SnapStats?[rings.Length];
        for (var g = 0; g < rings.Length; g++)
        {
            var s = new SnapStats();
            result[g] = [.. rings[g].Select(r => RingSnapper.Snap(r, anchors, snapM, IsFixed, IsMatched, s)).Where(r => r.Length >= 4)];
            foreach (var ring in result[g]) anchors.AddRing(ring, g);
            stats[g] = s;
        }
        return (result, stats);
    }

    private static CoverageChange SnapChange(IReadOnlyList<CoverageItem> grids, int g, SnapStats s)
    {
        var code = grids[g].Code;
        var onto = s.Owners.Where(o => o != g).Order().Select(o => grids[o].Code).ToList();
        var area = s.AreaM2;
        var what = new List<string>();
        if (s.Moved > 0) what.Add($"{s.Moved} vertices moved up to {s.MaxMoveM:0.0} m");
        if (s.Inserted > 0) what.Add($"{s.Inserted} neighbour vertices added to its edges");
        return new(CoverageChangeKinds.Snapped, [code, .. onto], area, CoverageGeometry.Factory.CreateMultiPointFromCoords([.. s.Points]),
            $"Grid {code} was snapped onto {CoverageGeometry.List(onto)}: {string.Join(", ", what)} ({area:0.0} m² changed).");
    }

    /// <summary>Each overlap goes to the parent with the longest border with what that parent already owns; rounds
    /// repeat while overlaps border only overlaps. Then a grid left with nothing takes back its overlaps where their
    /// owner can spare them.</summary>
    private static List<CoverageChange> ResolveOverlaps(CoverageFaces faces, int[] owner, List<int> overlaps, IReadOnlyList<CoverageItem> grids, GaussKruger gk)
    {
        var borders = overlaps.ToDictionary(f => f, faces.Borders);
        var pending = new List<int>(overlaps);
        var borderOf = new Dictionary<int, double>();
        while (pending.Count > 0)
        {
            var progress = false;
            foreach (var f in pending.ToList())
            {
                var (best, length) = Longest(faces.Parents(f), borders[f], owner);
                if (length <= 0) continue;
                owner[f] = best;
                borderOf[f] = length;
                pending.Remove(f);
                progress = true;
            }
            if (progress) continue;
            foreach (var f in pending) owner[f] = faces.Parents(f)[0];
            pending.Clear();
        }

        // A grid every face of which went to others keeps its overlaps if their owners keep something else.
        var faceCount = new int[grids.Count];
        foreach (var o in owner)
            if (o >= 0) faceCount[o]++;
        var rescued = new HashSet<int>();
        for (var g = 0; g < grids.Count; g++)
        {
            if (faceCount[g] > 0) continue;
            foreach (var f in overlaps)
                if (faces.Parents(f).Contains(g) && owner[f] != g && faceCount[owner[f]] > 1)
                {
                    faceCount[owner[f]]--;
                    owner[f] = g;
                    faceCount[g]++;
                    rescued.Add(f);
                }
        }

        var changes = new List<CoverageChange>();
        foreach (var f in overlaps)
        {
            var to = grids[owner[f]].Code;
            var from = faces.Parents(f).Where(p => p != owner[f]).Select(p => grids[p].Code).ToList();
            var polygon = faces.Polygon(f);
            var area = CoverageGeometry.AreaM2(polygon, gk);
            var why = rescued.Contains(f) ? $"grid {to} lies wholly inside {CoverageGeometry.List(from)} and keeps its own area"
                : borderOf.TryGetValue(f, out var length) ? $"longest shared border, {length:0.0} m"
                : "no border with what either grid keeps; the first listed grid keeps it";
            changes.Add(new(CoverageChangeKinds.OverlapResolved, [to, .. from], area, polygon,
                $"An overlap of {area:0.0} m² between {to} and {CoverageGeometry.List(from)} was given to {to} ({why})."));
        }
        return changes;
    }

    private static (int Best, double Length) Longest(IReadOnlyList<int> candidates, Dictionary<int, double> borders, int[] owner)
    {
        var (best, length) = (candidates[0], 0.0);
        foreach (var c in candidates)
        {
            var l = 0.0;
            foreach (var (face, m) in borders)
                if (face >= 0 && owner[face] == c) l += m;
            if (l > length) (best, length) = (c, l);
        }
        return (best, length);
    }

    private static List<CoverageChange> FillGaps(CoverageFaces faces, int[] owner, List<int> gaps, double maxGapM, IReadOnlyList<CoverageItem> grids, GaussKruger gk)
    {
        var changes = new List<CoverageChange>();
        foreach (var f in gaps)
        {
            var around = new Dictionary<int, double>();
            foreach (var (face, m) in faces.Borders(f))
                if (face >= 0 && owner[face] >= 0) around[owner[face]] = around.GetValueOrDefault(owner[face]) + m;
            var ranked = around.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).ToList();
            var codes = ranked.Select(kv => grids[kv.Key].Code).ToList();
            var polygon = faces.Polygon(f);
            var area = CoverageGeometry.AreaM2(polygon, gk);
            var (narrow, width) = CoverageGeometry.Narrower(polygon, maxGapM);
            if (narrow && ranked.Count > 0)
            {
                owner[f] = ranked[0].Key;
                changes.Add(new(CoverageChangeKinds.GapFilled, codes, area, polygon,
                    $"A gap of {area:0.0} m² narrower than {maxGapM:0.#} m between {CoverageGeometry.List(codes)} was given to {codes[0]} (longest shared border, {ranked[0].Value:0.0} m)."));
            }
            else
            {
                var wide = width is { } w ? $"about {w:0} m wide" : $"wider than {maxGapM:0.#} m";
                changes.Add(new(CoverageChangeKinds.GapKept, codes, area, polygon,
                    $"A gap of {area:0} m², {wide}, lies between {CoverageGeometry.List(codes)} and was left: draw a grid for it or reshape a neighbour over it."));
            }
        }
        return changes;
    }
}
