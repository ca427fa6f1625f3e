using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Plans;

/// <summary>What a publish did.</summary>
public sealed record PublishResult(Plan Plan, int Rerouted, int TeamChanged, long? ArchivedPlanId);

/// <summary>
/// Puts a draft in force, atomically: refused with the problems while the plan is invalid; otherwise, in one
/// transaction, the live grids become the plan's, every open case whose unit grid or team changes is re-routed through
/// <see cref="CaseTransitions"/> (history entry; its new team's leads get a notice), buildings, facilities, streetlights
/// and key posts take their new grids, teams their large grids, and the previous plan is archived. The routing index
/// switches after the commit; a failure before it leaves the old plan in force. Scoped.
/// </summary>
public sealed partial class PlanPublisher(GridGovDb db, CaseTransitions transitions, GridCatalog catalog, IncidentsSettings settings, ILogger<PlanPublisher> logger)
{
    /// <summary>One publish at a time in the whole database (every node).</summary>
    private const long PublishLock = 0x6772_6964_7075_62; // "gridpub"

    public sealed record Refused(PlanRefusal Refusal, PlanValidationResult? Validation);

    public async Task<(PublishResult? Result, Refused? Refused)> PublishAsync(long planId, int? baseVersion, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({PublishLock})", ct);
        var (plan, refusal) = await PlanStore.TakeDraftAsync(db, planId, baseVersion, ct);
        if (plan is null) return (null, new Refused(refusal!, null));
        plan.Version--; // a publish is not a change of the plan's grids
        var validation = await PlanValidation.CheckAsync(db, planId, PlanValidation.GapWidthM, ct);
        if (!validation.Valid)
            return (null, new Refused(new PlanRefusal(409, "The plan has problems",
                $"Plan {planId} ({plan.Name}) has {validation.Problems.Count} problems ({Summary(validation)}); fix them (GET /api/plans/{planId}/validation) and publish again."), validation));

        LogPhase(plan.Id, "validated", watch.ElapsedMilliseconds);
        var grids = await PlanStore.GridsAsync(db, planId, null, ct);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);
        var map = GridMap.Build(grids.Select(g => (new GridMap.Area(g.Code, g.Level, g.Name, g.ParentCode, g.TeamId), (NetTopologySuite.Geometries.Geometry?)g.Geometry)), teams);

        // Open cases first: they are routed against the new map; the offers some of them carry are withdrawn on a team change.
        var open = IncidentWorkflow.OpenStates.Where(s => s != IncidentStatus.Unrouted).ToArray();
        // Routed untracked first; only the cases that move are loaded for the workflow.
        var routed = await db.Incidents.AsNoTracking().Where(i => open.Contains(i.Status))
            .Select(i => new { i.Id, i.Status, i.UnitGridCode, i.LargeGridCode, i.TeamId, i.AssetKind, i.FaultId, X = i.Location.X, Y = i.Location.Y }).ToListAsync(ct);
        var routes = new Dictionary<long, GridMap.Route>();
        foreach (var i in routed)
        {
            if (map.RouteAt(i.X, i.Y, settings.NearestGridFallbackM) is not { } route) continue;
            var teamMoves = CaseTransitions.FollowsGridTeam(i.AssetKind, i.FaultId, i.Status) && route.TeamId != i.TeamId;
            if (route.UnitGridCode != i.UnitGridCode || route.LargeGridCode != i.LargeGridCode || teamMoves) routes[i.Id] = route;
        }
        var ids = routes.Keys.ToList();
        var incidents = ids.Count == 0 ? [] : await db.Incidents.Where(i => ids.Contains(i.Id)).OrderBy(i => i.Id).ToListAsync(ct);
        var toldTeams = new Dictionary<int, List<long>>();
        LogPhase(plan.Id, "validated and routed", watch.ElapsedMilliseconds);
        var moves = new List<(Incident, string, string?, int?, string)>();
        foreach (var incident in incidents)
        {
            var route = routes[incident.Id];
            var teamMoves = CaseTransitions.FollowsGridTeam(incident) && route.TeamId != incident.TeamId;
            if (route.UnitGridCode == incident.UnitGridCode && route.LargeGridCode == incident.LargeGridCode && !teamMoves) continue; // changed meanwhile
            var note = $"网格方案「{plan.Name}」发布：单元网格 {incident.UnitGridCode ?? "无"} → {route.UnitGridCode}"
                + (teamMoves ? $"，责任班组 {TeamName(teams, incident.TeamId)} → {TeamName(teams, route.TeamId)}"
                    : route.TeamId != incident.TeamId ? $"；已由 {TeamName(teams, incident.TeamId)} 接单处置，仍由其办结" : "");
            moves.Add((incident, route.UnitGridCode, route.LargeGridCode, route.TeamId, note));
            if (teamMoves && route.TeamId is { } t) (toldTeams.TryGetValue(t, out var l) ? l : toldTeams[t] = []).Add(incident.Id);
        }
        var applied = await transitions.RerouteAllAsync(db, moves, actor, now, ct);
        await TellTeamsAsync(plan, toldTeams, now, ct);
        await db.SaveChangesAsync(ct);
        LogPhase(plan.Id, $"re-routed {applied.Count} cases", watch.ElapsedMilliseconds);

        // Things with a place: their unit grid by the new map, where it changed.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            CREATE TEMP TABLE publish_changed_units ON COMMIT DROP AS
              SELECT n.code, n.geometry FROM plan_grids n LEFT JOIN grids o ON o.code = n.code
              WHERE n.plan_id = {planId} AND n.level = 'Unit' AND (o.code IS NULL OR NOT ST_OrderingEquals(o.geometry, n.geometry));
            UPDATE buildings b SET unit_grid_code = c.code FROM publish_changed_units c
            WHERE ST_Covers(c.geometry, ST_PointOnSurface(b.geometry)) AND b.unit_grid_code IS DISTINCT FROM c.code;
            UPDATE facilities f SET unit_grid_code = c.code FROM publish_changed_units c
            WHERE ST_Covers(c.geometry, f.location) AND f.unit_grid_code IS DISTINCT FROM c.code;
            UPDATE streetlights s SET unit_grid_code = c.code FROM publish_changed_units c
            WHERE ST_Covers(c.geometry, s.location) AND s.unit_grid_code IS DISTINCT FROM c.code;
            """, ct);

        // The live grids become the plan's: upsert every grid (foreign keys are checked at the end of each statement), key
        // posts to the large grid they stand in, teams to their large grids, then the grids the plan no longer has go.
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO grids (code, level, name, parent_code, team_id, geometry, area_m2)
            SELECT code, level, name, parent_code, team_id, geometry, area_m2 FROM plan_grids WHERE plan_id = {planId}
            ON CONFLICT (code) DO UPDATE SET level = EXCLUDED.level, name = EXCLUDED.name, parent_code = EXCLUDED.parent_code,
              team_id = EXCLUDED.team_id, geometry = EXCLUDED.geometry, area_m2 = EXCLUDED.area_m2
            WHERE (grids.level, grids.name, grids.parent_code, grids.team_id, grids.area_m2) IS DISTINCT FROM
                  (EXCLUDED.level, EXCLUDED.name, EXCLUDED.parent_code, EXCLUDED.team_id, EXCLUDED.area_m2)
               OR NOT ST_OrderingEquals(grids.geometry, EXCLUDED.geometry);
            UPDATE key_posts k SET large_grid_code = (
              SELECT g.code FROM plan_grids g WHERE g.plan_id = {planId} AND g.level = 'Large' AND ST_Covers(g.geometry, k.location)
              ORDER BY g.code COLLATE "C" LIMIT 1)
            WHERE k.large_grid_code IS DISTINCT FROM (
              SELECT g.code FROM plan_grids g WHERE g.plan_id = {planId} AND g.level = 'Large' AND ST_Covers(g.geometry, k.location)
              ORDER BY g.code COLLATE "C" LIMIT 1);
            UPDATE teams t SET large_grid_code = NULL
            WHERE t.large_grid_code IS NOT NULL AND NOT EXISTS (
              SELECT 1 FROM plan_grids g WHERE g.plan_id = {planId} AND g.code = t.large_grid_code AND g.team_id = t.id);
            UPDATE teams t SET large_grid_code = g.code FROM plan_grids g
            WHERE g.plan_id = {planId} AND g.level = 'Large' AND g.team_id = t.id AND t.large_grid_code IS DISTINCT FROM g.code;
            DELETE FROM grids o WHERE NOT EXISTS (SELECT 1 FROM plan_grids n WHERE n.plan_id = {planId} AND n.code = o.code);
            """, ct);

        LogPhase(plan.Id, "live grids written", watch.ElapsedMilliseconds);
        var previous = await db.Plans.FirstOrDefaultAsync(p => p.Status == PlanStatus.Published, ct);
        if (previous is not null)
        {
            previous.Status = PlanStatus.Archived;
            previous.ArchivedAt = now;
            await db.SaveChangesAsync(ct);
        }
        plan.Status = PlanStatus.Published;
        plan.PublishedAt = now;
        await db.SaveChangesAsync(ct);
        var planText = plan.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await db.Database.ExecuteSqlAsync($"SELECT pg_notify({GridChangeListener.Channel}, {planText})", ct);
        await tx.CommitAsync(ct);

        LogPhase(plan.Id, "committed", watch.ElapsedMilliseconds);
        await catalog.ReloadAsync(CancellationToken.None);
        foreach (var (incident, a) in applied) await transitions.PublishAsync(incident, now, a);
        var moved = toldTeams.Values.Sum(l => l.Count);
        LogPublished(logger, plan.Id, plan.Name, applied.Count, moved);
        return (new PublishResult(plan, applied.Count, moved, previous?.Id), null);
    }

    private static string TeamName(Dictionary<int, string> teams, int? id) =>
        id is { } t ? teams.GetValueOrDefault(t, $"班组 {t}") : "无";

    private static string Summary(PlanValidationResult v) =>
        string.Join(", ", v.Problems.GroupBy(p => p.Kind).Select(g => $"{g.Count()} {g.Key}"));

    /// <summary>One notice per new team's lead crew members: which open cases came to them with the new map.</summary>
    private async Task TellTeamsAsync(Plan plan, Dictionary<int, List<long>> cases, DateTimeOffset now, CancellationToken ct)
    {
        if (cases.Count == 0) return;
        var ids = cases.Keys.ToList();
        var leads = await db.Crews.AsNoTracking().Where(c => ids.Contains(c.TeamId) && c.Active && c.IsLead).Select(c => new { c.Id, c.TeamId }).ToListAsync(ct);
        foreach (var lead in leads)
        {
            var list = cases[lead.TeamId];
            var shown = string.Join("、", list.Take(20));
            db.Notices.Add(new Notice
            {
                At = now, Kind = "rerouted", Audience = "crew", CrewId = lead.Id, IncidentId = list.Count == 1 ? list[0] : null,
                Text = $"网格方案「{plan.Name}」已发布：{list.Count} 件在办案件转入本班组（{shown}{(list.Count > 20 ? " 等" : "")}）",
            });
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Publishing plan {PlanId}: {Phase} after {Ms} ms")]
    private partial void LogPhase(long planId, string phase, long ms);

    [LoggerMessage(Level = LogLevel.Information, Message = "Plan {PlanId} ({Name}) published: {Rerouted} open cases re-routed, {Moved} to another team")]
    private static partial void LogPublished(ILogger logger, long planId, string name, int rerouted, int moved);
}
