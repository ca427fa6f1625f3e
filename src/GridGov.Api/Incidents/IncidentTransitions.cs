using System.Security.Claims;
using GridGov.Api.Data;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Incidents;

/// <summary>POST /api/incidents/{id}/transitions: parses the request and lets <see cref="CaseTransitions"/> decide and apply it.</summary>
internal static class IncidentTransitions
{
    /// <summary>The contract's actions; ordering to a community's pool has its own endpoint (POST /api/incidents/{id}/order), which opens the order with it.</summary>
    private static readonly Dictionary<string, IncidentAction> Actions =
        Enum.GetValues<IncidentAction>().Where(a => a != IncidentAction.Order).ToDictionary(IncidentWorkflow.Name, StringComparer.OrdinalIgnoreCase);

    public static async Task<IResult> Apply(
        long id, TransitionRequest? body, ClaimsPrincipal user, GridGovDb db, CategoryCatalog categories, Photos.PhotoSettings photos, CaseTransitions transitions,
        TimeProvider clock, CancellationToken ct)
    {
        var actor = IncidentsApi.ActorOf(user);
        var v = new Validation();
        if (body is null || string.IsNullOrWhiteSpace(body.Action) || !Actions.TryGetValue(body.Action.Trim(), out var action))
        {
            v.Add("action", $"'action' is {(string.IsNullOrWhiteSpace(body?.Action) ? "required" : $"'{body.Action}', not an action")}; use one of: {string.Join(", ", Actions.Keys)}.");
            return v.Problem();
        }
        if (body.Note?.Trim() is { Length: > 2000 }) v.Add("note", "'note' is at most 2,000 characters.");
        if (!v.IsValid) return v.Problem();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Not filtered by team: a crew acting on another team's case gets 403 with the reason, not a silent 404.
        var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null) return IncidentsApi.NotFound(id);
        var now = clock.GetUtcNow();
        var command = new TransitionCommand(action, body.Note, body.Score, body.ExtendHours, body.Deadline, body.TeamId);
        var (applied, refusal) = await transitions.ApplyAsync(db, incident, command, actor, now, v, ct);
        if (refusal is not null)
        {
            if (refusal is IncidentWorkflow.Conflict && await IsReplay(db, incident, action, actor, now, ct))
                return TypedResults.Ok(await IncidentsApi.LoadDetail(db, categories, photos, id, actor, now, ct));
            return CaseTransitions.Problem(refusal);
        }
        if (applied is null) return v.Problem();
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Changed meanwhile",
                detail: $"Incident {id} was changed by someone else while you acted; reload it and try again.");
        }
        await transitions.PublishAsync(incident, now, applied);
        return TypedResults.Ok(await IncidentsApi.LoadDetail(db, categories, photos, id, actor, now, ct));
    }

    /// <summary>A retried request whose first attempt already went through answers 200, not 409.</summary>
    private static async Task<bool> IsReplay(GridGovDb db, Incident incident, IncidentAction action, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        if (action == IncidentAction.Extend) return false;
        var last = await db.IncidentEvents.AsNoTracking().Where(e => e.IncidentId == incident.Id).OrderByDescending(e => e.Id).FirstOrDefaultAsync(ct);
        return last is not null && last.Action == IncidentWorkflow.Name(action) && last.Actor == actor.Name
            && last.ToStatus == incident.Status && now - last.At < TimeSpan.FromMinutes(10);
    }
}
