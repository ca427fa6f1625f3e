using NetTopologySuite.Geometries;

namespace GridGov.Api.Grids;

/// <summary>Levels of the grid hierarchy; county → street → community → large grid → unit grid.</summary>
public enum GridLevel
{
    County,
    Street,
    Community,
    Large,
    Unit,
}

/// <summary>One area of the hierarchy. Unit grid codes follow GB/T 30428.1's 15-digit rule.</summary>
public sealed class Grid
{
    public required string Code { get; set; }
    public required GridLevel Level { get; set; }
    public required string Name { get; set; }
    public string? ParentCode { get; set; }
    /// <summary>The responsible team; set on large grids.</summary>
    public int? TeamId { get; set; }
    public required MultiPolygon Geometry { get; set; }
    public double AreaM2 { get; set; }
}

/// <summary>A key grid post (重点网格岗位点): a staffed duty point with a service radius.</summary>
public sealed class KeyPost
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public required Point Location { get; set; }
    public int RadiusM { get; set; }
    public int TeamId { get; set; }
    public required string LargeGridCode { get; set; }
}
