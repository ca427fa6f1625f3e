using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Tokens;

namespace GridGov.Api.Auth;

public sealed class JwtSettings
{
    public string Issuer { get; set; } = "gridgov";
    public string Audience { get; set; } = "gridgov";
    public int LifetimeMinutes { get; set; } = 480;
    /// <summary>Base64 key of at least 32 bytes; from configuration only (./gridgov writes one into .gridgov/jwt.key).</summary>
    public string SigningKey { get; set; } = "";

    public SymmetricSecurityKey Key()
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(SigningKey);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Jwt:SigningKey must be base64.");
        }
        if (bytes.Length < 32)
            throw new InvalidOperationException("Jwt:SigningKey is missing or shorter than 32 bytes. `./gridgov run` generates one into .gridgov/jwt.key; elsewhere set Jwt__SigningKey.");
        return new SymmetricSecurityKey(bytes);
    }
}

public static class AuthSetup
{
    public const string LoginRateLimit = "login";

    public static IHostApplicationBuilder AddGridGovAuth(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection("Jwt").Get<JwtSettings>() ?? new JwtSettings();
        var key = settings.Key();
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<UserDirectory>();
        builder.Services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = settings.Issuer,
                ValidAudience = settings.Audience,
                IssuerSigningKey = key,
                NameClaimType = "sub",
                RoleClaimType = "role",
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            // SignalR sends the token in the query string on WebSocket upgrades.
            o.Events = new JwtBearerEvents
            {
                OnMessageReceived = ctx =>
                {
                    if (ctx.HttpContext.Request.Path.StartsWithSegments("/hubs") && ctx.Request.Query.TryGetValue("access_token", out var token))
                        ctx.Token = token;
                    return Task.CompletedTask;
                },
                // A disabled user, or a token issued before the user's roles or password changed, no longer counts.
                OnTokenValidated = async ctx =>
                {
                    var principal = ctx.Principal!;
                    var users = ctx.HttpContext.RequestServices.GetRequiredService<UserDirectory>();
                    if (principal.ClaimInt("uid") is not { } uid || principal.ClaimInt(UserDirectory.VersionClaim) is not { } version
                        || !await users.IsCurrentAsync(uid, version, ctx.HttpContext.RequestAborted))
                        ctx.Fail(new TokenRevokedException("The account was disabled or changed since this token was issued."));
                },
                OnChallenge = ctx =>
                {
                    ctx.HandleResponse();
                    var detail = ctx.AuthenticateFailure switch
                    {
                        SecurityTokenExpiredException expired => $"The access token expired at {expired.Expires:u}; request a new one with POST /api/auth/token.",
                        TokenRevokedException => "This token was revoked: the account was disabled, or its roles or password changed. Sign in again (POST /api/auth/token) if the account is still active.",
                        not null => "The access token is not valid for this service; request a new one with POST /api/auth/token.",
                        null => "This endpoint needs a signed-in user: get a token with POST /api/auth/token and send it as 'Authorization: Bearer <accessToken>'.",
                    };
                    ctx.Response.Headers.WWWAuthenticate = "Bearer";
                    return WriteProblem(ctx.HttpContext, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
                },
                OnForbidden = ctx =>
                {
                    var roles = string.Join(", ", ctx.HttpContext.User.FindAll("role").Select(c => c.Value));
                    return WriteProblem(ctx.HttpContext, StatusCodes.Status403Forbidden, "Forbidden",
                        $"Your role ({roles}) may not use {ctx.Request.Method} {ctx.Request.Path}.");
                },
            };
        });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Staff, p => p.RequireRole(Roles.All))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.Planning, p => p.RequireRole(Roles.Admin, Roles.Planner))
            .AddPolicy(Policies.PlanReading, p => p.RequireRole(Roles.Admin, Roles.Planner, Roles.Leader))
            .AddPolicy(Policies.Dispatch, p => p.RequireRole(Roles.Admin, Roles.Dispatcher))
            .AddPolicy(Policies.Live, p => p.RequireRole(Roles.Admin, Roles.Dispatcher, Roles.Leader, Roles.Crew))
            .AddPolicy(Policies.Positions, p => p.RequireRole(Roles.Admin, Roles.Crew))
            .AddPolicy(Policies.SignedIn, p => p.RequireRole(Roles.Known))
            .AddPolicy(Policies.Community, p => p.RequireRole(Roles.Admin, Roles.Community))
            .AddPolicy(Policies.Orders, p => p.RequireRole(Roles.Admin, Roles.Community, Roles.Member))
            .AddPolicy(Policies.CommunityReading, p => p.RequireRole(Roles.Admin, Roles.Community, Roles.Dispatcher, Roles.Leader))
            .AddPolicy(Policies.PointsReading, p => p.RequireRole(Roles.Admin, Roles.Community, Roles.Dispatcher, Roles.Leader, Roles.Member));

        var permits = builder.Configuration.GetValue("Auth:LoginPermitsPerMinute", 30);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (ctx, _) =>
            {
                ctx.HttpContext.Response.Headers.RetryAfter = "60";
                return new ValueTask(ctx.HttpContext.Request.Path.StartsWithSegments("/api/auth")
                    ? WriteProblem(ctx.HttpContext, StatusCodes.Status429TooManyRequests, "Too many attempts",
                        $"At most {permits} sign-in attempts a minute are accepted from one address; wait a minute and try again.")
                    : WriteProblem(ctx.HttpContext, StatusCodes.Status429TooManyRequests, "Too many reports",
                        "Too many reports from this address in the last minute; wait a minute and try again, or sign in as staff."));
            };
            o.AddPolicy(LoginRateLimit, ctx => RateLimitPartition.GetFixedWindowLimiter(
                ctx.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1) }));
        });
        return builder;
    }

    public static WebApplication UseGridGovAuth(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    public static int? ClaimInt(this ClaimsPrincipal user, string type) =>
        int.TryParse(user.FindFirst(type)?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;

    private static Task WriteProblem(HttpContext http, int status, string title, string detail)
    {
        http.Response.StatusCode = status;
        var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
        return problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
