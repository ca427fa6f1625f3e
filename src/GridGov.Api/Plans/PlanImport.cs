using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Platform;
using GridGov.Geo.Coordinates;
using GridGov.Geo.Files;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace GridGov.Api.Plans;

/// <summary>How to read a boundary file: its level, the crs it is in (null: from the .prj or the format's rule), which fields hold what.</summary>
public sealed record PlanImportOptions(GridLevel Level, InputCrs? Crs, BoundaryFormat? Format, string CodeField = "code", string NameField = "name", string ParentField = "parentCode");

public sealed record PlanImportResult(string Level, string Format, string Crs, int Created, int Updated, int Removed, int Numbered, int Version);

/// <summary>
/// One level of a draft from a boundary file (GeoJSON, zipped Shapefile, GeoPackage), as a whole: every feature is
/// checked (a polygon, valid, a code present or none at all, unique and by the rule, its parent in the level above by
/// the field or by where it lies) before anything is written; then the level becomes the file, recorded as one edit
/// (so it can be undone). Codes absent from the whole file are numbered by the 15-digit rule. The caller's transaction.
/// </summary>
public static class PlanImport
{
    /// <summary>The level each level lies in.</summary>
    public static readonly IReadOnlyDictionary<GridLevel, GridLevel> ParentLevel = new Dictionary<GridLevel, GridLevel>
    {
        [GridLevel.Street] = GridLevel.County, [GridLevel.Community] = GridLevel.Street, [GridLevel.Large] = GridLevel.Community, [GridLevel.Unit] = GridLevel.Large,
    };

    public static async Task<PlanImportResult?> ImportAsync(GridGovDb db, Plan plan, Stream file, PlanImportOptions o, string actor, DateTimeOffset now,
        Validation v, Action<string>? progress, CancellationToken ct)
    {
        BoundaryRead read;
        try
        {
            read = BoundaryFiles.Read(file, o.Format, o.Crs, progress);
        }
        catch (BoundaryFileException ex)
        {
            v.Add("file", ex.Message);
            return null;
        }
        if (read.Features.Count == 0)
        {
            v.Add("file", "The file holds no features.");
            return null;
        }
        progress?.Invoke($"read {read.Features.Count:N0} features ({read.Format}, {read.CrsUsed})");
        var level = o.Level;
        var levelName = GridImporter.Name(level);
        var field = (string want) => read.Fields.FirstOrDefault(f => string.Equals(f, want, StringComparison.OrdinalIgnoreCase));
        var codeField = field(o.CodeField);
        var nameField = field(o.NameField);
        var parentField = field(o.ParentField);
        var numbering = codeField is null || read.Features.All(f => string.IsNullOrWhiteSpace(f.Attributes.GetValueOrDefault(codeField)));

        // The level above, in this plan: a parent named by the field, or found where the grid lies.
        var above = ParentLevel.TryGetValue(level, out var pl) ? pl : (GridLevel?)null;
        var parents = above is { } a ? await PlanStore.GridsAsync(db, plan.Id, a, ct) : [];
        var parentIndex = new NetTopologySuite.Index.Strtree.STRtree<PlanGrid>();
        foreach (var p in parents) parentIndex.Insert(p.Geometry.EnvelopeInternal, p);
        var parentByCode = parents.ToDictionary(p => p.Code, StringComparer.Ordinal);
        var existing = (await PlanStore.GridsAsync(db, plan.Id, level, ct)).ToDictionary(g => g.Code, StringComparer.Ordinal);
        var taken = (await db.PlanGrids.Where(g => g.PlanId == plan.Id && g.Level != level).Select(g => g.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var incoming = new Dictionary<string, PlanGrid>(StringComparer.Ordinal);
        var numbered = 0;
        foreach (var f in read.Features)
        {
            var where = $"feature {f.Index + 1}";
            var code = codeField is null ? null : f.Attributes.GetValueOrDefault(codeField)?.Trim();
            if (!numbering && string.IsNullOrEmpty(code)) { v.Add(where, $"'{o.CodeField}' is empty; other features have codes, so every grid needs one (or leave the field out everywhere to number them)."); continue; }
            if (code is not null) where = $"feature {f.Index + 1} ({code})";
            if (f.Geometry is not (Polygon or MultiPolygon))
            {
                v.Add(where, $"The geometry is a {f.Geometry?.GeometryType ?? "null"}; a grid is a Polygon or MultiPolygon.");
                continue;
            }
            if (new IsValidOp(f.Geometry).ValidationError is { } invalid)
            {
                v.Add(where, $"The outline is not valid: {invalid.Message} near [{invalid.Coordinate.X:0.000000}, {invalid.Coordinate.Y:0.000000}]. Fix it in the source, or draw it anew.");
                continue;
            }
            var geometry = PlanGeometry.Multi(f.Geometry);
            var parentCode = parentField is null ? null : f.Attributes.GetValueOrDefault(parentField)?.Trim() is { Length: > 0 } pc ? pc : null;
            if (parentCode is null && above is not null)
            {
                var inside = geometry.InteriorPoint;
                parentCode = parentIndex.Query(inside.EnvelopeInternal).Where(p => p.Geometry.Covers(inside)).Select(p => p.Code).Order(StringComparer.Ordinal).FirstOrDefault();
                if (parentCode is null && parents.Count > 0)
                    v.Add(where, $"It lies in no {GridImporter.Name(above.Value)} grid of this plan and names none in '{o.ParentField}'.");
            }
            else if (parentCode is not null && !parentByCode.ContainsKey(parentCode))
                v.Add(where, above is null ? "The county level has no parent." : $"'{o.ParentField}' names {parentCode}, which is not a {GridImporter.Name(above.Value)} grid of this plan; import that level first.");
            var community = level == GridLevel.Unit && parentCode is not null && parentByCode.TryGetValue(parentCode, out var large) ? large.ParentCode : null;
            if (code is null)
            {
                code = level == GridLevel.Unit && community is { Length: 12 }
                    ? GridCodes.NextUnitCode(community, taken.Concat(incoming.Keys).ToHashSet(StringComparer.Ordinal))
                    : $"{levelName[0]}{f.Index + 1:D4}".ToUpperInvariant();
                if (code is null) { v.Add(where, $"Community {community} has 999 unit grids already; no code is free."); continue; }
                numbered++;
            }
            else if (GridCodes.Problem(code, level, community) is { } rule) v.Add(where, rule);
            if (incoming.ContainsKey(code) || taken.Contains(code)) { v.Add(where, $"Code '{code}' appears twice{(taken.Contains(code) ? " (another level of this plan has it)" : "")}."); continue; }
            var name = nameField is null ? null : f.Attributes.GetValueOrDefault(nameField)?.Trim();
            incoming[code] = new PlanGrid
            {
                PlanId = plan.Id, Code = code, Level = level, Name = string.IsNullOrEmpty(name) ? code : name.Length > 100 ? name[..100] : name,
                ParentCode = parentCode, TeamId = existing.GetValueOrDefault(code)?.TeamId, Geometry = geometry, AreaM2 = PlanGeometry.AreaM2(geometry),
            };
            if (incoming.Count % 2000 == 0) progress?.Invoke($"checked {incoming.Count:N0} of {read.Features.Count:N0}");
        }
        if (!v.IsValid) return null;
        progress?.Invoke($"checked {incoming.Count:N0} grids");

        var changes = new List<GridChange>();
        foreach (var (code, g) in incoming) changes.Add(new GridChange(code, existing.GetValueOrDefault(code), g));
        var removed = existing.Keys.Where(c => !incoming.ContainsKey(c)).ToList();
        foreach (var code in removed) changes.Add(new GridChange(code, existing[code], null));
        // Grids below a removed grid go to the new grid they lie in.
        if (removed.Count > 0)
        {
            var index = new NetTopologySuite.Index.Strtree.STRtree<PlanGrid>();
            foreach (var g in incoming.Values) index.Insert(g.Geometry.EnvelopeInternal, g);
            var orphans = await db.PlanGrids.AsNoTracking().Where(g => g.PlanId == plan.Id && g.ParentCode != null && removed.Contains(g.ParentCode)).ToListAsync(ct);
            foreach (var child in orphans)
            {
                var inside = child.Geometry.InteriorPoint;
                var home = index.Query(inside.EnvelopeInternal).Where(g => g.Geometry.Covers(inside)).Select(g => g.Code).Order(StringComparer.Ordinal).FirstOrDefault();
                if (home is null) continue;
                var moved = child.Copy(plan.Id);
                moved.ParentCode = home;
                changes.Add(new GridChange(child.Code, child, moved));
            }
        }
        var updated = incoming.Keys.Count(existing.ContainsKey);
        await PlanStore.RecordAsync(db, plan, "import",
            $"导入{GridImporter.Chinese(level)} {incoming.Count} 个（{read.Format}，{read.CrsUsed}）：新增 {incoming.Count - updated}，更新 {updated}，移除 {removed.Count}", actor, now, changes, ct);
        progress?.Invoke($"wrote {incoming.Count - updated:N0} new, {updated:N0} updated, {removed.Count:N0} removed");
        return new PlanImportResult(levelName, read.Format.ToString().ToLowerInvariant(), read.CrsUsed, incoming.Count - updated, updated, removed.Count, numbered, plan.Version);
    }
}
