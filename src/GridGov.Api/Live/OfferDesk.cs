using GridGov.Api.Data;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using static GridGov.Api.Incidents.IncidentStatus;

namespace GridGov.Api.Live;

/// <summary>What an offer looks like to clients.</summary>
public sealed record OfferView(
    long Id, long IncidentId, int CrewId, string? CrewName, OfferStatus Status, DateTimeOffset OfferedAt, DateTimeOffset ExpiresAt,
    DateTimeOffset? DecidedAt, double? DistanceM, double? EtaS, bool ByRoad, bool Automatic, string? Reason);

/// <summary>An answer of the desk: a value, or a problem (status, title, detail) for the API to return.</summary>
public sealed record DeskResult<T>(T? Value, int Status = StatusCodes.Status200OK, string? Title = null, string? Detail = null)
{
    public bool Ok => Title is null;

    public static DeskResult<T> Problem(int status, string title, string detail) => new(default, status, title, detail);
}

/// <summary>
/// Offers an incident to a crew (named, or the best candidate: the responsible team's first, then support from other
/// teams), and carries the answer: accept (the workflow dispatches if need be and accepts), decline or timeout (the next
/// candidate is asked in the same transaction). Every offer change is a compare-and-set on a pending offer, so accept,
/// decline, expiry and withdrawal of one offer can race and exactly one wins. State changes of the case go through
/// <see cref="CaseTransitions"/>. Scoped.
/// </summary>
public sealed partial class OfferDesk(
    CrewRanker ranker, CrewDirectory crews, LiveNotifier notifier, IIncidentFeed feed, CaseTransitions transitions, ICaseOffers ledger,
    CategoryCatalog categories, LiveSettings settings, TimeProvider clock, ILogger<OfferDesk> logger)
{
    public const string SystemActor = "system";

    public async Task<CandidateRanking?> CandidatesAsync(GridGovDb db, long incidentId, CancellationToken ct)
    {
        var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == incidentId, ct);
        if (incident is null) return null;
        var context = await ContextAsync(db, incidentId, ct);
        return ranker.Rank(incidentId, incident.Location.X, incident.Location.Y, incident.Role, incident.TeamId, context, clock.GetUtcNow());
    }

    public async Task<RankingContext> ContextAsync(GridGovDb db, long incidentId, CancellationToken ct)
    {
        var workload = new Dictionary<int, int>();
        var declined = new HashSet<int>();
        int? offeredTo = null;
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened) await connection.OpenAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT handler_crew_id, count(*)::int, 0 FROM incidents WHERE status IN ('Accepted', 'InProgress') AND handler_crew_id IS NOT NULL GROUP BY 1
                UNION ALL
                SELECT crew_id, count(*)::int, 0 FROM incident_offers WHERE status = 'Pending' GROUP BY 1
                UNION ALL
                SELECT crew_id, 0, CASE WHEN status = 'Pending' THEN 2 ELSE 1 END FROM incident_offers
                WHERE incident_id = $1 AND status IN ('Declined', 'Expired', 'Pending')
                """, connection);
            cmd.Transaction = (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction();
            cmd.Parameters.Add(new NpgsqlParameter<long> { TypedValue = incidentId });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var crew = reader.GetInt32(0);
                switch (reader.GetInt32(2))
                {
                    case 0: workload[crew] = workload.GetValueOrDefault(crew) + reader.GetInt32(1); break;
                    case 1: declined.Add(crew); break;
                    default: offeredTo = crew; break;
                }
            }
        }
        finally
        {
            if (opened) await connection.CloseAsync();
        }
        return new RankingContext(workload, declined, offeredTo);
    }

    /// <summary>Offers the incident to <paramref name="crewId"/>, or to the best candidate; a pending offer to someone else is withdrawn.</summary>
    public async Task<DeskResult<OfferView>> AssignAsync(GridGovDb db, long incidentId, int? crewId, Actor actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Id == incidentId, ct);
        if (incident is null) return DeskResult<OfferView>.Problem(404, "No such incident", $"There is no incident {incidentId}.");
        var made = await OfferAsync(db, incident, crewId, actor, automatic: crewId is null, now, ct);
        if (!made.Ok || made.Value!.Existing) return Convert(made);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return DeskResult<OfferView>.Problem(409, "Changed meanwhile", $"Incident {incidentId} was assigned or changed by someone else just now; reload its candidates and try again.");
        }
        await AnnounceAsync(incident, made.Value, now);
        return Convert(made);
    }

    /// <summary>The crew takes the case: the workflow dispatches it (if it was not yet) and the crew accepts, in one transaction.</summary>
    public async Task<DeskResult<OfferView>> AcceptAsync(GridGovDb db, long offerId, Actor actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var offer = await db.IncidentOffers.AsNoTracking().FirstOrDefaultAsync(o => o.Id == offerId, ct);
        if (Own(offer, actor) is { } problem) return problem;
        if (offer!.Status == OfferStatus.Accepted) return new DeskResult<OfferView>(View(offer));
        if (offer.Status != OfferStatus.Pending || offer.ExpiresAt <= now) return Closed(offer, now);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.IncidentOffers.Where(o => o.Id == offerId && o.Status == OfferStatus.Pending && o.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OfferStatus.Accepted).SetProperty(o => o.DecidedAt, now), ct);
        if (taken == 0)
        {
            await tx.RollbackAsync(ct);
            var now2 = await db.IncidentOffers.AsNoTracking().FirstAsync(o => o.Id == offerId, ct);
            return now2.Status == OfferStatus.Accepted ? new DeskResult<OfferView>(View(now2)) : Closed(now2, now);
        }
        var incident = await db.Incidents.FirstAsync(i => i.Id == offer.IncidentId, ct);
        var crew = crews.Find(offer.CrewId)!;
        var v = new Validation();
        TransitionApplied? dispatched = null;
        if (incident.Status is Reported or Registered)
        {
            // Offering the case was the dispatch decision; it takes effect as the crew takes the case.
            var offeredBy = new Actor(offer.OfferedBy, [Auth.Roles.Dispatcher], null, null);
            (dispatched, var refusal) = await transitions.ApplyAsync(db, incident, new TransitionCommand(IncidentAction.Dispatch), offeredBy, now, v, ct,
                historyNote: $"随指派派遣给 {crew.Name}");
            if (dispatched is null) return await CannotTakeAsync(tx, incident, refusal, v, ct);
        }
        var support = incident.TeamId != crew.TeamId;
        var note = $"{crew.Name} 接受指派" + (support ? $"；跨网格支援：{crew.TeamName} 支援本网格，责任班组不变" : "");
        var (accepted, refused) = await transitions.ApplyAsync(db, incident, new TransitionCommand(IncidentAction.Accept, TakingCrewId: crew.Id), actor, now, v, ct,
            offeredCrewId: crew.Id, historyAction: "offerAccepted", historyNote: note);
        if (accepted is null) return await CannotTakeAsync(tx, incident, refused, v, ct);
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return DeskResult<OfferView>.Problem(409, "Changed meanwhile", $"Incident {incident.Id} changed while you answered; the offer is still open if the case still is: reload your offers.");
        }
        await transitions.PublishAsync(incident, now, dispatched, accepted);
        return new DeskResult<OfferView>(View(await db.IncidentOffers.AsNoTracking().FirstAsync(o => o.Id == offerId, ct)));
    }

    private static async Task<DeskResult<OfferView>> CannotTakeAsync(IDbContextTransaction tx, Incident incident, IncidentWorkflow.Decision? refusal, Validation v, CancellationToken ct)
    {
        await tx.RollbackAsync(ct);
        var why = refusal switch
        {
            IncidentWorkflow.Forbidden f => f.Reason,
            IncidentWorkflow.Conflict c => c.Reason,
            _ => string.Join(" ", v.Errors.SelectMany(e => e.Value)),
        };
        return DeskResult<OfferView>.Problem(409, "Case cannot be taken", $"Incident {incident.Id} cannot be taken now: {why}");
    }

    /// <summary>The crew declines; the next candidate is asked in the same transaction.</summary>
    public async Task<DeskResult<OfferView>> DeclineAsync(GridGovDb db, long offerId, string? reason, Actor actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var offer = await db.IncidentOffers.AsNoTracking().FirstOrDefaultAsync(o => o.Id == offerId, ct);
        if (Own(offer, actor) is { } problem) return problem;
        if (offer!.Status == OfferStatus.Declined) return new DeskResult<OfferView>(View(offer));
        if (offer.Status != OfferStatus.Pending) return Closed(offer, now);
        var why = reason?.Trim() is { Length: > 0 } r ? r[..Math.Min(r.Length, 500)] : null;
        var name = crews.Find(offer.CrewId)?.Name ?? $"crew {offer.CrewId}";
        var declined = await CloseAndPassOnAsync(db, offer, OfferStatus.Declined, why, actor, $"{name} 拒绝指派" + (why is null ? "" : $"：{why}"), now, ct);
        var current = await db.IncidentOffers.AsNoTracking().FirstAsync(o => o.Id == offerId, ct);
        return declined || current.Status == OfferStatus.Declined ? new DeskResult<OfferView>(View(current)) : Closed(current, now);
    }

    /// <summary>A new (or, for a retried assign of the same crew, the existing) offer, and the one it replaced.</summary>
    private sealed record NewOffer(IncidentOffer Offer, WithdrawnOffer? Replaced, bool Existing);

    /// <summary>Adds an offer of the tracked incident to the crew (or the best candidate) in the caller's transaction; withdraws an open one to someone else.</summary>
    private async Task<DeskResult<NewOffer>> OfferAsync(GridGovDb db, Incident incident, int? crewId, Actor actor, bool automatic, DateTimeOffset now, CancellationToken ct)
    {
        if (!IncidentWorkflow.Offerable.Contains(incident.Status))
            return DeskResult<NewOffer>.Problem(409, "Not assignable now",
                $"Incident {incident.Id} is {JsonNames.Of(incident.Status)}; only a case that is {string.Join(", ", IncidentWorkflow.Offerable.Select(s => JsonNames.Of(s)))} can be offered to a crew"
                + (incident.Status is Unrouted or Parked ? " (dispatch it to a team first)." : "."));
        if (incident.PoolCommunity is { } pool)
            return DeskResult<NewOffer>.Problem(409, "With the community's members",
                $"Incident {incident.Id} is an order in community {pool}'s member pool (社区派单); it comes to the grid team's crews only if no member takes it in time.");
        var pending = await db.IncidentOffers.AsNoTracking().FirstOrDefaultAsync(o => o.IncidentId == incident.Id && o.Status == OfferStatus.Pending, ct);
        if (pending is not null && crewId is { } same && pending.CrewId == same) return new DeskResult<NewOffer>(new NewOffer(pending, null, Existing: true));
        var context = await ContextAsync(db, incident.Id, ct);
        // A dispatcher naming someone else overrides the open offer: rank as if it were withdrawn.
        var ranking = ranker.Rank(incident.Id, incident.Location.X, incident.Location.Y, incident.Role, incident.TeamId, context with { OfferedTo = null }, now);
        Candidate? chosen;
        if (crewId is { } wanted)
        {
            if (crews.Find(wanted) is null) return DeskResult<NewOffer>.Problem(400, "Unknown crew", $"There is no crew {wanted}; see GET /api/crews.");
            chosen = ranking.Candidates.FirstOrDefault(c => c.CrewId == wanted);
            if (chosen is null)
            {
                var why = ranking.Excluded.First(e => e.CrewId == wanted);
                return DeskResult<NewOffer>.Problem(409, "Crew cannot take it", $"Crew {wanted} cannot take incident {incident.Id}: {why.Detail} ({why.Reason})");
            }
        }
        else
        {
            chosen = ranking.Candidates.FirstOrDefault();
            if (chosen is null)
                return DeskResult<NewOffer>.Problem(409, "No crew available",
                    $"No crew can take incident {incident.Id} now: " + string.Join("; ", ranking.Excluded.GroupBy(e => e.Reason).Select(g => $"{g.Count()} {g.Key}")) + ". See GET /api/incidents/{id}/candidates.");
        }

        var replaced = pending is null ? null : await ledger.WithdrawOpenAsync(db, incident, $"改派给 {chosen.Name}", actor, now, ct);
        var offer = new IncidentOffer
        {
            IncidentId = incident.Id, CrewId = chosen.CrewId, Status = OfferStatus.Pending, OfferedAt = now,
            ExpiresAt = now.AddSeconds(settings.OfferTimeoutSeconds), OfferedBy = actor.Name, Automatic = automatic,
            DistanceM = chosen.DistanceM, EtaS = chosen.EtaS, ByRoad = chosen.ByRoad,
        };
        db.IncidentOffers.Add(offer);
        db.IncidentEvents.Add(new IncidentEvent
        {
            IncidentId = incident.Id, At = now, Actor = actor.Name, ActorRole = actor.Roles.Count > 0 ? string.Join(",", actor.Roles) : null, CrewId = chosen.CrewId,
            Action = "offer", FromStatus = incident.Status, ToStatus = incident.Status,
            Note = $"{(automatic ? "自动" : "")}指派给 {chosen.Name}（{chosen.TeamName}{(chosen.Support ? "，跨网格支援" : "")}），{(chosen.ByRoad ? "道路" : "直线")}距离 {Km(chosen.DistanceM)}，约 {Math.Ceiling(chosen.EtaS / 60):0} 分钟到达",
        });
        incident.UpdatedAt = now;
        return new DeskResult<NewOffer>(new NewOffer(offer, replaced, Existing: false));
    }

    private DeskResult<OfferView> Convert(DeskResult<NewOffer> made) =>
        made.Ok ? new DeskResult<OfferView>(View(made.Value!.Offer)) : DeskResult<OfferView>.Problem(made.Status, made.Title!, made.Detail!);

    /// <summary>Why an offer can no longer be answered.</summary>
    private static DeskResult<OfferView> Closed(IncidentOffer offer, DateTimeOffset now) => offer.Status switch
    {
        OfferStatus.Pending or OfferStatus.Expired when offer.ExpiresAt <= now || offer.Status == OfferStatus.Expired =>
            DeskResult<OfferView>.Problem(409, "Offer expired", $"Offer {offer.Id} expired at {offer.ExpiresAt:u}; the case has gone to the next crew."),
        OfferStatus.Withdrawn => DeskResult<OfferView>.Problem(409, "Offer withdrawn",
            $"Offer {offer.Id} was withdrawn{(offer.Reason is { } r ? $" ({r})" : "")} and can no longer be answered."),
        _ => DeskResult<OfferView>.Problem(409, "Offer closed", $"Offer {offer.Id} is {JsonNames.Of(offer.Status)} already and can no longer be answered."),
    };

    private static DeskResult<OfferView>? Own(IncidentOffer? offer, Actor actor)
    {
        if (offer is null) return DeskResult<OfferView>.Problem(404, "No such offer", "There is no such offer; see GET /api/offers.");
        if (actor.Is(Auth.Roles.Admin) || actor.CrewId == offer.CrewId) return null;
        return DeskResult<OfferView>.Problem(403, "Not your offer",
            $"Offer {offer.Id} was made to crew {offer.CrewId}; only that crew (or an admin) may answer it.");
    }

    private async Task AnnounceAsync(Incident incident, NewOffer made, DateTimeOffset now)
    {
        if (made.Replaced is { } replaced) await ledger.AnnounceWithdrawnAsync(replaced);
        feed.IncidentChanged(incident, now);
        var offer = made.Offer;
        LogOffered(incident.Id, offer.CrewId, offer.DistanceM ?? 0, offer.ByRoad);
        try
        {
            await notifier.OfferAsync(offer.CrewId, new OfferMessage(offer.Id, incident.Id, incident.CategoryCode, categories.NameOf(incident.CategoryCode),
                incident.Location.X, incident.Location.Y, offer.ExpiresAt.UtcDateTime, offer.DistanceM, offer.EtaS, offer.ByRoad));
        }
        catch (Exception ex)
        {
            LogPushFailed(offer.Id, ex);
        }
    }

    private OfferView View(IncidentOffer o) =>
        new(o.Id, o.IncidentId, o.CrewId, crews.Find(o.CrewId)?.Name, o.Status, o.OfferedAt, o.ExpiresAt, o.DecidedAt, o.DistanceM, o.EtaS, o.ByRoad, o.Automatic, o.Reason);

    private static string Km(double metres) => metres >= 1000 ? $"{metres / 1000:0.0} km" : $"{metres:0} m";

    [LoggerMessage(Level = LogLevel.Information, Message = "Offer: incident {IncidentId} to crew {CrewId} ({DistanceM:0} m, by road {ByRoad})")]
    private partial void LogOffered(long incidentId, int crewId, double distanceM, bool byRoad);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offer {OfferId}: pushing to the crew failed")]
    private partial void LogPushFailed(long offerId, Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offers: incident {IncidentId} was left for the next sweep")]
    private partial void LogSweepFailed(long incidentId, Exception ex);
}
