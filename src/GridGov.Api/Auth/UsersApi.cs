using GridGov.Api.Data;
using GridGov.Api.Platform;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Auth;

public sealed record UserView(int Id, string Username, string[] Roles, int? TeamId, int? CrewId, bool Active, DateTimeOffset CreatedAt,
    int? MemberId = null, string[]? Communities = null);

/// <summary>POST /api/users; PUT replaces roles, team, crew and active (a password only when given).</summary>
/// <param name="MemberId">For role member: the pool member (GET /api/members).</param>
/// <param name="Communities">For role community: the community codes the worker serves.</param>
public sealed record UserRequest(string? Username, string? Password, string[]? Roles, int? TeamId, int? CrewId, bool? Active,
    int? MemberId = null, string[]? Communities = null);

/// <summary>Admin management of users: roles, team, crew, active, password reset. Every change that matters to a token revokes it.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("People").RequireAuthorization(Policies.Admin);
        group.MapGet("/", List).WithSummary("Users with roles, team, crew and whether active (admin).");
        group.MapPost("/", Create).WithSummary("Add a user { username, password, roles, teamId?, crewId? } (admin).");
        group.MapPut("/{username}", Update).WithSummary("Replace a user's roles, team, crew, active; reset the password when one is given. Tokens issued before stop working.");
        group.MapDelete("/{username}", Delete).WithSummary("Remove a user; its tokens stop working at once. The last active admin cannot be removed.");
        return app;
    }

    internal static UserView View(User u) => new(u.Id, u.Username, u.Roles, u.TeamId, u.CrewId, u.Active, u.CreatedAt,
        u.MemberId, u.Communities.Length > 0 ? u.Communities : null);

    private static async Task<IResult> List(GridGovDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.Users.AsNoTracking().OrderBy(u => u.Username).ToListAsync(ct)).Select(View).ToList());

    private static async Task<IResult> Create(UserRequest? body, GridGovDb db, IPasswordHasher<User> hasher, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        if (body is null) return Validation.Problem("body", "Send { username, password, roles, teamId?, crewId? }.");
        var username = PeopleRules.Username(body.Username, v);
        if (username is not null && await PeopleRules.TakenAsync(db, username, ct))
            v.Add("username", $"A user '{username}' exists already (usernames are compared without case).");
        if (username is null) return v.Problem();
        var user = await PeopleRules.AddUserAsync(db, hasher, username, body.Password, body.Roles, body.TeamId, body.CrewId, body.Active ?? true, clock.GetUtcNow(), v, ct);
        if (user is not null) await PeopleRules.ApplyCommunityAsync(user, body.MemberId, body.Communities, db, v, ct);
        if (user is null || !v.IsValid) return v.Problem();
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/users/{user.Username}", View(user));
    }

    private static async Task<IResult> Update(string username, UserRequest? body, GridGovDb db, IPasswordHasher<User> hasher, UserDirectory directory, CancellationToken ct)
    {
        if (body is null) return Validation.Problem("body", "Send { roles, teamId?, crewId?, active, password? }.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = await Find(db, username, ct);
        if (user is null) return NotFound(username);
        var v = new Validation();
        var before = (Roles: string.Join(",", user.Roles), user.TeamId, user.CrewId, user.Active, user.MemberId);
        await PeopleRules.ApplyAsync(user, body.Roles ?? user.Roles, body.TeamId, body.CrewId, db, v, ct);
        if (v.IsValid) await PeopleRules.ApplyCommunityAsync(user, body.MemberId, body.Communities, db, v, ct);
        user.Active = body.Active ?? user.Active;
        if (body.Password is not null && PeopleRules.Password(body.Password, user.Username, v)) user.PasswordHash = hasher.HashPassword(user, body.Password);
        if (!v.IsValid) return v.Problem();
        if (await LastAdminProblem(db, user, stillAdmin: user.Active && user.Roles.Contains(Roles.Admin), ct) is { } last) return last;
        if (before != (string.Join(",", user.Roles), user.TeamId, user.CrewId, user.Active, user.MemberId) || body.Password is not null) user.TokenVersion++;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        directory.Forget(user.Id);
        return TypedResults.Ok(View(user));
    }

    private static async Task<IResult> Delete(string username, GridGovDb db, UserDirectory directory, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = await Find(db, username, ct);
        if (user is null) return NotFound(username);
        if (await LastAdminProblem(db, user, stillAdmin: false, ct) is { } last) return last;
        db.Users.Remove(user);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        directory.Forget(user.Id);
        return TypedResults.NoContent();
    }

    /// <summary>409 when the change would leave the county without an active admin (the row is locked meanwhile).</summary>
    private static async Task<IResult?> LastAdminProblem(GridGovDb db, User user, bool stillAdmin, CancellationToken ct)
    {
        if (stillAdmin) return null;
        var admins = await db.Users.FromSqlRaw("SELECT * FROM users WHERE active AND 'admin' = ANY(roles) FOR UPDATE").AsNoTracking().Select(u => u.Id).ToListAsync(ct);
        if (admins.Count == 1 && admins[0] == user.Id)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Last admin",
                detail: $"'{user.Username}' is the last active admin; make another user admin first, or nobody could manage the county.");
        return null;
    }

    internal static Task<User?> Find(GridGovDb db, string username, CancellationToken ct) =>
        db.Users.FirstOrDefaultAsync(u => u.Username.ToLower() == username.Trim().ToLower(), ct);

    private static IResult NotFound(string username) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such user", detail: $"There is no user '{username}'; see GET /api/users.");
}
