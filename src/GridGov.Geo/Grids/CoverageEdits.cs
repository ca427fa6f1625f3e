using GridGov.Geo.Coordinates;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Prepared;
using NetTopologySuite.Operation.Distance;
using NetTopologySuite.Operation.Valid;

namespace GridGov.Geo.Grids;

/// <summary>
/// Edits of one grid in a coverage level — a new outline, a split, a merge — that keep the level a coverage: the
/// neighbours follow, and every changed grid is traced from one noded arrangement of the grids involved, so shared
/// edges match vertex for vertex, with each other and with the grids left untouched. Only the grid and the grids
/// whose outlines meet it (or the new outline) take part, so an edit in a level of thousands of grids costs a few
/// milliseconds. Coordinates are lon/lat (SRID 4490); distances in metres; reported areas in m² in the level's
/// Gauss-Krüger zone. Pure and thread-safe. Edits that cannot be made throw <see cref="CoverageEditException"/>.
/// </summary>
public static class CoverageEdits
{
    /// <summary>
    /// Gives grid <paramref name="code"/> a new outline; the neighbours follow along the shared edge. Every grid loses
    /// what the new outline takes from it; each piece the grid gives up goes to the neighbour sharing the longest
    /// border with that piece, or leaves the coverage when more of its border faces the outside of the level (or a
    /// gap) than any neighbour — always so at the outer edge with no neighbour.
    /// The outline's vertices are first snapped within <paramref name="snapM"/> metres onto the vertices and edges of
    /// the grids around (and the grid's own old outline), and their vertices along the outline's edges are threaded in,
    /// so a traced edge lands on the neighbour's edge. <paramref name="clip"/> (e.g. the parent large grid) bounds the
    /// new outline.
    /// </summary>
    /// <returns>The grids that changed (the grid and the neighbours that lost, gained or took new vertices), and a
    /// change per neighbour: <c>taken</c>, <c>given</c>, <c>released</c>, <c>extended</c>, <c>snapped</c>.</returns>
    /// <exception cref="CoverageEditException">The outline is not a valid polygon, is empty after the clip, or takes a
    /// neighbour's whole area.</exception>
    public static CoverageEditResult Reshape(IReadOnlyList<CoverageItem> grids, string code, Polygon outline, double snapM = 1, Geometry? clip = null)
    {
        ArgumentNullException.ThrowIfNull(grids);
        if (!(snapM >= 0) || double.IsInfinity(snapM)) throw new ArgumentOutOfRangeException(nameof(snapM), snapM, "The snap distance must be 0 or more metres.");
        var t = Find(grids, code);
        if (outline is null || outline.IsEmpty) throw new CoverageEditException($"The new outline of grid {code} is empty: draw a closed outline.");
        if (new IsValidOp(outline).ValidationError is { } invalid)
            throw new CoverageEditException($"The new outline of grid {code} is not a valid polygon ({invalid.Message} near {invalid.Coordinate.X:0.000000}, {invalid.Coordinate.Y:0.000000}): redraw it without crossing itself.");
        Geometry shape = outline;
        if (clip is not null)
        {
            shape = clip.IsEmpty ? outline.Factory.CreatePolygon() : PolygonalPart(outline.Intersection(clip));
            if (shape.IsEmpty || shape.Area <= 0)
                throw new CoverageEditException($"The new outline of grid {code} lies wholly outside the area it must stay in (its parent grid): draw it inside.");
        }
        var gk = CoverageGeometry.Zone(grids.Select(g => g.Geometry));
        var target = grids[t].Geometry;

        // The grids taking part: the grid, its neighbours, and every grid the new outline reaches (within snapping).
        var reachEnv = new Envelope(shape.EnvelopeInternal);
        reachEnv.ExpandToInclude(target.EnvelopeInternal);
        reachEnv = CoverageGeometry.Grow(reachEnv, snapM);
        var snapDeg = 1.5 * CoverageGeometry.Degrees(snapM, reachEnv.Centre.Y);
        var touchesTarget = PreparedGeometryFactory.Prepare(target);
        var touchesShape = PreparedGeometryFactory.Prepare(shape);
        var nearShape = new IndexedFacetDistance(shape);
        var affected = new List<int> { t };
        for (var i = 0; i < grids.Count; i++)
        {
            var g = grids[i].Geometry;
            if (i == t || g.IsEmpty || !g.EnvelopeInternal.Intersects(reachEnv)) continue;
            if (touchesTarget.Intersects(g) || touchesShape.Intersects(g) || nearShape.IsWithinDistance(g, snapDeg)) affected.Add(i);
        }
        var rings = affected.Select(i => CoverageGeometry.Rings(grids[i].Geometry)).ToList();

        var stats = new SnapStats();
        var shapeRings = CoverageGeometry.Rings(shape);
        if (snapM > 0)
        {
            var extent = new Envelope(reachEnv);
            foreach (var i in affected) extent.ExpandToInclude(grids[i].Geometry.EnvelopeInternal);
            var anchors = Anchors(rings, extent, snapM);
            shapeRings = [.. shapeRings.Select(r => RingSnapper.Snap(r, anchors, snapM, _ => false, (_, _) => false, stats)).Where(r => r.Length >= 4)];
        }

        var outlineSource = affected.Count;
        var input = new List<(int, Coordinate[])>();
        for (var i = 0; i < rings.Count; i++)
            foreach (var ring in rings[i]) input.Add((i, ring));
        foreach (var ring in shapeRings) input.Add((outlineSource, ring));
        var faces = CoverageFaces.Build(input, [], CoverageGeometry.Factory);

        // Owners: inside the new outline, the grid; elsewhere whoever had it; what the grid gives up, the neighbour
        // with the longest border with that piece, or no one.
        var owner = new int[faces.FaceCount];
        var givenUp = new List<int>();
        for (var f = 0; f < faces.FaceCount; f++)
        {
            var parents = faces.Parents(f);
            if (parents.Contains(outlineSource)) owner[f] = 0;
            else if (parents.FirstOrDefault(p => p != 0, -1) is var other and >= 0) owner[f] = other;
            else if (parents.Contains(0)) givenUp.Add(f);
            else owner[f] = -1;
        }
        foreach (var f in givenUp) owner[f] = -1;
        foreach (var f in givenUp)
        {
            var around = new Dictionary<int, double>();
            var open = 0.0;
            foreach (var (face, m) in faces.Borders(f))
                if (face >= 0 && owner[face] > 0) around[owner[face]] = around.GetValueOrDefault(owner[face]) + m;
                else if (face < 0 || owner[face] < 0) open += m;
            var best = around.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key).FirstOrDefault(new KeyValuePair<int, double>(-1, 0));
            owner[f] = best.Value > open ? best.Key : -1;
        }

        var regions = faces.BuildRegions(owner);
        if (!regions.ContainsKey(0))
            throw new CoverageEditException($"The new outline of grid {code} has no area left once snapped to the grids around it (within {snapM:0.#} m): draw a larger outline.");
        for (var i = 1; i < affected.Count; i++)
            if (!regions.ContainsKey(i) && rings[i].Count > 0)
                throw new CoverageEditException($"The new outline of grid {code} takes all of grid {grids[affected[i]].Code}: leave part of {grids[affected[i]].Code} outside the outline, or merge the two grids instead.");

        var changes = new List<CoverageChange>();
        if (stats.Any) changes.Add(SnapChange(code, stats, affected.Select(i => grids[i].Code).ToList()));
        changes.AddRange(ReshapeChanges(faces, owner, outlineSource, affected.Select(i => grids[i].Code).ToList(), gk));
        var changedGrids = Changed(grids, affected, regions);
        return new(changedGrids, [], changes);
    }

    /// <summary>
    /// Splits grid <paramref name="code"/> by a line that crosses it from edge to edge: the larger piece keeps
    /// <paramref name="code"/>, the other becomes <paramref name="newCode"/>. The parts of the line outside the grid
    /// are ignored; the neighbours get the new vertices where the line meets their shared edges, so edges still match.
    /// </summary>
    /// <returns>The two pieces and the neighbours that took new vertices; one <c>split</c> change.</returns>
    /// <exception cref="CoverageEditException">The line does not cut the grid into exactly two pieces, or the new code is taken.</exception>
    public static CoverageEditResult Split(IReadOnlyList<CoverageItem> grids, string code, LineString line, string newCode)
    {
        ArgumentNullException.ThrowIfNull(grids);
        var t = Find(grids, code);
        if (string.IsNullOrWhiteSpace(newCode)) throw new CoverageEditException($"The new grid cut off {code} needs a code.");
        if (grids.Any(g => g.Code == newCode)) throw new CoverageEditException($"Grid code {newCode} is already taken: choose another code for the new grid.");
        if (line is null || line.IsEmpty || line.NumPoints < 2) throw new CoverageEditException($"Draw the line that splits grid {code} with at least two points.");
        var gk = CoverageGeometry.Zone(grids.Select(g => g.Geometry));
        var target = grids[t].Geometry;
        var inside = target.Intersection(line);
        var cuts = new List<Coordinate[]>();
        for (var i = 0; i < inside.NumGeometries; i++)
            if (inside.GetGeometryN(i) is LineString { IsEmpty: false } part) cuts.Add(part.Coordinates);
        if (cuts.Count == 0) throw new CoverageEditException($"The line does not cross grid {code}: draw it from one edge of the grid to another.");

        var touchesTarget = PreparedGeometryFactory.Prepare(target);
        var affected = new List<int> { t };
        for (var i = 0; i < grids.Count; i++)
            if (i != t && !grids[i].Geometry.IsEmpty && grids[i].Geometry.EnvelopeInternal.Intersects(target.EnvelopeInternal) && touchesTarget.Intersects(grids[i].Geometry))
                affected.Add(i);
        var input = new List<(int, Coordinate[])>();
        for (var i = 0; i < affected.Count; i++)
            foreach (var ring in CoverageGeometry.Rings(grids[affected[i]].Geometry)) input.Add((i, ring));
        var faces = CoverageFaces.Build(input, cuts, CoverageGeometry.Factory);

        // The grid's faces, joined across everything but the line: the pieces.
        var piece = new int[faces.FaceCount];
        for (var f = 0; f < piece.Length; f++) piece[f] = faces.Parents(f).Contains(0) ? f : -1;
        int Root(int f) => piece[f] == f ? f : piece[f] = Root(piece[f]);
        foreach (var (a, b, cut) in faces.Adjacencies())
            if (!cut && a >= 0 && b >= 0 && piece[a] >= 0 && piece[b] >= 0) piece[Root(a)] = Root(b);
        var pieces = Enumerable.Range(0, piece.Length).Where(f => piece[f] >= 0).GroupBy(Root).ToList();
        if (pieces.Count < 2)
            throw new CoverageEditException($"The line does not cut grid {code} in two: it must run from one edge of the grid to another (it ends inside the grid or only touches its edge).");
        if (pieces.Count > 2)
            throw new CoverageEditException($"The line cuts grid {code} into {pieces.Count} pieces; a split needs exactly two: draw a line that crosses the grid once.");
        var areas = pieces.Select(p => p.Sum(f => CoverageGeometry.AreaM2(faces.Polygon(f), gk))).ToArray();
        var (keep, cutOff) = areas[0] >= areas[1] ? (pieces[0], pieces[1]) : (pieces[1], pieces[0]);

        var newSource = affected.Count;
        var owner = new int[faces.FaceCount];
        for (var f = 0; f < owner.Length; f++) owner[f] = faces.Parents(f) is { Count: > 0 } p ? p[0] : -1;
        foreach (var f in cutOff) owner[f] = newSource;
        foreach (var f in keep) owner[f] = 0;
        var regions = faces.BuildRegions(owner);

        var changed = Changed(grids, affected, regions);
        var neighbours = changed.Where(c => c.Code != code).Select(c => c.Code).ToList();
        changed.Insert(changed.FindIndex(c => c.Code == code) + 1, new(newCode, regions[newSource]));
        var newArea = areas[0] >= areas[1] ? areas[1] : areas[0];
        var also = neighbours.Count > 0 ? $"; {CoverageGeometry.List(neighbours)} took the new vertices on their shared edges" : "";
        return new(changed, [], [new(CoverageChangeKinds.Split, [code, newCode], newArea, regions[newSource],
            $"Grid {newCode} ({newArea:0} m²) was cut off grid {code} ({Math.Max(areas[0], areas[1]):0} m² left){also}.")]);
    }

    /// <summary>
    /// Merges grids that touch along edges into <c>codes[0]</c>; the others are removed. Holes enclosed by the merged
    /// grids stay holes.
    /// </summary>
    /// <exception cref="CoverageEditException">Fewer than two grids, an unknown code, or a grid sharing no edge with the others.</exception>
    public static CoverageEditResult Merge(IReadOnlyList<CoverageItem> grids, IReadOnlyList<string> codes)
    {
        ArgumentNullException.ThrowIfNull(grids);
        if (codes is null || codes.Count < 2) throw new CoverageEditException("A merge needs at least two grids.");
        if (codes.GroupBy(c => c).FirstOrDefault(g => g.Count() > 1) is { } twice) throw new CoverageEditException($"Grid {twice.Key} is listed twice in the merge.");
        var idx = codes.Select(c => Find(grids, c)).ToList();
        var gk = CoverageGeometry.Zone(grids.Select(g => g.Geometry));
        var input = new List<(int, Coordinate[])>();
        for (var i = 0; i < idx.Count; i++)
            foreach (var ring in CoverageGeometry.Rings(grids[idx[i]].Geometry)) input.Add((i, ring));
        var faces = CoverageFaces.Build(input, [], CoverageGeometry.Factory);

        var group = Enumerable.Range(0, idx.Count).ToArray();
        int Root(int i) => group[i] == i ? i : group[i] = Root(group[i]);
        foreach (var ((a, b), length) in faces.SharedBorders())
            if (length > 0) group[Root(a)] = Root(b);
        var apart = Enumerable.Range(1, idx.Count - 1).Where(i => Root(i) != Root(0)).Select(i => codes[i]).ToList();
        if (apart.Count > 0)
            throw new CoverageEditException($"{(apart.Count == 1 ? "Grid" : "Grids")} {CoverageGeometry.List(apart)} {(apart.Count == 1 ? "shares" : "share")} no edge with {codes[0]} or the grids merged with it: only neighbouring grids can be merged.");

        var owner = Enumerable.Range(0, faces.FaceCount).Select(f => faces.Parents(f).Count > 0 ? 0 : -1).ToArray();
        var merged = faces.BuildRegions(owner)[0];
        var area = CoverageGeometry.AreaM2(merged, gk);
        return new([new(codes[0], merged)], [.. codes.Skip(1)], [new(CoverageChangeKinds.Merged, [.. codes], area, merged,
            $"Grids {CoverageGeometry.List(codes.Skip(1))} were merged into {codes[0]} ({area:0} m²).")]);
    }

    private static int Find(IReadOnlyList<CoverageItem> grids, string code)
    {
        for (var i = 0; i < grids.Count; i++)
            if (grids[i].Code == code)
            {
                if (grids[i].Geometry.IsEmpty) throw new CoverageEditException($"Grid {code} has no outline to edit.");
                return i;
            }
        throw new CoverageEditException($"There is no grid {code} in this level.");
    }

    private static Geometry PolygonalPart(Geometry g)
    {
        var polygons = Enumerable.Range(0, g.NumGeometries).Select(g.GetGeometryN).OfType<Polygon>().Where(p => !p.IsEmpty).ToArray();
        return polygons.Length == 1 ? polygons[0] : CoverageGeometry.Factory.CreateMultiPolygon(polygons);
    }

    private static SnapAnchors Anchors(List<List<Coordinate[]>> rings, Envelope reach, double snapM)
    {
        double length = 0;
        var count = 0;
        foreach (var ring in rings.SelectMany(r => r))
            for (var i = 0; i + 1 < ring.Length; i++)
            {
                length += LocalMetric.Distance(ring[i], ring[i + 1]);
                count++;
            }
        var anchors = new SnapAnchors(reach, Math.Max(4 * snapM, count > 0 ? length / count : 4 * snapM));
        for (var i = 0; i < rings.Count; i++)
            foreach (var ring in rings[i]) anchors.AddRing(ring, i);
        return anchors;
    }

    /// <summary>The grids whose traced outline differs from their old one (vertex for vertex), grid first.</summary>
    private static List<CoverageItem> Changed(IReadOnlyList<CoverageItem> grids, List<int> affected, Dictionary<int, Geometry> regions)
    {
        var changed = new List<CoverageItem>();
        for (var i = 0; i < affected.Count; i++)
            if (regions.TryGetValue(i, out var region) && !CoverageGeometry.Same(region, grids[affected[i]].Geometry))
                changed.Add(new(grids[affected[i]].Code, region));
        return changed;
    }

    private static CoverageChange SnapChange(string code, SnapStats stats, List<string> codes)
    {
        var onto = stats.Owners.Order().Select(o => codes[o]).Where(c => c != code).ToList();
        var what = new List<string>();
        if (stats.Moved > 0) what.Add($"{stats.Moved} vertices moved up to {stats.MaxMoveM:0.0} m");
        if (stats.Inserted > 0) what.Add($"{stats.Inserted} neighbour vertices added to its edges");
        var to = onto.Count > 0 ? $"onto {CoverageGeometry.List(onto)}" : "onto its old outline";
        return new(CoverageChangeKinds.Snapped, [code, .. onto], stats.AreaM2, CoverageGeometry.Factory.CreateMultiPointFromCoords([.. stats.Points]),
            $"The new outline of grid {code} was snapped {to}: {string.Join(", ", what)} (about {stats.AreaM2:0.0} m² swept).");
    }

    /// <summary>What the reshape moved between grids, one change per neighbour and kind.</summary>
    private static List<CoverageChange> ReshapeChanges(CoverageFaces faces, int[] owner, int outlineSource, List<string> codes, GaussKruger gk)
    {
        var groups = new Dictionary<(string Kind, int Other), int>();
        var groupOf = new int[faces.FaceCount];
        Array.Fill(groupOf, -1);
        for (var f = 0; f < faces.FaceCount; f++)
        {
            var parents = faces.Parents(f);
            (string, int)? key = null;
            if (owner[f] == 0 && !parents.Contains(0))
            {
                var from = parents.FirstOrDefault(p => p != outlineSource, -1);
                key = from >= 0 ? (CoverageChangeKinds.Taken, from) : (CoverageChangeKinds.Extended, -1);
            }
            else if (owner[f] != 0 && parents.Count == 1 && parents[0] == 0)
                key = owner[f] > 0 ? (CoverageChangeKinds.Given, owner[f]) : (CoverageChangeKinds.Released, -1);
            if (key is not { } k) continue;
            if (!groups.TryGetValue(k, out var id)) groups.Add(k, id = groups.Count);
            groupOf[f] = id;
        }
        var locations = faces.BuildRegions(groupOf);
        var code = codes[0];
        return [.. groups.OrderBy(g => g.Value).Select(g =>
        {
            var (kind, other) = g.Key;
            var where = locations[g.Value];
            var area = CoverageGeometry.AreaM2(where, gk);
            return kind switch
            {
                CoverageChangeKinds.Taken => new CoverageChange(kind, [code, codes[other]], area, where, $"Grid {code} took {area:0.0} m² from {codes[other]}."),
                CoverageChangeKinds.Given => new CoverageChange(kind, [codes[other], code], area, where, $"Grid {codes[other]} received {area:0.0} m² that grid {code} gave up (it shares the longest border with it)."),
                CoverageChangeKinds.Released => new CoverageChange(kind, [code], area, where, $"{area:0.0} m² that grid {code} gave up borders no other grid and now lies outside the level."),
                _ => new CoverageChange(kind, [code], area, where, $"Grid {code} took in {area:0.0} m² that no grid covered."),
            };
        })];
    }
}
