using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Plans;

/// <summary>One large grid's load: what Districtr shows per district, for a team.</summary>
/// <param name="Deviation">incidents12m against the mean of the plan's large grids: 0.25 is a quarter above it.</param>
public sealed record BalanceRow(string Code, string Name, int? TeamId, string? TeamName, double AreaKm2, int UnitGrids, int Buildings, int Households,
    int Incidents12m, double Deviation);

public sealed record CompareGrid(string Code, string Level, string Name, double? AreaGainedM2, double? AreaLostM2, double? AreaMovedM2, Geometry Geometry);

public sealed record MovingIncident(long IncidentId, string Status, int? FromTeamId, int? ToTeamId, string? FromUnitGrid, string? ToUnitGrid);

public sealed record PlanComparison(long PlanId, long WithId, IReadOnlyList<CompareGrid> Added, IReadOnlyList<CompareGrid> Removed,
    IReadOnlyList<CompareGrid> Reshaped, IReadOnlyList<CompareGrid> Renamed, IReadOnlyList<MovingIncident> OpenIncidentsMoving, int BuildingsChangingTeam);

/// <summary>
/// The planner's reports on a plan: load per large grid, and what changes against another plan. Things with a place
/// (buildings, cases) are placed by the same rule routing uses (<see cref="GridMap"/>). Read-only.
/// </summary>
public static class PlanReports
{
    public static async Task<GridMap> MapAsync(GridGovDb db, long planId, CancellationToken ct)
    {
        var grids = await db.PlanGrids.AsNoTracking().Where(g => g.PlanId == planId)
            .Select(g => new { g.Code, g.Level, g.Name, g.ParentCode, g.TeamId, Geometry = g.Level == GridLevel.Unit ? g.Geometry : null }).ToListAsync(ct);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        return GridMap.Build(grids.Select(g => (new GridMap.Area(g.Code, g.Level, g.Name, g.ParentCode, g.TeamId), (Geometry?)g.Geometry)), teams);
    }

    private sealed record Placed(double X, double Y, int Households);

    private static async Task<List<Placed>> BuildingsAsync(GridGovDb db, CancellationToken ct) =>
        await db.Database.SqlQuery<Placed>($"SELECT ST_X(p) AS x, ST_Y(p) AS y, households FROM (SELECT ST_PointOnSurface(geometry) AS p, households FROM buildings) b").ToListAsync(ct);

    public static async Task<IReadOnlyList<BalanceRow>> BalanceAsync(GridGovDb db, long planId, DateTimeOffset now, double fallbackM, CancellationToken ct)
    {
        var larges = await db.PlanGrids.AsNoTracking().Where(g => g.PlanId == planId && g.Level == GridLevel.Large)
            .Select(g => new { g.Code, g.Name, g.TeamId, g.AreaM2 }).OrderBy(g => g.Code).ToListAsync(ct);
        var units = await db.PlanGrids.AsNoTracking().Where(g => g.PlanId == planId && g.Level == GridLevel.Unit && g.ParentCode != null)
            .GroupBy(g => g.ParentCode!).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var map = await MapAsync(db, planId, ct);
        var buildings = new Dictionary<string, (int Count, int Households)>(StringComparer.Ordinal);
        foreach (var b in await BuildingsAsync(db, ct))
            if (map.LargeGridAt(b.X, b.Y) is { } code)
                buildings[code] = buildings.TryGetValue(code, out var c) ? (c.Count + 1, c.Households + b.Households) : (1, b.Households);
        var since = now.AddMonths(-12);
        var incidents = new Dictionary<string, int>(StringComparer.Ordinal);
        var points = await db.Incidents.AsNoTracking().Where(i => i.ReportedAt >= since && i.Status != IncidentStatus.Voided)
            .Select(i => new { X = i.Location.X, Y = i.Location.Y }).ToListAsync(ct);
        foreach (var p in points)
            if (map.RouteAt(p.X, p.Y, fallbackM) is { LargeGridCode: { } code })
                incidents[code] = incidents.GetValueOrDefault(code) + 1;
        var mean = larges.Count == 0 ? 0 : larges.Average(l => (double)incidents.GetValueOrDefault(l.Code));
        return larges.Select(l =>
        {
            var n = incidents.GetValueOrDefault(l.Code);
            var b = buildings.GetValueOrDefault(l.Code);
            return new BalanceRow(l.Code, l.Name, l.TeamId, l.TeamId is { } t ? teams.GetValueOrDefault(t) : null, Math.Round(l.AreaM2 / 1e6, 4),
                units.GetValueOrDefault(l.Code), b.Count, b.Households, n, mean > 0 ? Math.Round(n / mean - 1, 3) : 0);
        }).ToList();
    }

    public static async Task<PlanComparison> CompareAsync(GridGovDb db, long planId, long withId, double fallbackM, CancellationToken ct)
    {
        var mine = await PlanStore.GridsAsync(db, planId, null, ct);
        var theirs = (await PlanStore.GridsAsync(db, withId, null, ct)).ToDictionary(g => g.Code, StringComparer.Ordinal);
        var mineByCode = mine.ToDictionary(g => g.Code, StringComparer.Ordinal);
        List<CompareGrid> added = [], removed = [], reshaped = [], renamed = [];
        foreach (var g in mine)
        {
            if (!theirs.TryGetValue(g.Code, out var o))
            {
                added.Add(new(g.Code, GridImporter.Name(g.Level), g.Name, null, null, null, g.Geometry));
                continue;
            }
            if (!g.Geometry.EqualsExact(o.Geometry))
            {
                var gained = PlanGeometry.AreaM2(g.Geometry.Difference(o.Geometry));
                var lost = PlanGeometry.AreaM2(o.Geometry.Difference(g.Geometry));
                reshaped.Add(new(g.Code, GridImporter.Name(g.Level), g.Name, gained, lost, Math.Round(gained + lost, 1), g.Geometry));
            }
            if (g.Name != o.Name || g.ParentCode != o.ParentCode)
                renamed.Add(new(g.Code, GridImporter.Name(g.Level), g.Name, null, null, null, g.Geometry.InteriorPoint));
        }
        foreach (var o in theirs.Values.Where(o => !mineByCode.ContainsKey(o.Code)).OrderBy(o => o.Code, StringComparer.Ordinal))
            removed.Add(new(o.Code, GridImporter.Name(o.Level), o.Name, null, null, null, o.Geometry));

        var after = await MapAsync(db, planId, ct);
        var before = await MapAsync(db, withId, ct);
        var open = IncidentWorkflow.OpenStates.Where(s => s != IncidentStatus.Unrouted).ToArray();
        var cases = await db.Incidents.AsNoTracking().Where(i => open.Contains(i.Status))
            .Select(i => new { i.Id, i.Status, X = i.Location.X, Y = i.Location.Y }).OrderBy(i => i.Id).ToListAsync(ct);
        var moving = new List<MovingIncident>();
        foreach (var c in cases)
        {
            var from = before.RouteAt(c.X, c.Y, fallbackM);
            var to = after.RouteAt(c.X, c.Y, fallbackM);
            // As a publish moves them: cases no crew has taken yet follow the new team.
            if (CaseTransitions.FollowsNewTeam(c.Status) && to is not null && from?.TeamId != to.TeamId)
                moving.Add(new(c.Id, Platform.JsonNames.Of(c.Status), from?.TeamId, to?.TeamId, from?.UnitGridCode, to?.UnitGridCode));
        }
        var buildingsMoving = 0;
        foreach (var b in await BuildingsAsync(db, ct))
            if (before.RouteAt(b.X, b.Y, 0)?.TeamId != after.RouteAt(b.X, b.Y, 0)?.TeamId) buildingsMoving++;
        return new PlanComparison(planId, withId, added, removed, reshaped, renamed, moving, buildingsMoving);
    }
}
