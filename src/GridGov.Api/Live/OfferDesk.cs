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
/// Offers an incident to a crew (named, or the best candidate), and carries the answer: accept (dispatch + accept in
/// one step), decline or timeout (the next candidate is asked). Every step is one transaction with one history entry.
/// </summary>
public sealed partial class OfferDesk(
    CrewRanker ranker, CrewDirectory crews, LiveNotifier notifier, CategoryCatalog categories, LiveSettings settings,
    TimeProvider clock, ILogger<OfferDesk> logger)
{
    /// <summary>States from which a case can still go to a crew.</summary>
    public static readonly IncidentStatus[] Assignable = [Reported, Registered, Dispatched, Unrouted, Parked];

    public async Task<CandidateRanking?> CandidatesAsync(GridGovDb db, long incidentId, CancellationToken ct)
    {
        var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == incidentId, ct);
        if (incident is null) return null;
        var context = await ContextAsync(db, incidentId, ct);
        return ranker.Rank(incidentId, incident.Location.X, incident.Location.Y, incident.Role, context, clock.GetUtcNow());
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
    public async Task<DeskResult<OfferView>> AssignAsync(GridGovDb db, long incidentId, int? crewId, string actor, string? actorRole, bool automatic, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Id == incidentId, ct);
        if (incident is null) return DeskResult<OfferView>.Problem(404, "No such incident", $"There is no incident {incidentId}.");
        if (!Assignable.Contains(incident.Status))
            return DeskResult<OfferView>.Problem(409, "Not assignable now",
                $"Incident {incidentId} is {JsonNames.Of(incident.Status)}; only a case that is {string.Join(", ", Assignable.Select(s => JsonNames.Of(s)))} can be offered to a crew.");

        var pending = await db.IncidentOffers.FirstOrDefaultAsync(o => o.IncidentId == incidentId && o.Status == OfferStatus.Pending, ct);
        if (pending is not null && crewId is { } same && pending.CrewId == same)
            return new DeskResult<OfferView>(View(pending));
        var context = await ContextAsync(db, incidentId, ct);
        // A dispatcher naming someone else overrides the open offer: rank as if it were withdrawn.
        var ranking = ranker.Rank(incidentId, incident.Location.X, incident.Location.Y, incident.Role, context with { OfferedTo = null }, now);
        Candidate? chosen;
        if (crewId is { } wanted)
        {
            if (crews.Find(wanted) is null) return DeskResult<OfferView>.Problem(400, "Unknown crew", $"There is no crew {wanted}; see GET /api/crews.");
            chosen = ranking.Candidates.FirstOrDefault(c => c.CrewId == wanted);
            if (chosen is null)
            {
                var why = ranking.Excluded.First(e => e.CrewId == wanted);
                return DeskResult<OfferView>.Problem(409, "Crew cannot take it", $"Crew {wanted} cannot take incident {incidentId}: {why.Detail} ({why.Reason})");
            }
        }
        else
        {
            chosen = ranking.Candidates.FirstOrDefault();
            if (chosen is null)
                return DeskResult<OfferView>.Problem(409, "No crew available",
                    $"No crew can take incident {incidentId} now: " + string.Join("; ", ranking.Excluded.GroupBy(e => e.Reason).Select(g => $"{g.Count()} {g.Key}")) + ". See GET /api/incidents/{id}/candidates.");
        }

        if (pending is not null)
        {
            pending.Status = OfferStatus.Withdrawn;
            pending.DecidedAt = now;
            pending.Reason = $"改派给 {chosen.Name}";
            await db.SaveChangesAsync(ct);
        }
        var offer = new IncidentOffer
        {
            IncidentId = incidentId, CrewId = chosen.CrewId, Status = OfferStatus.Pending, OfferedAt = now,
            ExpiresAt = now.AddSeconds(settings.OfferTimeoutSeconds), OfferedBy = actor, Automatic = automatic,
            DistanceM = chosen.DistanceM, EtaS = chosen.EtaS, ByRoad = chosen.ByRoad,
        };
        db.IncidentOffers.Add(offer);
        db.IncidentEvents.Add(new IncidentEvent
        {
            IncidentId = incidentId, At = now, Actor = actor, ActorRole = actorRole, Action = "offer",
            FromStatus = incident.Status, ToStatus = incident.Status,
            Note = $"{(automatic ? "自动" : "")}指派给 {chosen.Name}（{chosen.TeamName}），{(chosen.ByRoad ? "道路" : "直线")}距离 {Km(chosen.DistanceM)}，约 {Math.Ceiling(chosen.EtaS / 60):0} 分钟到达"
                   + (pending is not null ? $"；撤回给 {crews.Find(pending.CrewId)?.Name ?? pending.CrewId.ToString()} 的指派" : ""),
        });
        incident.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } or DbUpdateConcurrencyException)
        {
            return DeskResult<OfferView>.Problem(409, "Changed meanwhile", $"Incident {incidentId} was assigned by someone else just now; reload its candidates and try again.");
        }
        LogOffered(incidentId, chosen.CrewId, chosen.DistanceM, chosen.ByRoad);
        await AnnounceAsync(incident, offer);
        return new DeskResult<OfferView>(View(offer));
    }

    /// <summary>The crew takes the case: it is dispatched to the crew's team if need be and accepted, in one step.</summary>
    public async Task<DeskResult<OfferView>> AcceptAsync(GridGovDb db, long offerId, Actor actor, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var offer = await db.IncidentOffers.FirstOrDefaultAsync(o => o.Id == offerId, ct);
        if (Own(offer, actor) is { } problem) return problem;
        if (offer!.Status == OfferStatus.Accepted) return new DeskResult<OfferView>(View(offer));
        if (offer.Status != OfferStatus.Pending)
            return DeskResult<OfferView>.Problem(409, "Offer closed", $"Offer {offerId} is {JsonNames.Of(offer.Status)} already and can no longer be accepted.");
        if (offer.ExpiresAt < now)
            return DeskResult<OfferView>.Problem(409, "Offer expired", $"Offer {offerId} expired at {offer.ExpiresAt:u}; the case goes to the next crew.");
        var incident = await db.Incidents.FirstAsync(i => i.Id == offer.IncidentId, ct);
        var crew = crews.Find(offer.CrewId)!;
        if (!Assignable.Contains(incident.Status))
        {
            offer.Status = OfferStatus.Withdrawn;
            offer.DecidedAt = now;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return DeskResult<OfferView>.Problem(409, "Case moved on", $"Incident {incident.Id} is {JsonNames.Of(incident.Status)} now; the offer is withdrawn.");
        }
        var from = incident.Status;
        string? moved = null;
        if (incident.TeamId != crew.TeamId)
        {
            moved = $"改派至 {crew.TeamName}（大网格 {crew.LargeGridCode}）";
            incident.TeamId = crew.TeamId;
            incident.LargeGridCode = crew.LargeGridCode;
        }
        incident.RegisteredAt ??= now;
        if (from != Dispatched) incident.DispatchedAt = now;
        incident.HandlerCrewId = crew.Id;
        incident.Status = Accepted;
        incident.UpdatedAt = now;
        offer.Status = OfferStatus.Accepted;
        offer.DecidedAt = now;
        db.CrewPoints.Add(new CrewPoints { CrewId = crew.Id, IncidentId = incident.Id, At = now, Points = 1, Reason = "took" });
        db.IncidentEvents.Add(new IncidentEvent
        {
            IncidentId = incident.Id, At = now, Actor = actor.Name, ActorRole = string.Join(",", actor.Roles), CrewId = crew.Id,
            Action = "offerAccepted", FromStatus = from, ToStatus = Accepted,
            Note = string.Join("；", new[] { $"{crew.Name} 接受指派", moved }.Where(s => s is not null)),
        });
        try
        {
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return DeskResult<OfferView>.Problem(409, "Changed meanwhile", $"Incident {incident.Id} changed while you answered; reload your offers.");
        }
        notifier.IncidentChanged(IncidentMessages.Of(incident, now, categories));
        return new DeskResult<OfferView>(View(offer));
    }

    /// <summary>The crew declines; the next candidate is asked at once.</summary>
    public async Task<DeskResult<OfferView>> DeclineAsync(GridGovDb db, long offerId, string? reason, Actor actor, CancellationToken ct)
    {
        var offer = await db.IncidentOffers.FirstOrDefaultAsync(o => o.Id == offerId, ct);
        if (Own(offer, actor) is { } problem) return problem;
        if (offer!.Status == OfferStatus.Declined) return new DeskResult<OfferView>(View(offer));
        if (offer.Status != OfferStatus.Pending)
            return DeskResult<OfferView>.Problem(409, "Offer closed", $"Offer {offerId} is {JsonNames.Of(offer.Status)} already.");
        var closed = await CloseAsync(db, offer, OfferStatus.Declined, actor.Name, string.Join(",", actor.Roles), reason, ct);
        if (closed) await OfferNextAsync(db, offer.IncidentId, ct);
        return new DeskResult<OfferView>(View(offer));
    }

    /// <summary>Times out every pending offer past its deadline and asks the next candidate; returns how many expired.</summary>
    public async Task<int> ExpireDueAsync(GridGovDb db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = await db.IncidentOffers.Where(o => o.Status == OfferStatus.Pending && o.ExpiresAt <= now).OrderBy(o => o.ExpiresAt).Take(200).ToListAsync(ct);
        var expired = 0;
        foreach (var offer in due)
        {
            if (!await CloseAsync(db, offer, OfferStatus.Expired, "system", null, $"{settings.OfferTimeoutSeconds:0} 秒内未应答", ct)) continue;
            expired++;
            await OfferNextAsync(db, offer.IncidentId, ct);
        }
        return expired;
    }

    private async Task<bool> CloseAsync(GridGovDb db, IncidentOffer offer, OfferStatus status, string actor, string? actorRole, string? reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var incident = await db.Incidents.FirstAsync(i => i.Id == offer.IncidentId, ct);
        offer.Status = status;
        offer.DecidedAt = now;
        offer.Reason = reason?.Trim() is { Length: > 0 } r ? r[..Math.Min(r.Length, 500)] : null;
        var name = crews.Find(offer.CrewId)?.Name ?? $"crew {offer.CrewId}";
        db.IncidentEvents.Add(new IncidentEvent
        {
            IncidentId = incident.Id, At = now, Actor = actor, ActorRole = actorRole, CrewId = offer.CrewId,
            Action = status == OfferStatus.Declined ? "offerDeclined" : "offerExpired", FromStatus = incident.Status, ToStatus = incident.Status,
            Note = status == OfferStatus.Declined ? $"{name} 拒绝指派" + (offer.Reason is { } why ? $"：{why}" : "") : $"{name} 未在时限内应答，指派超时",
        });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
        notifier.IncidentChanged(IncidentMessages.Of(incident, now, categories));
        return true;
    }

    private async Task OfferNextAsync(GridGovDb db, long incidentId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var next = await AssignAsync(db, incidentId, null, "system", null, automatic: true, ct);
        if (next.Ok || next.Status == 404) return;
        db.ChangeTracker.Clear();
        db.Notices.Add(new Notice
        {
            At = clock.GetUtcNow(), Kind = "unassigned", IncidentId = incidentId, Audience = "dispatch",
            Text = $"案件 {incidentId} 无人可接：{next.Detail}",
        });
        await db.SaveChangesAsync(ct);
    }

    private static DeskResult<OfferView>? Own(IncidentOffer? offer, Actor actor)
    {
        if (offer is null) return DeskResult<OfferView>.Problem(404, "No such offer", "There is no such offer; see GET /api/offers.");
        if (actor.Is(Auth.Roles.Admin) || actor.CrewId == offer.CrewId) return null;
        return DeskResult<OfferView>.Problem(403, "Not your offer",
            $"Offer {offer.Id} was made to crew {offer.CrewId}; only that crew (or an admin) may answer it.");
    }

    private async Task AnnounceAsync(Incident incident, IncidentOffer offer)
    {
        var now = clock.GetUtcNow();
        notifier.IncidentChanged(IncidentMessages.Of(incident, now, categories));
        try
        {
            await notifier.OfferAsync(offer.CrewId, new OfferMessage(offer.Id, incident.Id, incident.CategoryCode, categories.NameOf(incident.CategoryCode),
                incident.Location.X, incident.Location.Y, offer.ExpiresAt.UtcDateTime, offer.DistanceM, offer.EtaS, offer.ByRoad));
        }
        catch (Exception ex)
        {
            LogPushFailed(offer.Id, ex.Message);
        }
    }

    private OfferView View(IncidentOffer o) =>
        new(o.Id, o.IncidentId, o.CrewId, crews.Find(o.CrewId)?.Name, o.Status, o.OfferedAt, o.ExpiresAt, o.DecidedAt, o.DistanceM, o.EtaS, o.ByRoad, o.Automatic, o.Reason);

    private static string Km(double metres) => metres >= 1000 ? $"{metres / 1000:0.0} km" : $"{metres:0} m";

    [LoggerMessage(Level = LogLevel.Information, Message = "Offer: incident {IncidentId} to crew {CrewId} ({DistanceM:0} m, by road {ByRoad})")]
    private partial void LogOffered(long incidentId, int crewId, double distanceM, bool byRoad);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offer {OfferId}: pushing to the crew failed: {Reason}")]
    private partial void LogPushFailed(long offerId, string reason);
}
