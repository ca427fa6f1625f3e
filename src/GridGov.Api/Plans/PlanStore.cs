using GridGov.Api.Data;
using GridGov.Api.Grids;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Plans;

/// <summary>A grid before and after a change; null: the grid did not (does not) exist.</summary>
public sealed record GridChange(string Code, PlanGrid? Before, PlanGrid? After);

/// <summary>Why a change to a plan was refused: 404 (no plan), 409 (not a draft, or a stale version).</summary>
public sealed record PlanRefusal(int Status, string Title, string Detail)
{
    public IResult Problem() => TypedResults.Problem(statusCode: Status, title: Title, detail: Detail);
}

/// <summary>
/// Plans in the database: creating a draft as a copy, taking a draft for a change (locked, version checked), writing a
/// change with its history entry, undo and redo. Every method works in the caller's transaction; the caller commits.
/// Static: state lives in the <see cref="GridGovDb"/>.
/// </summary>
public static class PlanStore
{
    public static Task<Plan?> PublishedAsync(GridGovDb db, CancellationToken ct) =>
        db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Status == PlanStatus.Published, ct);

    /// <summary>The grids of a plan (one level, or all), untracked, ordered by code.</summary>
    public static Task<List<PlanGrid>> GridsAsync(GridGovDb db, long planId, GridLevel? level, CancellationToken ct) =>
        db.PlanGrids.AsNoTracking().Where(g => g.PlanId == planId && (level == null || g.Level == level)).OrderBy(g => g.Code).ToListAsync(ct);

    /// <summary>A new draft: a copy of <paramref name="source"/> (all its grids), or empty.</summary>
    public static async Task<Plan> CreateDraftAsync(GridGovDb db, string name, Plan? source, string actor, DateTimeOffset now, CancellationToken ct)
    {
        var plan = new Plan { Name = name, Status = PlanStatus.Draft, BasedOnId = source?.Id, CreatedBy = actor, CreatedAt = now, Version = 0 };
        db.Plans.Add(plan);
        await db.SaveChangesAsync(ct);
        if (source is not null)
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO plan_grids (plan_id, code, level, name, parent_code, team_id, geometry, area_m2)
                SELECT {plan.Id}, code, level, name, parent_code, team_id, geometry, area_m2 FROM plan_grids WHERE plan_id = {source.Id}
                """, ct);
        return plan;
    }

    /// <summary>
    /// Locks a draft for a change and checks the version the caller saw. The version is bumped here; the caller writes
    /// its change and commits (or rolls back, and nothing happened).
    /// </summary>
    public static async Task<(Plan? Plan, PlanRefusal? Refusal)> TakeDraftAsync(GridGovDb db, long id, int? baseVersion, CancellationToken ct)
    {
        var plan = await db.Plans.FromSqlInterpolated($"SELECT * FROM plans WHERE id = {id} FOR UPDATE").FirstOrDefaultAsync(ct);
        if (plan is null) return (null, NoPlan(id));
        if (plan.Status != PlanStatus.Draft)
            return (null, new PlanRefusal(409, "Not a draft",
                $"Plan {id} ({plan.Name}) is {Name(plan.Status)}: only a draft changes. Start a new draft from it (POST /api/plans with basedOnId {id})."));
        if (baseVersion is { } v && v != plan.Version)
            return (null, new PlanRefusal(409, "Stale plan version",
                $"Plan {id} is at version {plan.Version}, but this change was made on version {v}: someone else changed it meanwhile. Reload the plan and make the change again."));
        plan.Version++;
        return (plan, null);
    }

    public static PlanRefusal NoPlan(long id) => new(404, "No such plan", $"There is no plan {id}; GET /api/plans lists them.");

    public static string Name(PlanStatus status) => status switch
    {
        PlanStatus.Draft => "draft",
        PlanStatus.Published => "published",
        _ => "archived",
    };

    /// <summary>
    /// Writes a change to the plan's grids and records it as the plan's next edit (who, when, what, and the grids before
    /// and after, for undo). Undone edits are dropped first: a new edit ends the redo line.
    /// </summary>
    public static async Task<PlanEdit> RecordAsync(GridGovDb db, Plan plan, string op, string summary, string actor, DateTimeOffset now,
        IReadOnlyList<GridChange> changes, CancellationToken ct)
    {
        await db.PlanEdits.Where(e => e.PlanId == plan.Id && e.Undone).ExecuteDeleteAsync(ct);
        var seq = (await db.PlanEdits.Where(e => e.PlanId == plan.Id).MaxAsync(e => (int?)e.Seq, ct) ?? 0) + 1;
        var edit = new PlanEdit { PlanId = plan.Id, Seq = seq, Op = op, Summary = summary.Length > 500 ? summary[..500] : summary, Actor = actor, At = now };
        db.PlanEdits.Add(edit);
        await db.SaveChangesAsync(ct);
        foreach (var c in changes)
        {
            db.PlanEditGrids.Add(Snapshot(edit.Id, c.Code, c.Before, after: false));
            db.PlanEditGrids.Add(Snapshot(edit.Id, c.Code, c.After, after: true));
        }
        await ApplyAsync(db, plan.Id, changes.Select(c => (c.Code, c.After)), ct);
        await db.SaveChangesAsync(ct);
        return edit;
    }

    /// <summary>Takes back the plan's last edit that is not undone; null when there is none.</summary>
    public static Task<PlanEdit?> UndoAsync(GridGovDb db, Plan plan, CancellationToken ct) => StepAsync(db, plan, undo: true, ct);

    /// <summary>Makes the first undone edit again; null when there is none.</summary>
    public static Task<PlanEdit?> RedoAsync(GridGovDb db, Plan plan, CancellationToken ct) => StepAsync(db, plan, undo: false, ct);

    private static async Task<PlanEdit?> StepAsync(GridGovDb db, Plan plan, bool undo, CancellationToken ct)
    {
        var edit = undo
            ? await db.PlanEdits.Where(e => e.PlanId == plan.Id && !e.Undone).OrderByDescending(e => e.Seq).FirstOrDefaultAsync(ct)
            : await db.PlanEdits.Where(e => e.PlanId == plan.Id && e.Undone).OrderBy(e => e.Seq).FirstOrDefaultAsync(ct);
        if (edit is null) return null;
        // Undo restores the grids as they were before; redo, as they were after.
        var rows = await db.PlanEditGrids.AsNoTracking().Where(g => g.EditId == edit.Id && g.After == !undo).ToListAsync(ct);
        await ApplyAsync(db, plan.Id, rows.Select(r => (r.Code, r.Geometry is null ? null : new PlanGrid
        {
            PlanId = plan.Id, Code = r.Code, Level = r.Level, Name = r.Name ?? r.Code, ParentCode = r.ParentCode, TeamId = r.TeamId,
            Geometry = r.Geometry, AreaM2 = r.AreaM2,
        })), ct);
        edit.Undone = undo;
        await db.SaveChangesAsync(ct);
        return edit;
    }

    /// <summary>Sets each named grid of the plan to the given state (null: removes it).</summary>
    private static async Task ApplyAsync(GridGovDb db, long planId, IEnumerable<(string Code, PlanGrid? State)> states, CancellationToken ct)
    {
        var list = states.ToList();
        var codes = list.Select(s => s.Code).ToList();
        var existing = await db.PlanGrids.Where(g => g.PlanId == planId && codes.Contains(g.Code)).ToDictionaryAsync(g => g.Code, StringComparer.Ordinal, ct);
        foreach (var (code, state) in list)
        {
            existing.TryGetValue(code, out var row);
            if (state is null)
            {
                if (row is not null) db.PlanGrids.Remove(row);
            }
            else if (row is null) db.PlanGrids.Add(state.Copy(planId));
            else (row.Level, row.Name, row.ParentCode, row.TeamId, row.Geometry, row.AreaM2) =
                (state.Level, state.Name, state.ParentCode, state.TeamId, state.Geometry, state.AreaM2);
        }
    }

    private static PlanEditGrid Snapshot(long editId, string code, PlanGrid? g, bool after) => new()
    {
        EditId = editId, After = after, Code = code, Level = g?.Level ?? GridLevel.Unit, Name = g?.Name, ParentCode = g?.ParentCode,
        TeamId = g?.TeamId, Geometry = g?.Geometry, AreaM2 = g?.AreaM2 ?? 0,
    };
}
