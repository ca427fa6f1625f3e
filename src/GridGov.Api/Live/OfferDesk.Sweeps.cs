using GridGov.Api.Data;
using GridGov.Api.Incidents;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Live;

/// <summary>The offer desk's background side: timeouts, the next candidate, and cases left without an offer.</summary>
public sealed partial class OfferDesk
{
    /// <summary>
    /// Times out every pending offer past its deadline (as of <paramref name="asOf"/>, default now) and asks the next
    /// candidate, each offer in its own transaction; returns how many expired.
    /// </summary>
    public async Task<int> ExpireDueAsync(GridGovDb db, CancellationToken ct, DateTimeOffset? asOf = null)
    {
        var now = asOf ?? clock.GetUtcNow();
        var due = await db.IncidentOffers.AsNoTracking().Where(o => o.Status == OfferStatus.Pending && o.ExpiresAt <= now)
            .OrderBy(o => o.ExpiresAt).Take(200).ToListAsync(ct);
        var expired = 0;
        var robot = new Actor(SystemActor, [], null, null);
        foreach (var offer in due)
        {
            db.ChangeTracker.Clear();
            var name = crews.Find(offer.CrewId)?.Name ?? $"crew {offer.CrewId}";
            try
            {
                if (await CloseAndPassOnAsync(db, offer, OfferStatus.Expired, $"{settings.OfferTimeoutSeconds:0} 秒内未应答", robot, $"{name} 未在时限内应答，指派超时", now, ct))
                    expired++;
            }
            catch (DbUpdateException ex)
            {
                LogSweepFailed(offer.IncidentId, ex);
            }
        }
        return expired;
    }

    /// <summary>
    /// Offers again every case whose last offer was declined or timed out and that has no open offer and no
    /// "nobody can take it" notice since: what a crash between an answer and the next offer would leave. Returns how many.
    /// </summary>
    public async Task<int> RedriveAsync(GridGovDb db, CancellationToken ct)
    {
        var stranded = await db.Database.SqlQuery<long>($"""
            SELECT i.id AS "Value" FROM incidents i
            CROSS JOIN LATERAL (SELECT o.status, o.decided_at FROM incident_offers o WHERE o.incident_id = i.id ORDER BY o.id DESC LIMIT 1) last
            WHERE i.status IN ('Reported', 'Registered', 'Dispatched') AND last.status IN ('Declined', 'Expired')
              AND NOT EXISTS (SELECT 1 FROM notices n WHERE n.incident_id = i.id AND n.kind = 'unassigned' AND n.at >= last.decided_at)
            ORDER BY i.id LIMIT 100
            """).ToListAsync(ct);
        var offered = 0;
        foreach (var id in stranded)
        {
            db.ChangeTracker.Clear();
            var now = clock.GetUtcNow();
            try
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                // Every node sweeps: the row lock makes a second node wait, and then it sees the first node's offer.
                await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM incidents WHERE id = {id} FOR UPDATE", ct);
                var incident = await db.Incidents.FirstAsync(i => i.Id == id, ct);
                if (await db.IncidentOffers.AnyAsync(o => o.IncidentId == id && o.Status == OfferStatus.Pending, ct)) continue;
                var next = await PassOnAsync(db, incident, now, ct);
                incident.UpdatedAt = now;
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                if (next is not null)
                {
                    offered++;
                    await AnnounceAsync(incident, next, now);
                }
            }
            catch (DbUpdateException ex)
            {
                LogSweepFailed(id, ex);
            }
        }
        return offered;
    }

    /// <summary>
    /// Closes a pending offer (compare-and-set) with its history entry and offers the case to the next candidate, in
    /// one transaction. False when the offer was no longer pending (someone else answered first).
    /// </summary>
    private async Task<bool> CloseAndPassOnAsync(
        GridGovDb db, IncidentOffer offer, OfferStatus status, string? reason, Actor actor, string note, DateTimeOffset now, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var closed = await db.IncidentOffers.Where(o => o.Id == offer.Id && o.Status == OfferStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, status).SetProperty(o => o.DecidedAt, now).SetProperty(o => o.Reason, reason), ct);
        if (closed == 0)
        {
            await tx.RollbackAsync(ct);
            return false;
        }
        var incident = await db.Incidents.FirstAsync(i => i.Id == offer.IncidentId, ct);
        db.IncidentEvents.Add(new IncidentEvent
        {
            IncidentId = incident.Id, At = now, Actor = actor.Name, ActorRole = actor.Roles.Count > 0 ? string.Join(",", actor.Roles) : null, CrewId = offer.CrewId,
            Action = status == OfferStatus.Declined ? "offerDeclined" : "offerExpired", FromStatus = incident.Status, ToStatus = incident.Status, Note = note,
        });
        incident.UpdatedAt = now;
        var next = await PassOnAsync(db, incident, now, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (next is not null) await AnnounceAsync(incident, next, now);
        else feed.IncidentChanged(incident, now);
        return true;
    }

    /// <summary>Offers the case to the best remaining candidate, or leaves the dispatch center a notice that nobody can take it.</summary>
    private async Task<NewOffer?> PassOnAsync(GridGovDb db, Incident incident, DateTimeOffset now, CancellationToken ct)
    {
        if (!IncidentWorkflow.Offerable.Contains(incident.Status)) return null;
        var next = await OfferAsync(db, incident, null, new Actor(SystemActor, [], null, null), automatic: true, now, ct);
        if (next.Ok) return next.Value;
        db.Notices.Add(new Notice { At = now, Kind = "unassigned", IncidentId = incident.Id, Audience = "dispatch", Text = $"案件 {incident.Id} 无人可接：{next.Detail}" });
        return null;
    }
}
