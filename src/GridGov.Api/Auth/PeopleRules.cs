using System.Text.RegularExpressions;
using GridGov.Api.Data;
using GridGov.Api.Platform;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Auth;

/// <summary>The rules for usernames, passwords and roles, shared by the API, the people import and ./gridgov user.</summary>
public static partial class PeopleRules
{
    public const int MinPasswordLength = 10;

    public const string PasswordRule =
        "A password has at least 10 characters, with at least one letter and one digit, and does not contain the username.";

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")]
    private static partial Regex UsernamePattern();

    /// <summary>The trimmed username, or null with the reason in <paramref name="v"/>.</summary>
    public static string? Username(string? raw, Validation v, string field = "username")
    {
        var name = raw?.Trim();
        if (string.IsNullOrEmpty(name) || !UsernamePattern().IsMatch(name))
        {
            v.Add(field, "A username is 2-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.");
            return null;
        }
        return name;
    }

    /// <summary>Whether the password keeps <see cref="PasswordRule"/>; the reason goes to <paramref name="v"/>.</summary>
    public static bool Password(string? password, string username, Validation v, string field = "password")
    {
        var ok = password is { Length: >= MinPasswordLength } && password.Any(char.IsLetter) && password.Any(char.IsDigit)
            && !password.Contains(username, StringComparison.OrdinalIgnoreCase);
        if (!ok) v.Add(field, PasswordRule);
        return ok;
    }

    /// <summary>The roles, lower-cased and known, or null with the reason.</summary>
    public static string[]? RoleList(IEnumerable<string>? raw, Validation v, string field = "roles")
    {
        var roles = (raw ?? []).Select(r => r.Trim().ToLowerInvariant()).Where(r => r.Length > 0).Distinct().ToArray();
        var unknown = roles.Where(r => !Roles.Known.Contains(r)).ToArray();
        if (roles.Length == 0 || unknown.Length > 0)
        {
            v.Add(field, (unknown.Length > 0 ? $"Unknown role {string.Join(", ", unknown.Select(r => $"'{r}'"))}. " : "At least one role is needed. ")
                + $"Roles are: {string.Join(", ", Roles.Known)}.");
            return null;
        }
        return roles;
    }

    /// <summary>Whether a username is taken, without regard to case.</summary>
    public static Task<bool> TakenAsync(GridGovDb db, string username, CancellationToken ct) =>
        db.Users.AnyAsync(u => u.Username.ToLower() == username.ToLower(), ct);

    /// <summary>
    /// A new user checked by every rule (password, roles, team, crew) and added to <paramref name="db"/> unsaved; null
    /// with the reasons in <paramref name="v"/>. The caller has checked the username and that it is free.
    /// </summary>
    public static async Task<User?> AddUserAsync(
        GridGovDb db, IPasswordHasher<User> hasher, string username, string? password, IEnumerable<string>? roles, int? teamId, int? crewId,
        bool active, DateTimeOffset now, Validation v, CancellationToken ct)
    {
        Password(password, username, v);
        var user = new User { Username = username, PasswordHash = "", Roles = [], CreatedAt = now, Active = active };
        await ApplyAsync(user, roles, teamId, crewId, db, v, ct);
        if (!v.IsValid) return null;
        user.PasswordHash = hasher.HashPassword(user, password!);
        db.Users.Add(user);
        return user;
    }

    /// <summary>
    /// Sets roles, team and crew on <paramref name="user"/> after checking them: a crew user names its (active) crew and
    /// takes the crew's team; only crew users have a crew.
    /// </summary>
    public static async Task ApplyAsync(User user, IEnumerable<string>? roles, int? teamId, int? crewId, GridGovDb db, Validation v, CancellationToken ct)
    {
        var list = RoleList(roles, v);
        if (list is null) return;
        if (list.Contains(Roles.Crew))
        {
            var crew = crewId is { } id ? await db.Crews.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id && c.Active, ct) : null;
            if (crew is null)
            {
                v.Add("crewId", crewId is null ? "A user with role 'crew' names its crew ('crewId'; see GET /api/teams)." : $"There is no active crew {crewId}.");
                return;
            }
            if (teamId is { } t && t != crew.TeamId)
            {
                v.Add("teamId", $"Crew {crew.Id} is in team {crew.TeamId}, not {t}; leave 'teamId' out, it follows the crew.");
                return;
            }
            (user.TeamId, user.CrewId) = (crew.TeamId, crew.Id);
        }
        else
        {
            if (crewId is not null) v.Add("crewId", "Only a user with role 'crew' has a crew.");
            if (teamId is { } t && !await db.Teams.AnyAsync(x => x.Id == t, ct)) v.Add("teamId", $"There is no team {t}; see GET /api/teams.");
            (user.TeamId, user.CrewId) = (teamId, null);
        }
        user.Roles = list;
    }

    /// <summary>
    /// Sets a member user's member and a community worker's communities after checking them: only a <c>member</c> names
    /// a member (one user per member), only a <c>community</c> worker serves communities, each a community grid.
    /// </summary>
    public static async Task ApplyCommunityAsync(User user, int? memberId, string[]? communities, GridGovDb db, Validation v, CancellationToken ct)
    {
        if (user.Roles.Contains(Roles.Member))
        {
            if (memberId is not { } id)
                v.Add("memberId", "A user with role 'member' names its pool member ('memberId'; see GET /api/members).");
            else if (!await db.Members.AnyAsync(m => m.Id == id, ct))
                v.Add("memberId", $"There is no member {id}; see GET /api/members.");
            else if (await db.Users.AnyAsync(u => u.MemberId == id && u.Id != user.Id, ct))
                v.Add("memberId", $"Member {id} signs in as another user already.");
            else user.MemberId = id;
        }
        else if (memberId is not null) v.Add("memberId", "Only a user with role 'member' has a member.");
        else user.MemberId = null;

        var codes = (communities ?? []).Select(c => c.Trim()).Where(c => c.Length > 0).Distinct().ToArray();
        if (user.Roles.Contains(Roles.Community))
        {
            if (communities is null && user.Communities.Length > 0) return;
            var known = await db.Grids.Where(g => g.Level == Grids.GridLevel.Community && codes.Contains(g.Code)).Select(g => g.Code).ToListAsync(ct);
            var unknown = codes.Except(known).ToArray();
            if (codes.Length == 0) v.Add("communities", "A user with role 'community' serves at least one community ('communities': community grid codes; GET /api/grids?level=community).");
            else if (unknown.Length > 0) v.Add("communities", $"No community {string.Join(", ", unknown)}; see GET /api/grids?level=community.");
            else user.Communities = codes;
        }
        else if (codes.Length > 0) v.Add("communities", "Only a user with role 'community' serves communities.");
        else user.Communities = [];
    }
}
