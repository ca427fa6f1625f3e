using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace GridGov.Api.Auth;

/// <summary>Signs access tokens (HS256) carrying the user's roles, team and crew. Thread-safe.</summary>
public sealed class TokenIssuer(JwtSettings settings, TimeProvider clock)
{
    private readonly SigningCredentials _credentials = new(settings.Key(), SecurityAlgorithms.HmacSha256);
    private readonly JsonWebTokenHandler _handler = new();

    public (string Token, DateTimeOffset ExpiresAt) Issue(User user, TimeSpan? lifetime = null)
    {
        var now = clock.GetUtcNow();
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(settings.LifetimeMinutes));
        var claims = new List<Claim>
        {
            new("sub", user.Username), new("uid", user.Id.ToString(CultureInfo.InvariantCulture)),
            new(UserDirectory.VersionClaim, user.TokenVersion.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer),
        };
        claims.AddRange(user.Roles.Select(r => new Claim("role", r)));
        if (user.TeamId is { } team) claims.Add(new Claim("team_id", team.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer));
        if (user.CrewId is { } crew) claims.Add(new Claim("crew_id", crew.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer));
        if (user.MemberId is { } member) claims.Add(new Claim("member_id", member.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer));
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity(claims),
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = lifetime is { Ticks: < 0 } ? (now + lifetime.Value - TimeSpan.FromMinutes(1)).UtcDateTime : now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
        });
        return (token, expires);
    }
}
