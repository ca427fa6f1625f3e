namespace GridGov.Api.Open311;

/// <summary>An Open311 client's API key; only its SHA-256 and its first characters (to tell keys apart) are stored.</summary>
public sealed class Open311Key
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string KeyHash { get; set; }
    /// <summary>The key's first characters, e.g. <c>gg311_Ab3x</c>; null for keys issued before prefixes were kept.</summary>
    public string? Prefix { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    /// <summary>Last accepted request, to the minute (written at most once a minute per key).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
    public bool Revoked { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
}
