using System.Security.Claims;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Platform;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Open311;

/// <summary>The administrator's side of Open311: issuing, listing and revoking client keys.</summary>
public static partial class Open311Api
{
    public sealed record KeyRequest(string? Name);
    public sealed record KeyResponse(int Id, string Name, string Prefix, string ApiKey);

    /// <summary>A key as lists show it: never the key itself, only its first characters.</summary>
    public sealed record KeySummary(int Id, string Name, string? Prefix, DateTimeOffset CreatedAt, string? CreatedBy,
        DateTimeOffset? LastUsedAt, bool Revoked, DateTimeOffset? RevokedAt, string? RevokedBy);

    private static void MapOpen311Keys(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/api/open311/keys").WithTags("Open311").RequireAuthorization(Policies.Admin);
        keys.MapPost("", IssueKey).WithSummary("Issue an API key for an Open311 client (admin). The key is shown once.");
        keys.MapGet("", ListKeys).WithSummary("The Open311 keys, revoked ones included: name, first characters, created, last used (to the minute), revoked (admin).");
        keys.MapGet("/{id:int}", GetKey).WithSummary("One Open311 key (admin).");
        keys.MapDelete("/{id:int}", RevokeKey).WithSummary("Revoke an Open311 key (admin): its next request is refused. The key stays listed as revoked.");
    }

    private static async Task<IResult> IssueKey(KeyRequest? body, ClaimsPrincipal user, GridGovDb db, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var name = body?.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) v.Add("name", "'name' names the client (1-100 characters), e.g. the app that will report.");
        else if (await db.Open311Keys.AnyAsync(k => k.Name == name && !k.Revoked, ct))
            v.Add("name", $"A key named '{name}' is in use; pick another name, or revoke that key first (DELETE /api/open311/keys/{{id}}).");
        if (!v.IsValid) return v.Problem();
        var (key, prefix) = Open311Keys.NewKey();
        var entity = new Open311Key { Name = name!, KeyHash = Open311Keys.Hash(key), Prefix = prefix, CreatedAt = clock.GetUtcNow(), CreatedBy = user.Identity?.Name };
        db.Open311Keys.Add(entity);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/open311/keys/{entity.Id}", new KeyResponse(entity.Id, entity.Name, prefix, key));
    }

    private static async Task<Ok<List<KeySummary>>> ListKeys(GridGovDb db, CancellationToken ct) =>
        TypedResults.Ok(await Summaries(db.Open311Keys.OrderBy(k => k.Id)).ToListAsync(ct));

    private static async Task<Results<Ok<KeySummary>, ProblemHttpResult>> GetKey(int id, GridGovDb db, CancellationToken ct) =>
        await Summaries(db.Open311Keys.Where(k => k.Id == id)).FirstOrDefaultAsync(ct) is { } key ? TypedResults.Ok(key) : NoSuchKey(id);

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(int id, ClaimsPrincipal user, Open311Keys keys, GridGovDb db, CancellationToken ct) =>
        await keys.RevokeAsync(id, user.Identity?.Name, db, ct) ? TypedResults.NoContent() : NoSuchKey(id);

    private static IQueryable<KeySummary> Summaries(IQueryable<Open311Key> keys) => keys.AsNoTracking()
        .Select(k => new KeySummary(k.Id, k.Name, k.Prefix, k.CreatedAt, k.CreatedBy, k.LastUsedAt, k.Revoked, k.RevokedAt, k.RevokedBy));

    private static ProblemHttpResult NoSuchKey(int id) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such key",
        detail: $"There is no Open311 key {id}; GET /api/open311/keys lists them.");
}
