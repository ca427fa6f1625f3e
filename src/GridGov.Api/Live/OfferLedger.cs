using GridGov.Api.Data;
using GridGov.Api.Incidents;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Live;

/// <summary>An offer taken back before the crew answered (sent on the crew's own channel as <c>offerWithdrawn</c>).</summary>
[MessagePackObject]
public sealed record OfferWithdrawnMessage(
    [property: Key("offerId")] long OfferId,
    [property: Key("incidentId")] long IncidentId,
    [property: Key("reason")] string Reason);

/// <summary>
/// The workflow's view of offers: withdraws a case's open offer by compare-and-set (only a pending offer changes, and
/// only once) and tells the crew after the commit. Thread-safe (state lives in the caller's DbContext).
/// </summary>
public sealed partial class OfferLedger(CrewDirectory crews, IHubContext<LiveHub> hub, ILogger<OfferLedger> logger) : ICaseOffers
{
    public async Task<WithdrawnOffer?> WithdrawOpenAsync(GridGovDb db, Incident incident, string reason, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var open = await db.IncidentOffers.AsNoTracking()
            .Where(o => o.IncidentId == incident.Id && o.Status == OfferStatus.Pending)
            .Select(o => new { o.Id, o.CrewId }).FirstOrDefaultAsync(ct);
        if (open is null) return null;
        var changed = await db.IncidentOffers.Where(o => o.Id == open.Id && o.Status == OfferStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.Status, OfferStatus.Withdrawn).SetProperty(o => o.DecidedAt, now).SetProperty(o => o.Reason, reason), ct);
        if (changed == 0) return null;
        db.IncidentEvents.Add(new IncidentEvent
        {
            IncidentId = incident.Id, At = now, Actor = actor.Name, ActorRole = string.Join(",", actor.Roles), CrewId = open.CrewId,
            Action = "offerWithdrawn", FromStatus = incident.Status, ToStatus = incident.Status,
            Note = $"撤回给 {crews.Find(open.CrewId)?.Name ?? $"crew {open.CrewId}"} 的指派：{reason}",
        });
        return new WithdrawnOffer(open.Id, incident.Id, open.CrewId, reason);
    }

    public async Task<IReadOnlyList<WithdrawnOffer>> WithdrawOpenAsync(GridGovDb db, IReadOnlyCollection<Incident> incidents, string reason, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        if (incidents.Count == 0) return [];
        var ids = incidents.Select(i => i.Id).ToArray();
        // One compare-and-set for all: only offers still pending change, and each is returned once.
        var rows = await db.Database.SqlQuery<WithdrawnRow>($"""
            UPDATE incident_offers SET status = 'Withdrawn', decided_at = {now}, reason = {reason}
            WHERE incident_id = ANY({ids}) AND status = 'Pending'
            RETURNING id AS offer_id, incident_id, crew_id
            """).ToListAsync(ct);
        var byId = incidents.ToDictionary(i => i.Id);
        foreach (var row in rows)
        {
            var incident = byId[row.IncidentId];
            db.IncidentEvents.Add(new IncidentEvent
            {
                IncidentId = incident.Id, At = now, Actor = actor.Name, ActorRole = string.Join(",", actor.Roles), CrewId = row.CrewId,
                Action = "offerWithdrawn", FromStatus = incident.Status, ToStatus = incident.Status,
                Note = $"撤回给 {crews.Find(row.CrewId)?.Name ?? $"crew {row.CrewId}"} 的指派：{reason}",
            });
        }
        return rows.Select(r => new WithdrawnOffer(r.OfferId, r.IncidentId, r.CrewId, reason)).ToList();
    }

    private sealed record WithdrawnRow(long OfferId, long IncidentId, int CrewId);

    public async Task AnnounceWithdrawnAsync(WithdrawnOffer offer)
    {
        try
        {
            await hub.Clients.Group(LiveGroups.Crew(offer.CrewId)).SendAsync("offerWithdrawn", new OfferWithdrawnMessage(offer.OfferId, offer.IncidentId, offer.Reason));
        }
        catch (Exception ex)
        {
            LogPushFailed(offer.OfferId, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Offer {OfferId}: telling the crew of the withdrawal failed")]
    private partial void LogPushFailed(long offerId, Exception ex);
}

/// <summary>The live map as the incidents' feed.</summary>
public sealed class LiveIncidentFeed(LiveNotifier notifier, CategoryCatalog categories) : IIncidentFeed
{
    public void IncidentChanged(Incident incident, DateTimeOffset now) => notifier.IncidentChanged(IncidentMessages.Of(incident, now, categories));
}
