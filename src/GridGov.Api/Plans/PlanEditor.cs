using System.Text.Json;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Platform;
using GridGov.Geo.Coordinates;
using GridGov.Geo.Grids;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Plans;

/// <summary>An edit as a request states it; the fields each op needs are listed with <see cref="PlanEditor.Ops"/>.</summary>
public sealed record EditRequest(
    string? Op, int? BaseVersion, string? Level, string? Code, string[]? Codes, string? Name, string? NewCode, string? LargeGrid,
    int? TeamId, JsonElement? Geometry, JsonElement? Line, double? SnapM, double? MaxGapM, string? Crs);

/// <summary>What an edit does: a sentence for the history, the grids it changes, and what a clean reports.</summary>
public sealed record EditOutcome(string Summary, IReadOnlyList<GridChange> Changes, IReadOnlyList<CoverageChange> Report);

/// <summary>
/// Turns an edit request into the change of a draft's grids, keeping the coverage valid by construction: geometry edits
/// go through <see cref="CoverageEdits"/> and <see cref="CoverageCleaner"/> (neighbours follow, shared vertices stay
/// shared), and a large grid whose unit grids changed gets their union as its outline. Works on one plan in one
/// scope; not thread-safe.
/// </summary>
public sealed class PlanEditor(GridGovDb db, long planId, Validation v)
{
    public static readonly IReadOnlyDictionary<string, string> Ops = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["reshape"] = "{ level, code, geometry: Polygon } — the grid's new outline; neighbours follow along the shared edge",
        ["split"] = "{ code, line: LineString, newCode? } — cut a grid in two by a line across it",
        ["merge"] = "{ codes: [...] } — adjacent grids of one parent into codes[0]",
        ["assign"] = "{ codes: [unit codes], largeGrid } — move unit grids to another large grid",
        ["rename"] = "{ code, name }",
        ["recode"] = "{ code, newCode } — a new code, by the code rule; grids below follow",
        ["setTeam"] = "{ code, teamId | null } — the team that answers for a large grid",
        ["clean"] = "{ level, snapM, maxGapM } — snap near vertices, give slivers and narrow gaps to a neighbour, resolve overlaps",
    };

    /// <summary>Default snapping of a reshaped outline onto its neighbours' vertices and edges, in metres.</summary>
    public const double ReshapeSnapM = 1.0;

    private readonly Dictionary<string, PlanGrid> _before = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PlanGrid?> _after = new(StringComparer.Ordinal);

    public async Task<EditOutcome?> PlanAsync(EditRequest r, CancellationToken ct)
    {
        if (!ChinaOffsets.TryParse(r.Crs, out var crs)) v.Add("crs", $"'crs' is wgs84, cgcs2000, gcj02 or bd09, not '{r.Crs}'.");
        if (!v.IsValid) return null;
        return r.Op switch
        {
            "rename" => await RenameAsync(r, ct),
            "recode" => await RecodeAsync(r, ct),
            "assign" => await AssignAsync(r, ct),
            "setTeam" => await SetTeamAsync(r, ct),
            "reshape" => await ReshapeAsync(r, crs, ct),
            "split" => await SplitAsync(r, crs, ct),
            "merge" => await MergeAsync(r, ct),
            "clean" => await CleanAsync(r, ct),
            _ => Refuse("op", $"'op' is one of {string.Join(", ", Ops.Keys)}{(r.Op is null ? "" : $", not '{Clip(r.Op)}'")}."),
        };
    }

    private EditOutcome? Refuse(string field, string message)
    {
        v.Add(field, message);
        return null;
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;

    // ---- the grids the edit reads and writes -------------------------------------------------------------------

    private void Keep(IEnumerable<PlanGrid> rows)
    {
        foreach (var g in rows) _before.TryAdd(g.Code, g);
    }

    private PlanGrid? Current(string code) => _after.TryGetValue(code, out var a) ? a : _before.GetValueOrDefault(code);

    private void Put(PlanGrid g) => _after[g.Code] = g;

    private void Drop(string code) => _after[code] = null;

    private IReadOnlyList<GridChange> Changes() => _after
        .Where(a => !Same(_before.GetValueOrDefault(a.Key), a.Value))
        .Select(a => new GridChange(a.Key, _before.GetValueOrDefault(a.Key), a.Value))
        .OrderBy(c => c.Code, StringComparer.Ordinal).ToList();

    private static bool Same(PlanGrid? a, PlanGrid? b) =>
        a is null ? b is null : b is not null && a.Level == b.Level && a.Name == b.Name && a.ParentCode == b.ParentCode && a.TeamId == b.TeamId
            && a.Geometry.EqualsExact(b.Geometry);

    private async Task<PlanGrid?> LoadAsync(string? code, string field, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            v.Add(field, $"'{field}' is required: the code of a grid of this plan.");
            return null;
        }
        code = code.Trim();
        if (Current(code) is { } known) return known;
        var g = await db.PlanGrids.AsNoTracking().FirstOrDefaultAsync(x => x.PlanId == planId && x.Code == code, ct);
        if (g is null)
        {
            v.Add(field, $"This plan has no grid '{Clip(code)}'.");
            return null;
        }
        Keep([g]);
        return g;
    }

    private async Task<IReadOnlySet<string>> CodesAsync(CancellationToken ct)
    {
        var codes = (await db.PlanGrids.Where(g => g.PlanId == planId).Select(g => g.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        foreach (var (code, g) in _after)
            if (g is null) codes.Remove(code);
            else codes.Add(code);
        return codes;
    }

    private static PlanGrid With(PlanGrid g, Action<PlanGrid> change)
    {
        var copy = g.Copy(g.PlanId);
        change(copy);
        return copy;
    }

    private static PlanGrid Reshaped(PlanGrid g, Geometry geometry) => With(g, x =>
    {
        x.Geometry = PlanGeometry.Multi(geometry);
        x.AreaM2 = PlanGeometry.AreaM2(x.Geometry);
    });

    // ---- attribute edits -------------------------------------------------------------------------------------

    private async Task<EditOutcome?> RenameAsync(EditRequest r, CancellationToken ct)
    {
        var g = await LoadAsync(r.Code, "code", ct);
        var name = r.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) v.Add("name", "'name' is required, at most 100 characters.");
        if (g is null || !v.IsValid) return null;
        Put(With(g, x => x.Name = name!));
        return new EditOutcome($"{g.Code} 更名：{g.Name} → {name}", Changes(), []);
    }

    private async Task<EditOutcome?> RecodeAsync(EditRequest r, CancellationToken ct)
    {
        var g = await LoadAsync(r.Code, "code", ct);
        var code = r.NewCode?.Trim();
        if (string.IsNullOrEmpty(code)) v.Add("newCode", "'newCode' is required.");
        if (g is null || !v.IsValid) return null;
        if (GridCodes.Problem(code!, g.Level, await CommunityOfAsync(g.ParentCode, g.Level, ct)) is { } rule) return Refuse("newCode", rule);
        if ((await CodesAsync(ct)).Contains(code!)) return Refuse("newCode", $"Code '{code}' is taken in this plan.");
        var children = await db.PlanGrids.AsNoTracking().Where(x => x.PlanId == planId && x.ParentCode == g.Code).ToListAsync(ct);
        Keep(children);
        foreach (var child in children) Put(With(child, x => x.ParentCode = code));
        Drop(g.Code);
        Put(With(g, x => x.Code = code!));
        return new EditOutcome($"{g.Code} 改编码为 {code}（{children.Count} 个下级网格随之改挂）", Changes(), []);
    }

    /// <summary>The community code a unit grid's code starts with: its large grid's parent.</summary>
    private async Task<string?> CommunityOfAsync(string? parentCode, GridLevel level, CancellationToken ct)
    {
        if (level != GridLevel.Unit || parentCode is null) return null;
        var large = Current(parentCode) ?? await db.PlanGrids.AsNoTracking().FirstOrDefaultAsync(x => x.PlanId == planId && x.Code == parentCode, ct);
        return large?.ParentCode;
    }

    private async Task<EditOutcome?> SetTeamAsync(EditRequest r, CancellationToken ct)
    {
        var g = await LoadAsync(r.Code, "code", ct);
        if (g is null) return null;
        if (g.Level != GridLevel.Large) return Refuse("code", $"A team answers for a large grid; {g.Code} is a {GridImporter.Name(g.Level)} grid.");
        string? teamName = null;
        if (r.TeamId is { } id)
        {
            var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct);
            if (team is null) return Refuse("teamId", $"There is no team {id}; GET /api/teams lists them.");
            if (team.Kind != Teams.TeamKind.Grid) return Refuse("teamId", $"Team {id} ({team.Name}) is an asset group; a large grid needs a grid team.");
            var holder = await db.PlanGrids.AsNoTracking().FirstOrDefaultAsync(x => x.PlanId == planId && x.TeamId == id && x.Code != g.Code, ct);
            if (holder is not null && Current(holder.Code)?.TeamId == id)
                return Refuse("teamId", $"Team {id} ({team.Name}) answers for {holder.Code} in this plan; give that grid another team first.");
            teamName = team.Name;
        }
        Put(With(g, x => x.TeamId = r.TeamId));
        return new EditOutcome($"{g.Code} 责任班组：{teamName ?? "无"}", Changes(), []);
    }

    private async Task<EditOutcome?> AssignAsync(EditRequest r, CancellationToken ct)
    {
        var target = await LoadAsync(r.LargeGrid, "largeGrid", ct);
        if (r.Codes is not { Length: > 0 } codes) return Refuse("codes", "'codes' lists the unit grids to move.");
        if (codes.Length > 5000) return Refuse("codes", "At most 5,000 unit grids per edit.");
        if (target is null) return null;
        if (target.Level != GridLevel.Large) return Refuse("largeGrid", $"{target.Code} is a {GridImporter.Name(target.Level)} grid; unit grids go to a large grid.");
        var distinct = codes.Select(c => c?.Trim() ?? "").Distinct(StringComparer.Ordinal).ToList();
        var units = await db.PlanGrids.AsNoTracking().Where(x => x.PlanId == planId && distinct.Contains(x.Code)).ToListAsync(ct);
        foreach (var missing in distinct.Except(units.Select(u => u.Code), StringComparer.Ordinal)) v.Add("codes", $"This plan has no grid '{Clip(missing)}'.");
        foreach (var notUnit in units.Where(u => u.Level != GridLevel.Unit)) v.Add("codes", $"{notUnit.Code} is a {GridImporter.Name(notUnit.Level)} grid; only unit grids are assigned.");
        if (!v.IsValid) return null;
        Keep(units);
        var moving = units.Where(u => u.ParentCode != target.Code).ToList();
        var from = moving.Select(u => u.ParentCode).OfType<string>().Distinct().ToList();
        foreach (var u in moving) Put(With(Current(u.Code)!, x => x.ParentCode = target.Code));
        await ReunionParentsAsync(from.Append(target.Code), ct);
        if (!v.IsValid) return null;
        return new EditOutcome($"{moving.Count} 个单元网格划入 {target.Code}（{target.Name}）{(from.Count > 0 ? $"，原属 {string.Join("、", from)}" : "")}", Changes(), []);
    }

    // ---- geometry edits ----------------------------------------------------------------------------------------

    private async Task<EditOutcome?> ReshapeAsync(EditRequest r, InputCrs crs, CancellationToken ct)
    {
        var g = await LoadAsync(r.Code, "code", ct);
        var outline = PlanGeometry.Parse(r.Geometry, crs, out var problem);
        if (problem is not null) v.Add("geometry", $"'geometry' {problem}");
        else if (outline is not Polygon) v.Add("geometry", $"'geometry' is a Polygon (the grid's whole new outline), not a {outline!.GeometryType}.");
        if (g is null || !v.IsValid) return null;
        if (g.Level != GridLevel.Unit && await db.PlanGrids.AnyAsync(x => x.PlanId == planId && x.ParentCode == g.Code && x.Level == GridLevel.Unit, ct))
            return Refuse("code", $"{g.Code}'s outline is the union of its unit grids: reshape those, or assign them to another large grid.");
        var reach = new Envelope(g.Geometry.EnvelopeInternal);
        reach.ExpandToInclude(outline!.EnvelopeInternal);
        var siblings = await SiblingsAsync(g.Level, reach, ct);
        CoverageEditResult result;
        try
        {
            result = CoverageEdits.Reshape(siblings, g.Code, (Polygon)outline, ReshapeSnapM);
        }
        catch (CoverageEditException ex)
        {
            return Refuse("geometry", ex.Message);
        }
        var parents = ApplyGeometry(result, g.Level);
        await ReunionParentsAsync(parents, ct);
        if (!v.IsValid) return null;
        var others = result.Changed.Select(c => c.Code).Where(c => c != g.Code).ToList();
        return new EditOutcome($"{g.Code} 调整边界{(others.Count > 0 ? $"，相邻 {string.Join("、", others)} 随之调整" : "")}", Changes(), result.Changes);
    }

    private async Task<EditOutcome?> SplitAsync(EditRequest r, InputCrs crs, CancellationToken ct)
    {
        var g = await LoadAsync(r.Code, "code", ct);
        var line = PlanGeometry.Parse(r.Line, crs, out var problem);
        if (problem is not null) v.Add("line", $"'line' {problem}");
        else if (line is not LineString) v.Add("line", $"'line' is a LineString across the grid, not a {line!.GeometryType}.");
        if (g is null || !v.IsValid) return null;
        var taken = await CodesAsync(ct);
        var newCode = r.NewCode?.Trim();
        if (string.IsNullOrEmpty(newCode))
        {
            newCode = g.Level == GridLevel.Unit && await CommunityOfAsync(g.ParentCode, g.Level, ct) is { Length: 12 } community
                ? GridCodes.NextUnitCode(community, taken)
                : GridCodes.NextFree(g.Code, taken);
            if (newCode is null) return Refuse("newCode", $"No free code follows {g.Code}; name the new grid's 'newCode'.");
        }
        else if (taken.Contains(newCode)) return Refuse("newCode", $"Code '{newCode}' is taken in this plan.");
        else if (GridCodes.Problem(newCode, g.Level, await CommunityOfAsync(g.ParentCode, g.Level, ct)) is { } rule) return Refuse("newCode", rule);
        var siblings = await SiblingsAsync(g.Level, g.Geometry.EnvelopeInternal, ct);
        CoverageEditResult result;
        try
        {
            result = CoverageEdits.Split(siblings, g.Code, (LineString)line!, newCode);
        }
        catch (CoverageEditException ex)
        {
            return Refuse("line", ex.Message);
        }
        var parents = ApplyGeometry(result, g.Level, template: g, newName: $"{g.Name}（{newCode[^Math.Min(3, newCode.Length)..]}）");
        await ReunionParentsAsync(parents, ct);
        if (!v.IsValid) return null;
        if (g.Level != GridLevel.Unit) await RehangChildrenAsync(g.Code, newCode, ct);
        return new EditOutcome($"{g.Code} 一分为二，新网格 {newCode}", Changes(), result.Changes);
    }

    private async Task<EditOutcome?> MergeAsync(EditRequest r, CancellationToken ct)
    {
        if (r.Codes is not { Length: >= 2 } codes) return Refuse("codes", "'codes' names at least two adjacent grids; they become codes[0].");
        var grids = new List<PlanGrid>();
        foreach (var c in codes.Distinct(StringComparer.Ordinal))
            if (await LoadAsync(c, "codes", ct) is { } g) grids.Add(g);
        if (!v.IsValid) return null;
        if (grids.Select(g => g.Level).Distinct().Count() > 1) return Refuse("codes", "Merge grids of one level.");
        if (grids.Select(g => g.ParentCode).Distinct().Count() > 1)
            return Refuse("codes", $"The grids lie in different parents ({string.Join(", ", grids.Select(g => g.ParentCode ?? "none").Distinct())}); assign them to one first.");
        var level = grids[0].Level;
        var env = new Envelope();
        foreach (var g in grids) env.ExpandToInclude(g.Geometry.EnvelopeInternal);
        var siblings = await SiblingsAsync(level, env, ct);
        CoverageEditResult result;
        try
        {
            result = CoverageEdits.Merge(siblings, grids.Select(g => g.Code).ToList());
        }
        catch (CoverageEditException ex)
        {
            return Refuse("codes", ex.Message);
        }
        var parents = ApplyGeometry(result, level);
        await ReunionParentsAsync(parents, ct);
        if (!v.IsValid) return null;
        if (level != GridLevel.Unit)
            foreach (var gone in result.Removed) await RehangChildrenAsync(gone, grids[0].Code, ct, all: true);
        return new EditOutcome($"{string.Join("、", grids.Skip(1).Select(g => g.Code))} 并入 {grids[0].Code}", Changes(), result.Changes);
    }

    private async Task<EditOutcome?> CleanAsync(EditRequest r, CancellationToken ct)
    {
        if (!GridImportApi.TryLevel(r.Level, out var level) || level == GridLevel.County)
            v.Add("level", $"'level' is street, community, large or unit{(r.Level is null ? "" : $", not '{Clip(r.Level)}'")}.");
        var snap = r.SnapM ?? 2;
        var gap = r.MaxGapM ?? 10;
        if (snap is < 0 or > 50 || double.IsNaN(snap)) v.Add("snapM", "'snapM' is 0 to 50 metres.");
        if (gap is < 0 or > 200 || double.IsNaN(gap)) v.Add("maxGapM", "'maxGapM' is 0 to 200 metres.");
        if (!v.IsValid) return null;
        var grids = await db.PlanGrids.AsNoTracking().Where(x => x.PlanId == planId && x.Level == level).ToListAsync(ct);
        if (grids.Count == 0) return Refuse("level", $"This plan has no {GridImporter.Name(level)} grids to clean.");
        Keep(grids);
        var result = CoverageCleaner.Clean(grids.Select(g => new CoverageItem(g.Code, g.Geometry)).ToList(), snap, gap);
        var parents = ApplyGeometry(result, level);
        await ReunionParentsAsync(parents, ct);
        if (!v.IsValid) return null;
        var counts = result.Changes.GroupBy(c => c.Kind).Select(k => $"{KindName(k.Key)} {k.Count()} 处");
        return new EditOutcome($"清理{GridImporter.Chinese(level)}（吸附 {snap:0.#} m，缝隙 {gap:0.#} m）：{string.Join("，", counts)}", Changes(), result.Changes);
    }

    private static string KindName(string kind) => kind switch
    {
        "snapped" => "吸附顶点",
        "gapFilled" => "填补缝隙",
        "overlapResolved" => "消除重叠",
        "gapKept" => "保留宽缺口",
        "vanished" => "移除空网格",
        _ => kind,
    };

    /// <summary>The grids of a level whose outlines meet an envelope (grown by 50 m): the neighbours an edit may touch.</summary>
    private async Task<List<CoverageItem>> SiblingsAsync(GridLevel level, Envelope reach, CancellationToken ct)
    {
        var grown = new Envelope(reach);
        grown.ExpandBy(0.0005);
        var box = PlanGeometry.Factory.ToGeometry(grown);
        var rows = await db.PlanGrids.AsNoTracking().Where(x => x.PlanId == planId && x.Level == level && x.Geometry.Intersects(box)).ToListAsync(ct);
        Keep(rows);
        return rows.Select(x => Current(x.Code)).OfType<PlanGrid>().Select(x => new CoverageItem(x.Code, x.Geometry)).ToList();
    }

    /// <summary>Puts a coverage edit's result into the working set; returns the parents whose children changed shape.</summary>
    private HashSet<string> ApplyGeometry(CoverageEditResult result, GridLevel level, PlanGrid? template = null, string? newName = null)
    {
        var parents = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in result.Changed)
        {
            var existing = Current(item.Code);
            var grid = existing is not null
                ? Reshaped(existing, item.Geometry)
                : Reshaped(template!.Copy(planId), item.Geometry) is var fresh ? With(fresh, x => { x.Code = item.Code; x.Name = newName ?? item.Code; x.TeamId = null; }) : null!;
            Put(grid);
            if (level == GridLevel.Unit && grid.ParentCode is { } p) parents.Add(p);
        }
        foreach (var code in result.Removed)
        {
            if (level == GridLevel.Unit && Current(code)?.ParentCode is { } p) parents.Add(p);
            Drop(code);
        }
        return parents;
    }

    /// <summary>A large grid's outline is the union of its unit grids: recomputed for each parent named.</summary>
    private async Task ReunionParentsAsync(IEnumerable<string> parentCodes, CancellationToken ct)
    {
        var codes = parentCodes.Distinct(StringComparer.Ordinal).ToList();
        if (codes.Count == 0) return;
        var parents = await db.PlanGrids.AsNoTracking().Where(x => x.PlanId == planId && codes.Contains(x.Code) && x.Level == GridLevel.Large).ToListAsync(ct);
        var units = await db.PlanGrids.AsNoTracking().Where(x => x.PlanId == planId && x.Level == GridLevel.Unit && x.ParentCode != null && codes.Contains(x.ParentCode)).ToListAsync(ct);
        Keep(parents);
        Keep(units);
        // Units moved into a parent in this edit are in the working set, not yet in the database.
        var all = _before.Keys.Concat(_after.Keys).Distinct(StringComparer.Ordinal).Select(Current).OfType<PlanGrid>()
            .Where(u => u.Level == GridLevel.Unit && u.ParentCode is { } p && codes.Contains(p)).ToList();
        foreach (var parent in parents)
        {
            var mine = all.Where(u => u.ParentCode == parent.Code).Select(u => (Geometry)u.Geometry).ToArray();
            if (mine.Length == 0)
            {
                v.Add("codes", $"Large grid {parent.Code} would be left without unit grids; merge it into a neighbour instead.");
                continue;
            }
            Put(Reshaped(Current(parent.Code)!, NetTopologySuite.Coverage.CoverageUnion.Union(mine)));
        }
    }

    /// <summary>After a split or merge above the unit level, the grids below go to the piece that covers them.</summary>
    private async Task RehangChildrenAsync(string code, string newCode, CancellationToken ct, bool all = false)
    {
        var children = await db.PlanGrids.AsNoTracking().Where(x => x.PlanId == planId && x.ParentCode == code).ToListAsync(ct);
        Keep(children);
        var target = Current(newCode)?.Geometry;
        foreach (var child in children)
            if (all || (target is not null && target.Covers(child.Geometry.InteriorPoint)))
                Put(With(Current(child.Code)!, x => x.ParentCode = newCode));
    }
}
