using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Community;

public sealed record MemberView(int Id, string Name, MemberKind Kind, string? Phone, IReadOnlyList<string> Skills, bool Available,
    IReadOnlyList<string> Communities, string? Username);

public sealed record MemberRequest(string? Name, string? Kind, string? Phone, string[]? Skills, bool? Available, string[]? Communities);

public sealed record AvailabilityRequest(bool? Available);

/// <summary>The member pools: who, what they can help with, whether they take orders now.</summary>
public static partial class CommunityApi
{
    private static readonly Dictionary<string, MemberKind> Kinds = Enum.GetValues<MemberKind>().ToDictionary(k => JsonNames.Of(k), StringComparer.OrdinalIgnoreCase);

    private static async Task<IResult> ListMembers(string? community, ClaimsPrincipal user, GridGovDb db, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var query = db.Members.AsNoTracking().Include(m => m.Communities).AsQueryable();
        if (!actor.Is(Roles.Admin))
        {
            var served = actor.Communities.ToArray();
            query = query.Where(m => m.Communities.Any(c => served.Contains(c.CommunityCode)));
        }
        if (!string.IsNullOrWhiteSpace(community))
        {
            var code = community.Trim();
            query = query.Where(m => m.Communities.Any(c => c.CommunityCode == code));
        }
        var list = await query.OrderBy(m => m.Id).ToListAsync(ct);
        var ids = list.Select(m => m.Id).ToArray();
        var users = await db.Users.AsNoTracking().Where(u => u.MemberId != null && ids.Contains(u.MemberId.Value)).ToDictionaryAsync(u => u.MemberId!.Value, u => u.Username, ct);
        return TypedResults.Ok(list.Select(m => View(m, users.GetValueOrDefault(m.Id))).ToList());
    }

    private static MemberView View(Member m, string? username) =>
        new(m.Id, m.Name, m.Kind, m.Phone, m.Skills, m.Available, m.Communities.Select(c => c.CommunityCode).Order().ToList(), username);

    private static async Task<IResult> AddMember(MemberRequest? body, ClaimsPrincipal user, GridGovDb db, CategoryCatalog categories, TimeProvider clock, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var member = new Member { Name = "", CreatedAt = clock.GetUtcNow() };
        if (await ApplyAsync(member, body, actor, db, categories, ct) is { } problem) return problem;
        db.Members.Add(member);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/members/{member.Id}", View(member, null));
    }

    private static async Task<IResult> PutMember(int id, MemberRequest? body, ClaimsPrincipal user, GridGovDb db, CategoryCatalog categories, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        var member = await db.Members.Include(m => m.Communities).FirstOrDefaultAsync(m => m.Id == id, ct);
        if (member is null) return OrderDesk.Problem(404, "No such member", $"There is no member {id}.");
        // A worker changes a member of their communities; the member's other communities stay as they are.
        if (!actor.Is(Roles.Admin) && !member.Communities.Any(c => actor.Communities.Contains(c.CommunityCode)))
            return OrderDesk.Problem(403, "Another community's member", $"Member {id} is in none of the communities you serve.");
        if (await ApplyAsync(member, body, actor, db, categories, ct) is { } problem) return problem;
        await db.SaveChangesAsync(ct);
        var username = await db.Users.Where(u => u.MemberId == id).Select(u => u.Username).FirstOrDefaultAsync(ct);
        return TypedResults.Ok(View(member, username));
    }

    private static async Task<IResult?> ApplyAsync(Member member, MemberRequest? body, Actor actor, GridGovDb db, CategoryCatalog categories, CancellationToken ct)
    {
        if (body is null) return Validation.Problem("body", "Send { name, kind, phone?, skills[], available?, communities[] }.");
        var v = new Validation();
        var name = body.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 40) v.Add("name", "'name' is 1-40 characters.");
        if (!Kinds.TryGetValue(body.Kind?.Trim() ?? "", out var kind))
            v.Add("kind", $"'kind' is one of {string.Join(", ", Kinds.Keys)}{(body.Kind is null ? "" : $", not '{Validation.Clip(body.Kind)}'")}.");
        string? phone = null;
        if (body.Phone?.Trim() is { Length: > 0 } p) phone = IncidentIntake.CleanPhone(p, v);
        var skills = (body.Skills ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).Distinct().ToArray();
        var unknown = skills.Where(s => !(s.Length == 2 && CategoryMajors.All.ContainsKey(s)) && categories.Find(s) is null).ToArray();
        if (unknown.Length > 0) v.Add("skills", $"Unknown skill {string.Join(", ", unknown.Select(s => $"'{Validation.Clip(s)}'"))}: a skill is a category code or a 2-digit major (GET /api/categories).");
        var codes = (body.Communities ?? []).Select(c => c.Trim()).Where(c => c.Length > 0).Distinct().ToArray();
        var known = await db.Grids.Where(g => g.Level == GridLevel.Community && codes.Contains(g.Code)).Select(g => g.Code).ToListAsync(ct);
        if (codes.Length == 0) v.Add("communities", "A member belongs to at least one community ('communities': community grid codes).");
        else if (codes.Except(known).ToArray() is { Length: > 0 } missing) v.Add("communities", $"No community {string.Join(", ", missing.Select(Validation.Clip))}.");
        if (!v.IsValid) return v.Problem();
        // A worker adds or removes only the communities they serve; the member's others are kept.
        var current = member.Communities.Select(c => c.CommunityCode).ToArray();
        var next = codes;
        if (!actor.Is(Roles.Admin))
        {
            var outside = codes.Except(current).Where(c => !actor.Communities.Contains(c)).ToArray();
            if (outside.Length > 0)
                return OrderDesk.Problem(403, "Another community", $"You serve {actor.CommunitiesText}, not {string.Join(", ", outside)}.");
            next = [.. codes, .. current.Where(c => !actor.Communities.Contains(c))];
            next = next.Distinct().ToArray();
        }
        (member.Name, member.Kind, member.Phone, member.Skills, member.Available) = (name!, kind, phone, skills, body.Available ?? member.Available);
        member.Communities.RemoveAll(c => !next.Contains(c.CommunityCode));
        foreach (var c in next.Except(member.Communities.Select(x => x.CommunityCode)).ToArray())
            member.Communities.Add(new MemberCommunity { MemberId = member.Id, CommunityCode = c });
        return null;
    }

    private static async Task<IResult> SetAvailability(AvailabilityRequest? body, ClaimsPrincipal user, GridGovDb db, MemberConnections connections, CancellationToken ct)
    {
        var actor = IncidentsApi.ActorOf(user);
        if (actor.MemberId is not { } id) return OrderDesk.Problem(403, "Not a member", "Only a member of a community pool says whether they take orders.");
        if (body?.Available is not { } available) return Validation.Problem("available", "Send { \"available\": true|false }.");
        var member = await db.Members.Include(m => m.Communities).FirstAsync(m => m.Id == id, ct);
        member.Available = available;
        await db.SaveChangesAsync(ct);
        await connections.AvailabilityChangedAsync(id, available);
        return TypedResults.Ok(View(member, actor.Name));
    }
}
