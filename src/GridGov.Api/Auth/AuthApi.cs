using System.Security.Claims;
using GridGov.Api.Data;
using GridGov.Api.Platform;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Auth;

public static class AuthApi
{
    public sealed record TokenRequest(string? Username, string? Password);
    public sealed record TokenResponse(string AccessToken, DateTimeOffset ExpiresAt, string[] Roles);
    public sealed record MeResponse(string Username, string[] Roles, int? TeamId, int? CrewId, bool? OnDuty = null,
        int? MemberId = null, IReadOnlyList<string>? Communities = null, bool? Available = null, string? MemberName = null);

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Auth");
        group.MapPost("/auth/token", IssueToken).AllowAnonymous().RequireRateLimiting(AuthSetup.LoginRateLimit);
        group.MapGet("/me", Me).RequireAuthorization(Policies.SignedIn);
        return app;
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult, ValidationProblem>> IssueToken(
        TokenRequest? request, GridGovDb db, IPasswordHasher<User> hasher, TokenIssuer issuer, CancellationToken ct)
    {
        var validation = new Validation();
        if (string.IsNullOrWhiteSpace(request?.Username)) validation.Add("username", "'username' is required.");
        if (string.IsNullOrEmpty(request?.Password)) validation.Add("password", "'password' is required.");
        if (!validation.IsValid) return (ValidationProblem)validation.Problem();

        var name = request!.Username!.Trim().ToLowerInvariant();
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Username.ToLower() == name, ct);
        // Hash even for an unknown user, so timing does not tell which usernames exist.
        var verdict = hasher.VerifyHashedPassword(user ?? UnknownUser, user?.PasswordHash ?? UnknownUser.PasswordHash, request!.Password!);
        if (user is null || verdict == PasswordVerificationResult.Failed)
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed",
                detail: "The username or password is not correct.");
        if (!user.Active)
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Account disabled",
                detail: "This account is disabled; ask an administrator to enable it.");
        var (token, expires) = issuer.Issue(user);
        return TypedResults.Ok(new TokenResponse(token, expires, user.Roles));
    }

    private static async Task<Ok<MeResponse>> Me(ClaimsPrincipal user, Live.CrewDirectory crews, GridGovDb db, CancellationToken ct)
    {
        var actor = await Community.CommunityActors.OfAsync(user, db, ct);
        // A member's phone shows their name and whether they take orders now (they cannot read GET /api/members).
        var member = actor.MemberId is { } id
            ? await db.Members.AsNoTracking().Where(m => m.Id == id).Select(m => new { m.Name, m.Available }).FirstOrDefaultAsync(ct)
            : null;
        return TypedResults.Ok(new MeResponse(
            user.FindFirst("sub")!.Value,
            user.FindAll("role").Select(c => c.Value).ToArray(),
            user.ClaimInt("team_id"),
            user.ClaimInt("crew_id"),
            user.ClaimInt("crew_id") is { } crew ? crews.OffDutySince(crew) is null : null,
            actor.MemberId, actor.Communities.Count > 0 ? actor.Communities.ToList() : null, member?.Available, member?.Name));
    }

    private static readonly User UnknownUser = new()
    {
        Username = "",
        Roles = [],
        PasswordHash = new PasswordHasher<User>().HashPassword(new User { Username = "", Roles = [], PasswordHash = "" }, Guid.NewGuid().ToString()),
    };
}
