using GridGov.Api.Data;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Community;

/// <summary>
/// The order side of a case's transitions (<see cref="ICaseOrders"/>): the workflow decides, and the case's order
/// follows in the same transaction, so a case and its order never disagree. Scoped.
/// </summary>
public sealed class OrderBook(OrdersSettings settings) : ICaseOrders
{
    /// <summary>The states of an order still in a member pool.</summary>
    public static readonly OrderStatus[] Active = [OrderStatus.Open, OrderStatus.Taken, OrderStatus.Done];

    /// <summary>The order the tracked transition just made (for the caller to answer with after the commit).</summary>
    public CommunityOrder? Opened { get; private set; }

    public async Task<string?> FollowAsync(GridGovDb db, Incident incident, TransitionCommand command, IncidentStatus from, IncidentStatus to,
        Actor actor, DateTimeOffset now, Validation v, CancellationToken ct)
    {
        if (command.Action == IncidentAction.Order)
        {
            if (command.Community is not { } community)
            {
                v.Add("community", "An order names the community whose member pool gets it.");
                return null;
            }
            var minutes = command.TakeWithinMinutes ?? settings.TakeWithinMinutes;
            Opened = new CommunityOrder
            {
                IncidentId = incident.Id, CommunityCode = community, Status = OrderStatus.Open, OpenedAt = now, OpenedBy = actor.Name,
                EscalateAt = now.AddMinutes(minutes),
            };
            db.CommunityOrders.Add(Opened);
            incident.PoolCommunity = community;
            incident.MemberId = null;
            var name = await db.Grids.AsNoTracking().Where(g => g.Code == community).Select(g => g.Name).FirstOrDefaultAsync(ct) ?? community;
            return $"社区派单：派至{name}成员池，{minutes} 分钟内无人接单转网格班组";
        }
        if (command.Action == IncidentAction.Reopen)
        {
            var last = await db.CommunityOrders.Where(o => o.IncidentId == incident.Id && o.Status == OrderStatus.Scored)
                .OrderByDescending(o => o.Id).FirstOrDefaultAsync(ct);
            if (last is not { Points: > 0 }) return null;
            var lost = last.Points;
            last.Points = 0;
            return $"返工：社区成员该单积分 {lost} 作废，由网格班组处置";
        }

        if (command.Action == IncidentAction.Close)
        {
            // The case leaves the pool when it is struck off: the taker still sees it, and a reopened case goes to the grid team.
            var scored = await db.CommunityOrders.Where(o => o.IncidentId == incident.Id && o.Status == OrderStatus.Scored && o.ClosedAt == null)
                .OrderByDescending(o => o.Id).FirstOrDefaultAsync(ct);
            if (scored is not null) scored.ClosedAt = now;
            incident.PoolCommunity = null;
            return null;
        }

        var order = await db.CommunityOrders.Where(o => o.IncidentId == incident.Id && Active.Contains(o.Status))
            .OrderByDescending(o => o.Id).FirstOrDefaultAsync(ct);
        if (order is null) return null;
        switch (command.Action)
        {
            case IncidentAction.Accept:
                var member = await db.Members.AsNoTracking().FirstOrDefaultAsync(m => m.Id == actor.MemberId, ct);
                order.Status = OrderStatus.Taken;
                order.MemberId = actor.MemberId;
                order.TakenAt = now;
                order.SkillMatch = member?.HasSkillFor(incident.CategoryCode) ?? false;
                return $"{member?.Name ?? actor.Name} 接单" + (order.SkillMatch == false ? "（未登记此类技能，已标记）" : "");
            case IncidentAction.Handle:
                order.Status = OrderStatus.Done;
                order.DoneAt = now;
                order.DoneNote = command.Note?.Trim();
                return null;
            case IncidentAction.Verify:
                order.Status = OrderStatus.Scored;
                order.Score = command.Score;
                order.ScoredAt = now;
                order.ScoredBy = actor.Name;
                order.Points = settings.Points(incident.CategoryCode, command.Score!.Value);
                return $"积分 {order.Points}";
            case IncidentAction.SendBack when to == IncidentStatus.InProgress:
                order.Status = OrderStatus.Taken;
                order.DoneAt = null;
                order.Score = null;
                order.Points = null;
                order.ScoredAt = null;
                return "退回接单成员重办";
            case IncidentAction.SendBack or IncidentAction.Park or IncidentAction.Void:
                order.Status = OrderStatus.Withdrawn;
                order.ClosedAt = now;
                incident.PoolCommunity = null;
                incident.MemberId = null;
                return "社区派单撤回";
            default:
                return null;
        }
    }
}
