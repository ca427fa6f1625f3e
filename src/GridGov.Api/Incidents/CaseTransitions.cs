using System.Globalization;
using GridGov.Api.Data;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Incidents;

/// <summary>One action on a case, with what the action needs (a note, a score, a team, a new deadline).</summary>
/// <param name="TakingCrewId">For accept: the crew that takes the case (defaults to the actor's own crew).</param>
/// <param name="Community">For order: the community whose member pool gets the case.</param>
/// <param name="TakeWithinMinutes">For order: how long the pool has to take it before it goes on to the grid team (default from settings).</param>
public sealed record TransitionCommand(
    IncidentAction Action, string? Note = null, int? Score = null, double? ExtendHours = null, DateTimeOffset? Deadline = null,
    int? TeamId = null, int? TakingCrewId = null, string? Community = null, int? TakeWithinMinutes = null);

/// <summary>
/// The community orders of cases, as the workflow sees them: when a case in a member pool moves, its order follows in
/// the caller's transaction (taken, done, scored, withdrawn). Implemented by the Community feature.
/// </summary>
public interface ICaseOrders
{
    /// <summary>
    /// After <paramref name="incident"/> moved from <paramref name="from"/> to <paramref name="to"/> by
    /// <paramref name="command"/> (its status already set): the order's side. Returns an addition to the history note;
    /// refusals go to <paramref name="v"/>.
    /// </summary>
    Task<string?> FollowAsync(GridGovDb db, Incident incident, TransitionCommand command, IncidentStatus from, IncidentStatus to, Actor actor,
        DateTimeOffset now, Validation v, CancellationToken ct);
}

/// <summary>The open offers of cases, as the workflow sees them: it withdraws the open one when a case moves on.</summary>
public interface ICaseOffers
{
    /// <summary>
    /// Withdraws the case's open offer, if any, by compare-and-set in the caller's transaction, and adds the history
    /// entry; returns it so the crew can be told after the commit.
    /// </summary>
    Task<WithdrawnOffer?> WithdrawOpenAsync(GridGovDb db, Incident incident, string reason, Actor actor, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// Withdraws the open offers of many cases at once (one statement), with their history entries, in the caller's
    /// transaction: for a batch such as a publish that moves hundreds of cases to other teams.
    /// </summary>
    Task<IReadOnlyList<WithdrawnOffer>> WithdrawOpenAsync(GridGovDb db, IReadOnlyCollection<Incident> incidents, string reason, Actor actor, DateTimeOffset now, CancellationToken ct);

    /// <summary>Tells the crew its offer is gone (after the commit).</summary>
    Task AnnounceWithdrawnAsync(WithdrawnOffer offer);
}

public sealed record WithdrawnOffer(long OfferId, long IncidentId, int CrewId, string Reason);

/// <summary>What a transition did, for the caller to save and then publish.</summary>
/// <param name="Followers">Cases that followed this one (the lamp reports of a closed circuit fault).</param>
public sealed record TransitionApplied(IncidentStatus From, IncidentStatus To, IncidentEvent Event, WithdrawnOffer? Withdrawn,
    FollowedCases? Followers = null);

/// <summary>The cases that followed a fault's transition, and the offers withdrawn from them.</summary>
public sealed record FollowedCases(IReadOnlyList<Incident> Cases, IReadOnlyList<WithdrawnOffer> Withdrawn);

/// <summary>Cases linked under another (a circuit fault and the lamp reports it absorbed): they follow it. Implemented by the Streetlights feature.</summary>
public interface ICaseLinks
{
    /// <summary>
    /// After <paramref name="incident"/> moved to <paramref name="to"/>, in the caller's transaction: a closed fault
    /// closes the cases linked to it, a voided one lets them go back to their own group. Null when nothing followed.
    /// </summary>
    Task<FollowedCases?> FollowAsync(GridGovDb db, Incident incident, IncidentStatus to, Actor actor, DateTimeOffset now, CancellationToken ct);

    /// <summary>After the commit of a change to a case about an asset.</summary>
    void AssetsChanged();
}

/// <summary>
/// The one place that decides and applies a case's state changes: the transitions endpoint, offers and assignment all
/// come here. It changes the tracked <see cref="Incident"/>, adds the history entry and withdraws an open offer when
/// the case leaves the offerable states or changes team; the caller saves in its transaction (the incident's xmin
/// token refuses a stale write) and then calls <see cref="PublishAsync"/>. Scoped; not thread-safe.
/// </summary>
public sealed class CaseTransitions(ICaseOffers offers, IIncidentFeed feed, CategoryCatalog categories, CalendarProvider calendar, ICaseLinks links,
    Photos.IHandlingEvidence evidence, ICaseOrders orders)
{
    /// <summary>
    /// Decides and applies. A refusal is the workflow's <see cref="IncidentWorkflow.Forbidden"/> or
    /// <see cref="IncidentWorkflow.Conflict"/>; missing fields go to <paramref name="v"/> (then both results are null).
    /// </summary>
    public async Task<(TransitionApplied? Applied, IncidentWorkflow.Decision? Refusal)> ApplyAsync(
        GridGovDb db, Incident incident, TransitionCommand command, Actor actor, DateTimeOffset now, Validation v, CancellationToken ct,
        int? offeredCrewId = null, string? historyAction = null, string? historyNote = null)
    {
        var action = command.Action;
        var decision = IncidentWorkflow.Decide(CaseFacts.Of(incident, offeredCrewId, command.Community), action, actor);
        switch (decision)
        {
            case IncidentWorkflow.Forbidden or IncidentWorkflow.Conflict:
                return (null, decision);
            case IncidentWorkflow.Allowed allowed:
                if (action == IncidentAction.Handle && await evidence.MissingAsync(db, incident, ct) is { } missing)
                    return (null, new IncidentWorkflow.Conflict(missing));
                var rule = IncidentWorkflow.Rules[action];
                var note = command.Note?.Trim();
                if (rule.NoteRequired && string.IsNullOrEmpty(note))
                    v.Add("note", $"'{IncidentWorkflow.Name(action)}' needs a 'note' saying why or what was done ({rule.Meaning}).");
                var from = incident.Status;
                var team = incident.TeamId;
                var extra = await ApplyEffectsAsync(incident, command, actor, allowed.To, now, db, v, ct);
                if (!v.IsValid) return (null, null);
                var inPool = incident.PoolCommunity is not null || action is IncidentAction.Order or IncidentAction.Reopen;
                incident.Status = allowed.To;
                incident.UpdatedAt = now;
                if (inPool)
                {
                    var orderNote = await orders.FollowAsync(db, incident, command, from, allowed.To, actor, now, v, ct);
                    if (!v.IsValid) return (null, null);
                    extra = string.Join("；", new[] { extra, orderNote }.Where(s => !string.IsNullOrEmpty(s))) is { Length: > 0 } e ? e : null;
                }
                var entry = new IncidentEvent
                {
                    IncidentId = incident.Id, At = now, Actor = actor.Name, ActorRole = string.Join(",", actor.Roles),
                    CrewId = action == IncidentAction.Accept ? incident.HandlerCrewId : actor.CrewId,
                    Action = historyAction ?? IncidentWorkflow.Name(action), FromStatus = from, ToStatus = allowed.To,
                    Note = string.Join("；", new[] { historyNote, note, extra }.Where(s => !string.IsNullOrEmpty(s))) is { Length: > 0 } n ? n : null,
                };
                db.IncidentEvents.Add(entry);
                WithdrawnOffer? withdrawn = null;
                if (IncidentWorkflow.LeavesOfferable(from, allowed.To) || incident.TeamId != team || action == IncidentAction.Order)
                    withdrawn = await offers.WithdrawOpenAsync(db, incident, $"案件已{Meaning(action)}", actor, now, ct);
                var followers = incident.AssetKind is null ? null : await links.FollowAsync(db, incident, allowed.To, actor, now, ct);
                return (new TransitionApplied(from, allowed.To, entry, withdrawn, followers), null);
            default:
                throw new InvalidOperationException("Unknown workflow decision.");
        }
    }

    /// <summary>
    /// Moves an open case to where a newly published grid plan puts it: its unit and large grid and, while no crew has
    /// taken it yet (<see cref="FollowsNewTeam"/>), its team; a case under handling stays with the team handling it. The
    /// status does not change. Adds the history entry and withdraws an open offer when the team changes
    /// (<paramref name="mayHaveOffer"/> false skips that look-up for a batch that knows there is none).
    /// </summary>
    public async Task<TransitionApplied> RerouteAsync(GridGovDb db, Incident incident, string unitGridCode, string? largeGridCode, int? teamId,
        string note, Actor actor, DateTimeOffset now, bool mayHaveOffer, CancellationToken ct)
    {
        var team = incident.TeamId;
        incident.UnitGridCode = unitGridCode;
        incident.LargeGridCode = largeGridCode;
        if (FollowsGridTeam(incident)) incident.TeamId = teamId;
        incident.UpdatedAt = now;
        var entry = new IncidentEvent
        {
            IncidentId = incident.Id, At = now, Actor = actor.Name, ActorRole = string.Join(",", actor.Roles),
            Action = "reroute", FromStatus = incident.Status, ToStatus = incident.Status, Note = note,
        };
        db.IncidentEvents.Add(entry);
        var withdrawn = mayHaveOffer && incident.TeamId != team
            ? await offers.WithdrawOpenAsync(db, incident, "网格调整，案件转交新的责任班组", actor, now, ct)
            : null;
        return new TransitionApplied(incident.Status, incident.Status, entry, withdrawn);
    }

    /// <summary>
    /// <see cref="RerouteAsync"/> for many cases (a publish): each gets its grids, team and history entry, and the
    /// open offers of those whose team changed are withdrawn in one statement. The caller saves and publishes.
    /// </summary>
    public async Task<IReadOnlyList<(Incident Incident, TransitionApplied Applied)>> RerouteAllAsync(GridGovDb db,
        IReadOnlyList<(Incident Incident, string UnitGridCode, string? LargeGridCode, int? TeamId, string Note)> moves, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var results = new List<(Incident, TransitionApplied)>(moves.Count);
        var teamChanged = new List<Incident>();
        foreach (var (incident, unit, large, team, note) in moves)
        {
            var before = incident.TeamId;
            results.Add((incident, await RerouteAsync(db, incident, unit, large, team, note, actor, now, mayHaveOffer: false, ct)));
            if (incident.TeamId != before) teamChanged.Add(incident);
        }
        var withdrawn = (await offers.WithdrawOpenAsync(db, teamChanged, "网格调整，案件转交新的责任班组", actor, now, ct)).ToDictionary(w => w.IncidentId);
        return results.Select(r => withdrawn.TryGetValue(r.Item1.Id, out var w) ? (r.Item1, r.Item2 with { Withdrawn = w }) : r).ToList();
    }

    /// <summary>
    /// Takes a case out of its community's member pool without a change of state (nobody took the order in time): its
    /// grid team's crews may take it from now on. Adds the history entry; the caller saves and publishes.
    /// </summary>
    public TransitionApplied LeavePool(GridGovDb db, Incident incident, string action, string note, Actor actor, DateTimeOffset now)
    {
        incident.PoolCommunity = null;
        incident.MemberId = null;
        incident.UpdatedAt = now;
        var entry = new IncidentEvent
        {
            IncidentId = incident.Id, At = now, Actor = actor.Name, ActorRole = string.Join(",", actor.Roles),
            Action = action, FromStatus = incident.Status, ToStatus = incident.Status, Note = note,
        };
        db.IncidentEvents.Add(entry);
        return new TransitionApplied(incident.Status, incident.Status, entry, null);
    }

    /// <summary>A case about an asset stays with the asset's group whatever the map; any other follows <see cref="FollowsNewTeam"/>.</summary>
    public static bool FollowsGridTeam(Incident incident) => FollowsGridTeam(incident.AssetKind, incident.FaultId, incident.Status);

    /// <inheritdoc cref="FollowsGridTeam(Incident)"/>
    public static bool FollowsGridTeam(string? assetKind, long? faultId, IncidentStatus status) => assetKind is null && faultId is null && FollowsNewTeam(status);

    /// <summary>A case follows a new map's team until a crew takes it; after that, the team handling it finishes it.</summary>
    public static bool FollowsNewTeam(IncidentStatus status) =>
        status is IncidentStatus.Reported or IncidentStatus.Registered or IncidentStatus.Dispatched or IncidentStatus.Parked;

    /// <summary>The problem a refusal answers: 403 for who, 409 for when.</summary>
    public static IResult Problem(IncidentWorkflow.Decision refusal) => refusal switch
    {
        IncidentWorkflow.Forbidden f => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your action", detail: f.Reason),
        IncidentWorkflow.Conflict c => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not possible in this state", detail: c.Reason),
        _ => throw new ArgumentOutOfRangeException(nameof(refusal)),
    };

    /// <summary>After the commit: the map hears of the change, a crew whose offer was withdrawn is told.</summary>
    public async Task PublishAsync(Incident incident, DateTimeOffset now, params TransitionApplied?[] applied)
    {
        if (incident.AssetKind is not null) links.AssetsChanged();
        feed.IncidentChanged(incident, now);
        foreach (var a in applied)
        {
            if (a?.Withdrawn is { } w) await offers.AnnounceWithdrawnAsync(w);
            if (a?.Followers is { } f) await PublishFollowersAsync(f, now);
        }
    }

    /// <summary>After the commit: the cases that followed another are announced, and their crews told of withdrawn offers.</summary>
    public async Task PublishFollowersAsync(FollowedCases followed, DateTimeOffset now)
    {
        if (followed.Cases.Count > 0) links.AssetsChanged();
        foreach (var c in followed.Cases) feed.IncidentChanged(c, now);
        foreach (var w in followed.Withdrawn) await offers.AnnounceWithdrawnAsync(w);
    }

    private static string Meaning(IncidentAction action) => action switch
    {
        IncidentAction.Accept => "由班组接单",
        IncidentAction.Park => "挂账",
        IncidentAction.Void => "作废",
        IncidentAction.Dispatch => "改派",
        _ => IncidentWorkflow.Name(action),
    };

    /// <summary>Each action's side effects; returns an addition to the history note, or adds validation errors.</summary>
    private async Task<string?> ApplyEffectsAsync(
        Incident i, TransitionCommand body, Actor actor, IncidentStatus to, DateTimeOffset now, GridGovDb db, Validation v, CancellationToken ct)
    {
        switch (body.Action)
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
            case IncidentAction.Accept when i.PoolCommunity is not null:
                i.MemberId = actor.MemberId;
                return null;
            case IncidentAction.Accept:
                if ((body.TakingCrewId ?? actor.CrewId) is { } taker)
                {
                    i.HandlerCrewId = taker;
                    db.CrewPoints.Add(new CrewPoints { CrewId = taker, IncidentId = i.Id, At = now, Points = 1, Reason = "took" });
                }
                return null;
            case IncidentAction.Start:
                i.HandlerCrewId ??= actor.CrewId;
                return null;
            case IncidentAction.Handle:
                if (i.PoolCommunity is null) i.HandlerCrewId ??= actor.CrewId;
                i.HandledAt = now;
                return null;
            case IncidentAction.Order:
                i.RegisteredAt ??= now;
                i.DispatchedAt = now;
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

/// <summary>Where incident changes are announced (the live map); implemented by the Live feature.</summary>
public interface IIncidentFeed
{
    void IncidentChanged(Incident incident, DateTimeOffset now);
}
