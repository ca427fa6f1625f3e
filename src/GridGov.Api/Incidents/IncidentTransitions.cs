using System.Globalization;
using System.Security.Claims;
using GridGov.Api.Data;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Incidents;

/// <summary>POST /api/incidents/{id}/transitions: the state machine applied, with its side effects and one history entry.</summary>
internal static class IncidentTransitions
{
    private static readonly Dictionary<string, IncidentAction> Actions =
        Enum.GetValues<IncidentAction>().ToDictionary(IncidentWorkflow.Name, StringComparer.OrdinalIgnoreCase);

    public static async Task<IResult> Apply(
        long id, TransitionRequest? body, ClaimsPrincipal user, GridGovDb db, CategoryCatalog categories,
        CalendarProvider calendar, TimeProvider clock, Live.LiveNotifier live, CancellationToken ct)
    {
        var actor = IncidentsApi.ActorOf(user);
        var v = new Validation();
        if (body is null || string.IsNullOrWhiteSpace(body.Action) || !Actions.TryGetValue(body.Action.Trim(), out var action))
        {
            v.Add("action", $"'action' is {(string.IsNullOrWhiteSpace(body?.Action) ? "required" : $"'{body.Action}', not an action")}; use one of: {string.Join(", ", Actions.Keys)}.");
            return v.Problem();
        }
        var note = body.Note?.Trim();
        if (note is { Length: > 2000 }) v.Add("note", "'note' is at most 2,000 characters.");
        if (!v.IsValid) return v.Problem();

        // Not filtered by team: a crew acting on another team's case gets 403 with the reason, not a silent 404.
        var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null) return IncidentsApi.NotFound(id);
        var now = clock.GetUtcNow();

        switch (IncidentWorkflow.Decide(incident.Status, incident.TeamId, action, actor))
        {
            case IncidentWorkflow.Forbidden f:
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your action", detail: f.Reason);
            case IncidentWorkflow.Conflict c:
                if (await IsReplay(db, incident, action, actor, now, ct))
                    return TypedResults.Ok(await IncidentsApi.LoadDetail(db, categories, id, actor, now, ct));
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not possible in this state", detail: c.Reason);
            case IncidentWorkflow.Allowed allowed:
                var rule = IncidentWorkflow.Rules[action];
                if (rule.NoteRequired && string.IsNullOrEmpty(note))
                    v.Add("note", $"'{IncidentWorkflow.Name(action)}' needs a 'note' saying why or what was done ({rule.Meaning}).");
                var from = incident.Status;
                var extra = await ApplyEffects(incident, action, body, actor, allowed.To, now, db, categories, calendar, v, ct);
                if (!v.IsValid) return v.Problem();
                incident.Status = allowed.To;
                incident.UpdatedAt = now;
                db.IncidentEvents.Add(new IncidentEvent
                {
                    IncidentId = incident.Id, At = now, Actor = actor.Name, ActorRole = string.Join(",", actor.Roles), CrewId = actor.CrewId,
                    Action = IncidentWorkflow.Name(action), FromStatus = from, ToStatus = allowed.To,
                    Note = string.Join("；", new[] { note, extra }.Where(s => !string.IsNullOrEmpty(s))) is { Length: > 0 } n ? n : null,
                });
                try
                {
                    await db.SaveChangesAsync(ct);
                }
                catch (DbUpdateConcurrencyException)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Changed meanwhile",
                        detail: $"Incident {id} was changed by someone else while you acted; reload it and try again.");
                }
                live.IncidentChanged(Live.IncidentMessages.Of(incident, now, categories));
                return TypedResults.Ok(await IncidentsApi.LoadDetail(db, categories, id, actor, now, ct));
            default:
                throw new InvalidOperationException("Unknown workflow decision.");
        }
    }

    /// <summary>A retried request whose first attempt already went through answers 200, not 409.</summary>
    private static async Task<bool> IsReplay(GridGovDb db, Incident incident, IncidentAction action, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        if (action == IncidentAction.Extend) return false;
        var last = await db.IncidentEvents.AsNoTracking().Where(e => e.IncidentId == incident.Id).OrderByDescending(e => e.Id).FirstOrDefaultAsync(ct);
        return last is not null && last.Action == IncidentWorkflow.Name(action) && last.Actor == actor.Name
            && last.ToStatus == incident.Status && now - last.At < TimeSpan.FromMinutes(10);
    }

    /// <summary>Each action's side effects; returns an addition to the history note, or adds validation errors.</summary>
    private static async Task<string?> ApplyEffects(
        Incident i, IncidentAction action, TransitionRequest body, Actor actor, IncidentStatus to, DateTimeOffset now,
        GridGovDb db, CategoryCatalog categories, CalendarProvider calendar, Validation v, CancellationToken ct)
    {
        switch (action)
        {
            case IncidentAction.Register:
                i.RegisteredAt = now;
                return null;
            case IncidentAction.Dispatch:
                string? moved = null;
                if (body.TeamId is { } teamId)
                {
                    var team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Id == teamId, ct);
                    if (team is null)
                    {
                        v.Add("teamId", $"There is no team {teamId}.");
                        return null;
                    }
                    if (team.Id != i.TeamId) moved = $"改派至 {team.Name}（大网格 {team.LargeGridCode}）";
                    i.TeamId = team.Id;
                    i.LargeGridCode = team.LargeGridCode;
                }
                else if (i.TeamId is null)
                {
                    v.Add("teamId", "This incident has no team yet (it is outside every grid): name the 'teamId' to dispatch it to.");
                    return null;
                }
                i.RegisteredAt ??= now;
                i.DispatchedAt = now;
                return moved;
            case IncidentAction.Accept:
                i.HandlerCrewId = actor.CrewId ?? i.HandlerCrewId;
                if (actor.CrewId is { } taker)
                    db.CrewPoints.Add(new CrewPoints { CrewId = taker, IncidentId = i.Id, At = now, Points = 1, Reason = "took" });
                return null;
            case IncidentAction.Start:
                i.HandlerCrewId ??= actor.CrewId;
                return null;
            case IncidentAction.Handle:
                i.HandlerCrewId ??= actor.CrewId;
                i.HandledAt = now;
                return null;
            case IncidentAction.Verify:
                if (body.Score is not (>= 1 and <= 5))
                {
                    v.Add("score", "'verify' needs a 'score' from 1 (poor) to 5 (excellent) for the handling.");
                    return null;
                }
                i.Score = body.Score;
                if (i.HandlerCrewId is { } handler)
                    db.CrewPoints.Add(new CrewPoints { CrewId = handler, IncidentId = i.Id, At = now, Points = body.Score.Value, Reason = "closed" });
                return $"评分 {body.Score}";
            case IncidentAction.Close:
                i.ClosedAt = now;
                return i.Deadline is { } d ? (now <= d ? "按期结案" : "超期结案") : null;
            case IncidentAction.SendBack:
                if (to == IncidentStatus.Registered)
                {
                    i.HandlerCrewId = null;
                    i.DispatchedAt = null;
                }
                else
                {
                    i.HandledAt = null;
                    i.Score = null;
                }
                return null;
            case IncidentAction.Extend:
                DateTimeOffset newDeadline;
                if (body.Deadline is { } explicitDeadline) newDeadline = explicitDeadline.ToUniversalTime();
                else if (body.ExtendHours is { } hours && double.IsFinite(hours) && hours is > 0 and <= 24 * 90)
                    newDeadline = (i.Deadline is { } current && current > now ? current : now).AddHours(hours);
                else
                {
                    v.Add("extendHours", "'extend' needs 'extendHours' (more than 0, at most 2160) or a new 'deadline' (ISO 8601, in the future).");
                    return null;
                }
                if (newDeadline <= now || (i.Deadline is { } old && newDeadline <= old))
                {
                    v.Add("deadline", $"The new deadline must be later than now and than the current one ({i.Deadline?.ToString("u", CultureInfo.InvariantCulture) ?? "none"}).");
                    return null;
                }
                i.Deadline = newDeadline;
                i.OverdueAt = null;
                return $"期限延至 {TimeZoneInfo.ConvertTime(newDeadline, calendar.Current.Zone):yyyy-MM-dd HH:mm}";
            case IncidentAction.Reopen:
                i.ReworkCount++;
                if (i.HandlerCrewId is { } reworker && i.Score is { } lost)
                    db.CrewPoints.Add(new CrewPoints { CrewId = reworker, IncidentId = i.Id, At = now, Points = -lost, Reason = "rework" });
                i.ClosedAt = null;
                i.HandledAt = null;
                i.Score = null;
                i.OverdueAt = null;
                i.EscalatedAt = null;
                i.DispatchedAt = now;
                if (categories.Find(i.CategoryCode) is { } category)
                    i.Deadline = calendar.Current.Deadline(now, category.DeadlineValue, category.DeadlineUnit);
                return $"返工第 {i.ReworkCount} 次";
            default:
                return null;
        }
    }
}
