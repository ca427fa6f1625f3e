using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Geo.Grids;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Plans;

/// <summary>One thing wrong with a plan: its kind, level, the grids involved, a sentence, and where (GeoJSON on the wire).</summary>
/// <param name="Kind">gap, notch, overlap, edgeMismatch, invalidGeometry, empty, notNested, codeRule, keyPost; warnings: noTeam.</param>
public sealed record PlanProblem(string Kind, string Level, IReadOnlyList<string> Codes, string Detail, Geometry Geometry);

public sealed record PlanValidationResult(bool Valid, IReadOnlyList<PlanProblem> Problems, IReadOnlyList<PlanProblem> Warnings);

/// <summary>
/// Checks a whole plan: each level as a coverage (<see cref="CoverageCheck"/>: invalid or empty outlines, overlaps,
/// unmatched edges, gaps narrower than the width), every grid inside the parent it names, codes by the rule, every key
/// grid post inside a large grid. Problems block a publish; warnings (a large grid with no team) do not. Pure.
/// </summary>
public static class PlanValidation
{
    /// <summary>Gaps narrower than this (m) between grids are problems; wider holes are taken as meant (a lake, a park).</summary>
    public const double GapWidthM = 10;

    public static async Task<PlanValidationResult> CheckAsync(GridGovDb db, long planId, double gapWidthM, CancellationToken ct)
    {
        var grids = await PlanStore.GridsAsync(db, planId, null, ct);
        var posts = await db.KeyPosts.AsNoTracking().Select(p => new { p.Code, p.Location }).ToListAsync(ct);
        return Check(grids, posts.Select(p => (p.Code, p.Location)).ToList(), gapWidthM);
    }

    public static PlanValidationResult Check(IReadOnlyList<PlanGrid> grids, IReadOnlyList<(string Code, Point Location)> posts, double gapWidthM)
    {
        var problems = new List<PlanProblem>();
        var warnings = new List<PlanProblem>();
        var byCode = grids.ToDictionary(g => g.Code, StringComparer.Ordinal);
        var levels = grids.Select(g => g.Level).ToHashSet();
        foreach (var level in levels.Order())
        {
            var name = GridImporter.Name(level);
            var mine = grids.Where(g => g.Level == level).ToList();
            var parents = new Dictionary<string, (string, Geometry)>(StringComparer.Ordinal);
            foreach (var g in mine)
            {
                var community = level == GridLevel.Unit && g.ParentCode is { } l && byCode.TryGetValue(l, out var large) ? large.ParentCode : null;
                if (GridCodes.Problem(g.Code, level, community) is { } rule)
                    problems.Add(new(CoverageKinds.CodeRule, name, [g.Code], rule, g.Geometry.InteriorPoint));
                if (level == GridLevel.Large && g.TeamId is null)
                    warnings.Add(new("noTeam", name, [g.Code], $"Large grid {g.Code} ({g.Name}) has no team: its cases would wait for the dispatch center.", g.Geometry.InteriorPoint));
                if (!PlanImport.ParentLevel.TryGetValue(level, out var above) || !levels.Contains(above)) continue;
                if (g.ParentCode is null)
                    problems.Add(new(CoverageKinds.NotNested, name, [g.Code], $"Grid {g.Code} names no {GridImporter.Name(above)} grid it lies in.", g.Geometry.InteriorPoint));
                else if (!byCode.TryGetValue(g.ParentCode, out var parent) || parent.Level != above)
                    problems.Add(new(CoverageKinds.NotNested, name, [g.Code, g.ParentCode],
                        $"Grid {g.Code} names {g.ParentCode} as its {GridImporter.Name(above)} grid, which this plan does not have.", g.Geometry.InteriorPoint));
                else parents[g.Code] = (parent.Code, parent.Geometry);
            }
            foreach (var p in CoverageCheck.Check(mine.Select(g => (g.Code, (Geometry)g.Geometry)).ToList(), gapWidthM, parents))
                problems.Add(new(p.Kind, name, p.Codes, p.Detail, p.Location));
        }
        var larges = grids.Where(g => g.Level == GridLevel.Large).ToList();
        if (larges.Count > 0)
        {
            var index = new NetTopologySuite.Index.Strtree.STRtree<PlanGrid>();
            foreach (var g in larges) index.Insert(g.Geometry.EnvelopeInternal, g);
            foreach (var (code, location) in posts)
                if (!index.Query(location.EnvelopeInternal).Any(g => g.Geometry.Covers(location)))
                    problems.Add(new("keyPost", GridImporter.Name(GridLevel.Large), [code],
                        $"Key grid post {code} lies in no large grid of this plan; its duty team would lose its grid.", location));
        }
        return new PlanValidationResult(problems.Count == 0, problems, warnings);
    }
}
