using GridGov.Api.Grids;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Plans;

/// <summary>Where a plan stands: planners edit drafts; exactly one plan is published (routing reads it); the ones it replaced are archived.</summary>
public enum PlanStatus
{
    Draft,
    Published,
    Archived,
}

/// <summary>
/// One version of the county's grids (a 网格划分方案). The grids of every level belong to a plan; the published plan's
/// grids are also the live <c>grids</c> table that locate, routing and tiles read. <see cref="Version"/> counts the
/// changes (imports, edits, undo, redo): an edit names the version it was made on, and a stale one is refused.
/// </summary>
public sealed class Plan
{
    public long Id { get; set; }
    public required string Name { get; set; }
    public PlanStatus Status { get; set; }
    public long? BasedOnId { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>A grid of a plan: the same fields as a live <see cref="Grid"/>, keyed by plan and code.</summary>
public sealed class PlanGrid
{
    public long PlanId { get; set; }
    public required string Code { get; set; }
    public required GridLevel Level { get; set; }
    public required string Name { get; set; }
    public string? ParentCode { get; set; }
    /// <summary>The responsible team; set on large grids.</summary>
    public int? TeamId { get; set; }
    public required MultiPolygon Geometry { get; set; }
    public double AreaM2 { get; set; }

    public PlanGrid Copy(long planId) => new()
    {
        PlanId = planId, Code = Code, Level = Level, Name = Name, ParentCode = ParentCode, TeamId = TeamId,
        Geometry = (MultiPolygon)Geometry.Copy(), AreaM2 = AreaM2,
    };
}

/// <summary>
/// One change to a plan (an import, an edit, a clean), with who made it and when. The grids it touched are kept as they
/// were before and after (<see cref="PlanEditGrid"/>), so undo and redo restore them exactly. Undone edits are dropped
/// when a new edit is made (one line of history, as in every editor).
/// </summary>
public sealed class PlanEdit
{
    public long Id { get; set; }
    public long PlanId { get; set; }
    public int Seq { get; set; }
    public required string Op { get; set; }
    public required string Summary { get; set; }
    public required string Actor { get; set; }
    public DateTimeOffset At { get; set; }
    public bool Undone { get; set; }
}

/// <summary>A grid as it was before an edit (<see cref="After"/> false) or after it; <see cref="Geometry"/> null: the grid did not exist.</summary>
public sealed class PlanEditGrid
{
    public long Id { get; set; }
    public long EditId { get; set; }
    public bool After { get; set; }
    public required string Code { get; set; }
    public GridLevel Level { get; set; }
    public string? Name { get; set; }
    public string? ParentCode { get; set; }
    public int? TeamId { get; set; }
    public MultiPolygon? Geometry { get; set; }
    public double AreaM2 { get; set; }
}
