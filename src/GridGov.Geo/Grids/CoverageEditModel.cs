using NetTopologySuite.Geometries;

namespace GridGov.Geo.Grids;

/// <summary>One grid of a coverage level: its code and its outline (Polygon or MultiPolygon, lon/lat degrees, SRID 4490).</summary>
public sealed record CoverageItem(string Code, Geometry Geometry);

/// <summary>
/// One thing a coverage operation did, for the planner's report.
/// </summary>
/// <param name="Kind">One of <see cref="CoverageChangeKinds"/>.</param>
/// <param name="Codes">The grids involved; for kinds that hand area over, <c>Codes[0]</c> is the grid that received it.</param>
/// <param name="AreaM2">The area concerned in square metres (Gauss-Krüger, as <see cref="CoverageCheck"/> measures).</param>
/// <param name="Location">Where it happened, lon/lat, SRID 4490 (a polygon of the area, or the moved vertices).</param>
/// <param name="Detail">A sentence for the planner.</param>
public sealed record CoverageChange(string Kind, IReadOnlyList<string> Codes, double AreaM2, Geometry Location, string Detail);

/// <summary>
/// The outcome of a coverage operation: the new geometry of every grid that changed (including added grids), the
/// codes of grids that no longer exist, and what was done. Grids not listed are unchanged, and the changed grids fit
/// them vertex for vertex.
/// </summary>
public sealed record CoverageEditResult(IReadOnlyList<CoverageItem> Changed, IReadOnlyList<string> Removed, IReadOnlyList<CoverageChange> Changes);

/// <summary>An edit that cannot be made; the message is a sentence a planner can act on.</summary>
public sealed class CoverageEditException(string message) : Exception(message);

/// <summary>The kinds of <see cref="CoverageChange"/>.</summary>
public static class CoverageChangeKinds
{
    /// <summary>Vertices of <c>Codes[0]</c> moved (or neighbours' vertices added to its edges) within the snap distance
    /// onto the grids that follow; AreaM2 is the area the moves swept (each move measured with its neighbours where
    /// they then were: exact for a single move, an estimate for runs of them).</summary>
    public const string Snapped = "snapped";

    /// <summary>A gap (a hole enclosed by grids, narrower than the maximum gap width) given to <c>Codes[0]</c>,
    /// which shares the longest border with it; the other codes are the other grids around it.</summary>
    public const string GapFilled = "gapFilled";

    /// <summary>An area claimed by several grids given to <c>Codes[0]</c> (the longest shared border) and taken from the others.</summary>
    public const string OverlapResolved = "overlapResolved";

    /// <summary>A gap wider than the maximum gap width, left alone; the codes are the grids around it.</summary>
    public const string GapKept = "gapKept";

    /// <summary>A grid with no area of its own left (an empty outline, or one collapsed by snapping, or lying wholly
    /// inside other grids that cannot spare any of it): it is removed.</summary>
    public const string Vanished = "vanished";

    /// <summary>Reshape: area <c>Codes[0]</c> took from <c>Codes[1]</c>.</summary>
    public const string Taken = "taken";

    /// <summary>Reshape: area the reshaped grid <c>Codes[1]</c> gave up, now part of <c>Codes[0]</c>.</summary>
    public const string Given = "given";

    /// <summary>Reshape: area the reshaped grid <c>Codes[0]</c> gave up at the outer edge, now outside the coverage.</summary>
    public const string Released = "released";

    /// <summary>Reshape: area <c>Codes[0]</c> took that no grid covered before.</summary>
    public const string Extended = "extended";

    /// <summary>Split: <c>Codes[1]</c> was cut off <c>Codes[0]</c>; AreaM2 is the new grid's area.</summary>
    public const string Split = "split";

    /// <summary>Merge: the grids became <c>Codes[0]</c>; AreaM2 is the merged area.</summary>
    public const string Merged = "merged";
}
