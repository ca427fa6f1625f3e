using System.Security.Cryptography;
using System.Text;
using GridGov.Api.Auth;

namespace GridGov.Api.Photos;

/// <summary>
/// The resident's tracking token of a case: an HMAC of the case number under a key derived from the service's signing
/// key (HKDF, its own purpose), so nothing is stored, a retried report gets the same link, and only the service can
/// make one. Rotating Jwt:SigningKey invalidates the links handed out before (set Tracking:Key to keep them apart).
/// </summary>
public sealed class TrackingTokens
{
    private readonly byte[] _key;

    public TrackingTokens(JwtSettings jwt, IConfiguration configuration)
    {
        var own = configuration["Tracking:Key"];
        var secret = !string.IsNullOrWhiteSpace(own) ? Convert.FromBase64String(own) : jwt.Key().Key;
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, info: Encoding.ASCII.GetBytes("gridgov resident tracking v1"));
    }

    /// <summary>22 URL-safe characters (128 bits).</summary>
    public string For(long incidentId)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, BitConverter.GetBytes(incidentId), mac);
        return Base64Url(mac[..16]);
    }

    public bool Matches(long incidentId, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length != 22) return false;
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(For(incidentId)), Encoding.ASCII.GetBytes(token));
    }

    public static string UrlFor(long incidentId, string token) => $"/report/{incidentId}?t={token}";

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
