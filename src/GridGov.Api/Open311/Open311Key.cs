namespace GridGov.Api.Open311;

/// <summary>An Open311 client's API key; only its SHA-256 is stored.</summary>
public sealed class Open311Key
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string KeyHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    public bool Revoked { get; set; }
}
