using System.Globalization;
using System.Security.Claims;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Incidents;
using GridGov.Api.Live;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace GridGov.Api.Community;

/// <summary>One order as its community and its members see it.</summary>
/// <param name="DistanceM">From the point the member gave (their position), when they gave one.</param>
/// <param name="SkillMatch">For a taken order: whether the taker has the skill. For an open one shown to a member: whether they have it.</param>
public sealed record OrderView(
    long Id, long IncidentId, string Community, string CommunityName, OrderStatus Status, IncidentStatus CaseStatus,
    string Category, string CategoryName, string? Description, double Lon, double Lat, double? DistanceM,
    DateTimeOffset OpenedAt, string OpenedBy, DateTimeOffset EscalateAt, int? MemberId, string? MemberName, DateTimeOffset? TakenAt,
    bool? SkillMatch, DateTimeOffset? DoneAt, string? DoneNote, int? Score, int? Points, DateTimeOffset? ScoredAt, DateTimeOffset? ClosedAt);

/// <summary>What a step of an order answered: the order, or a problem (status, title, detail).</summary>
public sealed record OrderResult(OrderView? Order, bool Created = false, IResult? Problem = null);

/// <summary>
/// The three orders as a flow on the case: a community worker orders a case to the pool (or hands it to the grid
/// team), a member takes it (first come, by the case's version), reports it done with a photo, the worker scores it
/// and it is struck off. Every step goes through <see cref="CaseTransitions"/>, so the case's history has them all.
/// Scoped.
/// </summary>
public sealed partial class OrderDesk(GridGovDb db, CaseTransitions transitions, OrderBook book, OrdersSettings settings, CategoryCatalog categories,
    OrderNotifier notifier, CalendarProvider calendar, TimeProvider clock, ILogger<OrderDesk> logger)
{
    /// <summary>A community worker orders case <paramref name="incidentId"/> to a community's pool, or hands it to the grid team.</summary>
    public async Task<(OrderResult Result, IncidentDetail? Case)> OpenAsync(long incidentId, OpenOrderRequest body, Actor actor, Validation v,
        Photos.PhotoSettings photos, CancellationToken ct)
    {
        var to = body.To?.Trim().ToLowerInvariant() ?? "pool";
        if (to is not ("pool" or "team")) v.Add("to", $"'to' is pool (the community's members, the default) or team (the grid team, for enforcement work); not '{Validation.Clip(body.To!)}'.");
        if (body.TakeWithinMinutes is { } m && (m < 5 || m > 1440)) v.Add("takeWithinMinutes", "'takeWithinMinutes' is 5 to 1440.");
        if (to == "team" && body.TakeWithinMinutes is not null) v.Add("takeWithinMinutes", "'takeWithinMinutes' is for an order to the pool.");
        if (body.Note?.Trim() is { Length: > 2000 }) v.Add("note", "'note' is at most 2,000 characters.");
        if (!v.IsValid) return (new OrderResult(null), null);

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Id == incidentId, ct);
        if (incident is null) return (new OrderResult(null, Problem: IncidentsApi.NotFound(incidentId)), null);
        // A worker orders the cases lying in the communities they serve (to one of them): never another community's case.
        var lies = await CommunityActors.CommunityOfAsync(db, incident, ct);
        if (!actor.Is(Roles.Admin) && (lies is null || !actor.Communities.Contains(lies)))
            return (new OrderResult(null, Problem: Problem(403, "Another community's case",
                $"Case {incidentId} lies in {(lies is null ? "no community" : $"community {lies}")}; you serve {actor.CommunitiesText}.")), null);
        string? community;
        if (!string.IsNullOrWhiteSpace(body.Community))
        {
            community = body.Community.Trim();
            if (!await db.Grids.AnyAsync(g => g.Code == community && g.Level == Grids.GridLevel.Community, ct))
            {
                v.Add("community", $"There is no community '{Validation.Clip(community)}'; see GET /api/grids?level=community.");
                return (new OrderResult(null), null);
            }
        }
        else community = lies;
        if (community is null)
            return (new OrderResult(null, Problem: Problem(409, "In no community", $"Case {incidentId} lies in no community; name the 'community' whose pool should take it.")), null);

        // A retry of the same order answers the order it made.
        if (to == "pool" && incident.PoolCommunity == community)
        {
            var open = await db.CommunityOrders.AsNoTracking().Where(o => o.IncidentId == incidentId && o.CommunityCode == community && OrderBook.Active.Contains(o.Status))
                .OrderByDescending(o => o.Id).FirstOrDefaultAsync(ct);
            if (open is not null && open.OpenedBy == actor.Name && (actor.Is(Roles.Admin) || actor.Communities.Contains(community)))
                return (new OrderResult(await ViewAsync(open.Id, null, null, ct)), null);
        }

        var command = new TransitionCommand(to == "pool" ? IncidentAction.Order : IncidentAction.Dispatch, body.Note, Community: community,
            TakeWithinMinutes: body.TakeWithinMinutes);
        var (applied, refusal) = await transitions.ApplyAsync(db, incident, command, actor, now, v, ct,
            historyAction: to == "team" ? "dispatch" : "order");
        if (refusal is not null) return (new OrderResult(null, Problem: CaseTransitions.Problem(refusal)), null);
        if (applied is null) return (new OrderResult(null), null);
        if (await SaveAsync(tx, ct) is { } failed) return (new OrderResult(null, Problem: failed(incidentId)), null);
        await transitions.PublishAsync(incident, now, applied);
        if (to == "team")
            return (new OrderResult(null), await IncidentsApi.LoadDetail(db, categories, photos, incidentId, actor, now, ct));
        var view = await ViewAsync(book.Opened!.Id, null, null, ct);
        await notifier.OpenedAsync(view!);
        return (new OrderResult(view, Created: true), null);
    }

    /// <summary>What a taker needs to know of an order in one round trip: its state, who took it, and whether the taker is of its community.</summary>
    private sealed record TakeState(string Status, string Community, long IncidentId, int? MemberId, DateTimeOffset? TakenAt, string? TakerName, bool InPool);

    private async Task<TakeState?> TakeStateAsync(long orderId, int member, CancellationToken ct) =>
        (await db.Database.SqlQuery<TakeState>($"""
            SELECT o.status AS status, o.community_code AS community, o.incident_id AS incident_id, o.member_id AS member_id,
                   o.taken_at AS taken_at, (SELECT name FROM members WHERE id = o.member_id) AS taker_name,
                   EXISTS (SELECT 1 FROM member_communities mc WHERE mc.member_id = {member} AND mc.community_code = o.community_code) AS in_pool
            FROM community_orders o WHERE o.id = {orderId}
            """).ToListAsync(ct)).FirstOrDefault();

    /// <summary>
    /// A member takes an open order of their community: the first wins, everyone after is told (who and when, once the
    /// first take has gone through). The order is claimed first, by a conditional update that does not wait, in the
    /// transaction that then applies the workflow's accept (the case's version still guards that write); a racer who
    /// loses the claim does no more work than that.
    /// </summary>
    public async Task<OrderResult> TakeAsync(long orderId, ClaimsPrincipal user, CancellationToken ct)
    {
        var claims = IncidentsApi.ActorOf(user);
        var member = claims.MemberId ?? -1;
        var state = await TakeStateAsync(orderId, member, ct);
        if (state is null) return new OrderResult(null, Problem: Problem(404, "No such order", $"There is no order {orderId}."));
        if (!state.InPool && !claims.Is(Roles.Admin))
            return new OrderResult(null, Problem: Problem(403, "Another community's order",
                $"Order {orderId} is community {state.Community}'s; you are not a member of its pool."));
        if (state.Status != nameof(OrderStatus.Open)) return await NotOpenAsync(state);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The claim: one conditional update of the open order's row, without waiting. A racer who finds the row held
        // by another take still going through is told so at once (it is that taker's if their take commits; the hub
        // then says who); one who comes after the commit finds nothing to update and is told who took it and when.
        var now = clock.GetUtcNow();
        int claimed;
        try
        {
            claimed = await db.Database.ExecuteSqlInterpolatedAsync($"""
                UPDATE community_orders SET status = 'Taken', member_id = {member}, taken_at = {now}
                WHERE id = (SELECT id FROM community_orders WHERE id = {orderId} AND status = 'Open' FOR UPDATE NOWAIT)
                """, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
        {
            await tx.RollbackAsync(ct);
            return new OrderResult(null, Problem: Problem(409, "Being taken",
                $"Order {orderId} is being taken by someone else this moment; it is theirs if their take goes through (your list shows who in a moment)."));
        }
        if (claimed == 0)
        {
            await tx.RollbackAsync(ct);
            return await NotOpenAsync((await TakeStateAsync(orderId, member, ct))!);
        }
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var incident = await db.Incidents.FirstAsync(i => i.Id == state.IncidentId, ct);
        var v = new Validation();
        var (applied, refusal) = await transitions.ApplyAsync(db, incident, new TransitionCommand(IncidentAction.Accept), actor, now, v, ct, historyAction: "take");
        if (refusal is IncidentWorkflow.Conflict c) return new OrderResult(null, Problem: Problem(409, "Cannot be taken", c.Reason));
        if (refusal is not null) return new OrderResult(null, Problem: CaseTransitions.Problem(refusal));
        if (applied is null) return new OrderResult(null, Problem: v.Problem());
        if (await SaveAsync(tx, ct) is { } failed) return new OrderResult(null, Problem: failed(incident.Id));
        await transitions.PublishAsync(incident, now, applied);
        var view = await ViewAsync(orderId, actor, null, ct);
        await notifier.ChangedAsync(view!);
        return new OrderResult(view);

        // A retry of the taker answers the order (200); anyone else is told who took it and when.
        async Task<OrderResult> NotOpenAsync(TakeState s) =>
            s.MemberId == member && s.Status == nameof(OrderStatus.Taken) ? new OrderResult(await ViewAsync(orderId, claims, null, ct))
            : new OrderResult(null, Problem: s.TakenAt is { } at
                ? Problem(409, "Already taken", $"Order {orderId} was taken by {s.TakerName} at {Local(at)}.")
                : Problem(409, "No longer open", $"Order {orderId} is {s.Status.ToLowerInvariant()}; it can no longer be taken."));
    }

    /// <summary>The taker reports the order done, with a note and (by default) an "after" photo already added to the case.</summary>
    public async Task<OrderResult> DoneAsync(long orderId, string? note, Actor actor, CancellationToken ct)
    {
        var (order, refused) = await OrderForAsync(orderId, actor, ct);
        if (order is null) return new OrderResult(null, Problem: refused);
        if (order.MemberId != actor.MemberId && !actor.Is(Roles.Admin))
            return new OrderResult(null, Problem: Problem(403, "Not your order", order.MemberId is null
                ? $"Order {orderId} is not taken yet; take it first (POST /api/orders/{orderId}/take)."
                : $"Order {orderId} was taken by another member; only the taker reports it done."));
        if (order.Status == OrderStatus.Done && order.DoneNote == note?.Trim()) return new OrderResult(await ViewAsync(orderId, actor, null, ct));
        if (order.Status != OrderStatus.Taken)
            return new OrderResult(null, Problem: Problem(409, "Not taken", $"Order {orderId} is {JsonNames.Of(order.Status)}; only a taken order can be reported done."));
        if (note?.Trim() is { Length: > 2000 }) return new OrderResult(null, Problem: Validation.Problem("note", "'note' is at most 2,000 characters."));
        if (settings.DonePhotoRequired && !await db.IncidentPhotos.AnyAsync(p => p.IncidentId == order.IncidentId && p.Kind == Photos.PhotosApi.After, ct))
            return new OrderResult(null, Problem: Problem(409, "Photo needed", $"Add a photo of the result first (POST /api/incidents/{order.IncidentId}/photos, kind=after), then report the order done."));
        return await StepAsync(order, actor, [new TransitionCommand(IncidentAction.Handle, note)], "done", ct);
    }

    /// <summary>The community worker confirms a done order and scores it 1-5: the case is verified and struck off, the points counted.</summary>
    public async Task<OrderResult> ScoreAsync(long orderId, int? score, string? note, Actor actor, CancellationToken ct)
    {
        if (score is not (>= 1 and <= 5))
            return new OrderResult(null, Problem: Validation.Problem("score", $"'score' is a whole number from 1 (poor) to 5 (excellent){(score is null ? "" : $", not {score}")}."));
        if (note?.Trim() is { Length: > 2000 }) return new OrderResult(null, Problem: Validation.Problem("note", "'note' is at most 2,000 characters."));
        var (order, refused) = await OrderForAsync(orderId, actor, ct);
        if (order is null) return new OrderResult(null, Problem: refused);
        if (order.Status == OrderStatus.Scored && order.Score == score && order.ScoredBy == actor.Name) return new OrderResult(await ViewAsync(orderId, actor, null, ct));
        if (order.Status != OrderStatus.Done)
            return new OrderResult(null, Problem: Problem(409, "Not done", $"Order {orderId} is {JsonNames.Of(order.Status)}; it is scored once the member reports it done."));
        return await StepAsync(order, actor, [new TransitionCommand(IncidentAction.Verify, note, Score: score), new TransitionCommand(IncidentAction.Close)], "score", ct);
    }

    private async Task<OrderResult> StepAsync(CommunityOrder order, Actor actor, TransitionCommand[] steps, string historyAction, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await db.Incidents.FirstAsync(i => i.Id == order.IncidentId, ct);
        var v = new Validation();
        var applied = new List<TransitionApplied?>();
        foreach (var step in steps)
        {
            var (a, refusal) = await transitions.ApplyAsync(db, incident, step, actor, now, v, ct,
                historyAction: step.Action == IncidentAction.Close ? null : historyAction);
            if (refusal is not null) return new OrderResult(null, Problem: CaseTransitions.Problem(refusal));
            if (a is null) return new OrderResult(null, Problem: v.Problem());
            applied.Add(a);
        }
        if (await SaveAsync(tx, ct) is { } failed) return new OrderResult(null, Problem: failed(incident.Id));
        await transitions.PublishAsync(incident, now, [.. applied]);
        var view = await ViewAsync(order.Id, actor, null, ct);
        await notifier.ChangedAsync(view!);
        return new OrderResult(view);
    }

    /// <summary>
    /// Sends every open order past its time on to the grid team, each in its own transaction: the case leaves the
    /// pool (its team's crews may take it), the dispatch center is told. Returns how many.
    /// </summary>
    public async Task<int> EscalateDueAsync(CancellationToken ct, DateTimeOffset? asOf = null)
    {
        var now = asOf ?? clock.GetUtcNow();
        var due = await db.CommunityOrders.AsNoTracking().Where(o => o.Status == OrderStatus.Open && o.EscalateAt <= now)
            .OrderBy(o => o.EscalateAt).Select(o => o.Id).Take(200).ToListAsync(ct);
        var robot = new Actor(OfferDesk.SystemActor, [], null, null);
        var escalated = 0;
        foreach (var id in due)
        {
            db.ChangeTracker.Clear();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var order = await db.CommunityOrders.FirstAsync(o => o.Id == id, ct);
            var incident = await db.Incidents.FirstAsync(i => i.Id == order.IncidentId, ct);
            if (order.Status != OrderStatus.Open || incident.PoolCommunity != order.CommunityCode) continue;
            var minutes = (int)Math.Round((order.EscalateAt - order.OpenedAt).TotalMinutes);
            var team = incident.TeamId is { } t ? await db.Teams.AsNoTracking().Where(x => x.Id == t).Select(x => x.Name).FirstOrDefaultAsync(ct) : null;
            order.Status = OrderStatus.Escalated;
            order.ClosedAt = now;
            var applied = transitions.LeavePool(db, incident, "unclaimed",
                $"社区派单 {minutes} 分钟内无人接单，转{team ?? "指挥中心"}处置", robot, now);
            db.Notices.Add(new Notice
            {
                At = now, Kind = "escalation", IncidentId = incident.Id, Audience = "dispatch",
                Text = $"社区派单 #{order.Id}（案件 #{incident.Id}）{minutes} 分钟内无人接单，已转{team ?? "指挥中心"}",
            });
            if (await SaveAsync(tx, ct) is not null) continue;
            escalated++;
            await transitions.PublishAsync(incident, now, applied);
            if (await ViewAsync(id, null, null, ct) is { } view) await notifier.ChangedAsync(view);
        }
        if (escalated > 0) LogEscalated(escalated);
        return escalated;
    }

    /// <summary>The order, if the caller may act on it at all: else 404 when there is none, 403 when it is another community's.</summary>
    public async Task<(CommunityOrder? Order, IResult? Problem)> OrderForAsync(long orderId, Actor actor, CancellationToken ct)
    {
        var order = await db.CommunityOrders.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orderId, ct);
        if (order is null) return (null, Problem(404, "No such order", $"There is no order {orderId}."));
        if (actor.Is(Roles.Admin) || actor.Communities.Contains(order.CommunityCode)) return (order, null);
        if (!actor.Is(Roles.Community) && !actor.Is(Roles.Member) && (actor.Is(Roles.Dispatcher) || actor.Is(Roles.Leader))) return (order, null);
        return (null, Problem(403, "Another community's order",
            $"Order {orderId} is community {order.CommunityCode}'s; you {(actor.Is(Roles.Member) ? "are a member of" : "serve")} {actor.CommunitiesText}."));
    }

    /// <summary>The orders the caller may see, filtered; nearest first when a point is given, else newest first.</summary>
    public async Task<IReadOnlyList<OrderView>> ListAsync(Actor actor, IReadOnlyCollection<OrderStatus>? statuses, string? community, bool mine,
        (double Lon, double Lat)? near, int limit, CancellationToken ct)
    {
        var query = db.CommunityOrders.AsNoTracking();
        if (!actor.Is(Roles.Admin) && !(actor.SeesAllTeams && !actor.InCommunityOnly))
        {
            var mineOnly = actor.Communities.ToArray();
            query = query.Where(o => mineOnly.Contains(o.CommunityCode));
            // A member sees the orders still open to take and their own; the others' taken orders are theirs.
            if (actor.Is(Roles.Member) && !actor.Is(Roles.Community))
            {
                var me = actor.MemberId ?? -1;
                query = query.Where(o => o.Status == OrderStatus.Open || o.MemberId == me);
            }
        }
        if (community is not null) query = query.Where(o => o.CommunityCode == community);
        if (statuses is { Count: > 0 }) query = query.Where(o => statuses.Contains(o.Status));
        if (mine) query = query.Where(o => o.MemberId == (actor.MemberId ?? -1));
        var ids = await query.OrderByDescending(o => o.Id).Select(o => o.Id).Take(near is null ? limit : 2000).ToListAsync(ct);
        var views = await ViewsAsync(ids, actor, near, ct);
        return near is null ? views : views.OrderBy(v => v.DistanceM).ThenBy(v => v.Id).Take(limit).ToList();
    }

    public async Task<OrderView?> ViewAsync(long id, Actor? actor, (double Lon, double Lat)? near, CancellationToken ct) =>
        (await ViewsAsync([id], actor, near, ct)).FirstOrDefault();

    private async Task<IReadOnlyList<OrderView>> ViewsAsync(IReadOnlyCollection<long> ids, Actor? actor, (double Lon, double Lat)? near, CancellationToken ct)
    {
        if (ids.Count == 0) return [];
        var rows = await (
            from o in db.CommunityOrders.AsNoTracking()
            join i in db.Incidents.AsNoTracking() on o.IncidentId equals i.Id
            where ids.Contains(o.Id)
            select new
            {
                o, i.Status, i.CategoryCode, i.Description, i.Location,
                CommunityName = db.Grids.Where(g => g.Code == o.CommunityCode).Select(g => g.Name).FirstOrDefault(),
                MemberName = db.Members.Where(m => m.Id == o.MemberId).Select(m => m.Name).FirstOrDefault(),
            }).ToListAsync(ct);
        string[]? skills = null;
        if (actor?.MemberId is { } me)
            skills = await db.Members.AsNoTracking().Where(m => m.Id == me).Select(m => m.Skills).FirstOrDefaultAsync(ct);
        var byId = rows.ToDictionary(r => r.o.Id);
        return ids.Where(byId.ContainsKey).Select(id =>
        {
            var r = byId[id];
            var o = r.o;
            var (lon, lat) = IncidentMapping.LonLat(r.Location);
            var skill = o.SkillMatch ?? (skills is null ? null : skills.Any(r.CategoryCode.StartsWith));
            return new OrderView(o.Id, o.IncidentId, o.CommunityCode, r.CommunityName ?? o.CommunityCode, o.Status, r.Status,
                r.CategoryCode, categories.NameOf(r.CategoryCode), r.Description, lon, lat,
                near is { } p ? Math.Round(Geodesy.Metres(p.Lon, p.Lat, lon, lat), 1) : null,
                o.OpenedAt, o.OpenedBy, o.EscalateAt, o.MemberId, r.MemberName, o.TakenAt, skill, o.DoneAt, o.DoneNote, o.Score, o.Points,
                o.ScoredAt, o.ClosedAt);
        }).ToList();
    }

    /// <summary>Saves and commits; on a lost race (the case's or order's version, or the one-active-order index) returns the problem to give.</summary>
    private async Task<Func<long, IResult>?> SaveAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return null;
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return id => Problem(409, "Changed meanwhile", $"Case {id} was changed by someone else just now; reload it and try again.");
        }
    }

    private string Local(DateTimeOffset at) =>
        TimeZoneInfo.ConvertTime(at, calendar.Current.Zone).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    internal static IResult Problem(int status, string title, string detail) => TypedResults.Problem(statusCode: status, title: title, detail: detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Orders: {Count} untaken orders went on to their grid teams")]
    private partial void LogEscalated(int count);
}

/// <summary>POST /api/incidents/{id}/order.</summary>
/// <param name="To">pool (default) or team.</param>
public sealed record OpenOrderRequest(string? Community, string? To, int? TakeWithinMinutes, string? Note);
