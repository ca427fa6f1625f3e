using System.Security.Claims;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Community;

/// <summary>Who a community worker or member is, with their communities read fresh from the database, and what they may see.</summary>
public static class CommunityActors
{
    /// <summary>The caller as an actor, with the communities they serve (community worker) or belong to (member).</summary>
    public static async Task<Actor> OfAsync(ClaimsPrincipal user, GridGovDb db, CancellationToken ct)
    {
        var actor = IncidentsApi.ActorOf(user);
        if (!actor.Is(Roles.Community) && !actor.Is(Roles.Member)) return actor;
        var communities = new List<string>();
        if (actor.Is(Roles.Community))
            communities.AddRange(await db.Users.AsNoTracking().Where(u => u.Username == actor.Name).Select(u => u.Communities).FirstOrDefaultAsync(ct) ?? []);
        if (actor.Is(Roles.Member) && actor.MemberId is { } member)
            communities.AddRange(await db.MemberCommunities.AsNoTracking().Where(m => m.MemberId == member).Select(m => m.CommunityCode).ToListAsync(ct));
        return actor with { Communities = communities.Distinct().Order().ToArray() };
    }

    /// <summary>
    /// The cases a community worker or member (and nothing else) may see: a worker, those of the communities they
    /// serve (in the pool, or in a large grid of theirs: the hierarchy, not a spatial test per row); a member, their
    /// communities' orders still open to take and the ones they took.
    /// </summary>
    public static IQueryable<Incident> Visible(IQueryable<Incident> query, Actor actor, GridGovDb db)
    {
        var name = actor.Name;
        var member = actor.MemberId ?? -1;
        var asWorker = actor.Is(Roles.Community);
        var asMember = actor.Is(Roles.Member);
        return query.Where(i =>
            (asMember && (i.MemberId == member
                || (i.MemberId == null && i.PoolCommunity != null && db.MemberCommunities.Any(m => m.MemberId == member && m.CommunityCode == i.PoolCommunity))))
            || (asWorker && db.Users.Any(u => u.Username == name
                && ((i.PoolCommunity != null && u.Communities.Contains(i.PoolCommunity))
                    || db.Grids.Any(g => g.Code == i.LargeGridCode && u.Communities.Contains(g.ParentCode!))))));
    }

    /// <summary>
    /// The community a case belongs to: its large grid's parent in the hierarchy (as the lists read it), or, for a case
    /// outside every large grid, the community its point lies in.
    /// </summary>
    public static async Task<string?> CommunityOfAsync(GridGovDb db, Incident incident, CancellationToken ct)
    {
        if (incident.LargeGridCode is { } large
            && await db.Grids.AsNoTracking().Where(g => g.Code == large).Select(g => g.ParentCode).FirstOrDefaultAsync(ct) is { } parent
            && await db.Grids.AsNoTracking().AnyAsync(g => g.Code == parent && g.Level == GridLevel.Community, ct))
            return parent;
        var location = incident.Location;
        return (await db.Database.SqlQuery<string>($"""
            SELECT code AS "Value" FROM grids WHERE level = 'Community' AND ST_Intersects(geometry, ST_SetSRID(ST_MakePoint({location.X}, {location.Y}), 4490))
            ORDER BY code LIMIT 1
            """).ToListAsync(ct)).FirstOrDefault();
    }
}
