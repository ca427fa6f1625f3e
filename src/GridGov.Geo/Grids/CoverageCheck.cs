using GridGov.Geo.Coordinates;
using NetTopologySuite.Coverage;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;

namespace GridGov.Geo.Grids;

/// <summary>One thing wrong with a grid coverage: its kind, the grids involved, where (lon/lat), and a sentence.</summary>
/// <param name="Kind">invalidGeometry, empty, overlap, edgeMismatch, gap, notch, notNested.</param>
public sealed record CoverageProblem(string Kind, IReadOnlyList<string> Codes, Geometry Location, string Detail);

/// <summary>
/// Checks one level of grids as a polygonal coverage, the way planners need it: every outline valid and non-empty,
/// no two grids overlapping, neighbours sharing their edges vertex for vertex (NetTopologySuite's
/// <see cref="CoverageValidator"/>), no gap narrower than <c>gapWidthM</c> (<see cref="CoverageGapFinder"/>), and
/// optionally every grid inside its parent. Edges are matched in the coordinates as given (a projection would bend
/// them); the gap width in metres becomes degrees at the coverage's latitude (by the shorter degree, of longitude, so
/// the width holds in every direction), and areas are measured in its Gauss-Krüger zone. Pure and thread-safe.
/// </summary>
public static class CoverageCheck
{
    /// <summary>The area (m²) of a grid outside its parent that still counts as nested: digitising noise.</summary>
    public const double NestingToleranceM2 = 1.0;

    public static IReadOnlyList<CoverageProblem> Check(
        IReadOnlyList<(string Code, Geometry Geometry)> grids, double gapWidthM, IReadOnlyDictionary<string, (string ParentCode, Geometry Parent)>? parents = null)
    {
        var problems = new List<CoverageProblem>();
        if (grids.Count == 0) return problems;
        var centre = grids.First(g => !g.Geometry.IsEmpty).Geometry.EnvelopeInternal.Centre;
        var gk = GaussKruger.ForLongitude(centre.X);
        var gapDeg = gapWidthM / (111_320 * Math.Cos(centre.Y * Math.PI / 180));
        var usable = new List<(string Code, Geometry Geometry)>();
        foreach (var (code, geometry) in grids)
        {
            var invalid = geometry.IsEmpty ? null : new IsValidOp(geometry).ValidationError;
            if (invalid is not null)
            {
                problems.Add(new(CoverageKinds.InvalidGeometry, [code], geometry.Factory.CreatePoint(invalid.Coordinate),
                    $"Grid {code}'s outline is not valid: {invalid.Message}."));
                continue;
            }
            if (geometry.IsEmpty || geometry.Area <= 0)
            {
                problems.Add(new(CoverageKinds.Empty, [code], geometry, $"Grid {code} has no area."));
                continue;
            }
            usable.Add((code, geometry));
        }

        var coverage = usable.Select(u => u.Geometry).ToArray();
        var segments = gapDeg > 0 ? CoverageValidator.Validate(coverage, gapDeg) : CoverageValidator.Validate(coverage);
        var index = new NetTopologySuite.Index.Strtree.STRtree<int>();
        for (var i = 0; i < coverage.Length; i++) index.Insert(coverage[i].EnvelopeInternal, i);
        var outer = new Lazy<NetTopologySuite.Operation.Distance.IndexedFacetDistance?>(() => OuterBoundary(coverage));
        for (var i = 0; i < coverage.Length; i++)
        {
            if (segments[i] is not { IsEmpty: false } bad) continue;
            var (kind, others) = Classify(i, coverage, index, bad, gapDeg, outer);
            var codes = new[] { usable[i].Code }.Concat(others.Select(o => usable[o].Code)).ToList();
            // An overlap or a narrow gap between two grids is reported once, by the grid with the lower code.
            if (kind is CoverageKinds.Overlap or CoverageKinds.Gap or CoverageKinds.Notch && others.Count > 0 && others.All(o => string.CompareOrdinal(usable[o].Code, usable[i].Code) < 0)) continue;
            var with = string.Join(", ", others.Select(o => usable[o].Code));
            problems.Add(new(kind, codes, bad, kind switch
            {
                CoverageKinds.Overlap => $"Grid {usable[i].Code} overlaps {with}.",
                CoverageKinds.Gap => $"A gap narrower than {gapWidthM:0.#} m lies between grid {usable[i].Code} and {with}.",
                CoverageKinds.Notch => $"A notch narrower than {gapWidthM:0.#} m, open to the outside of the level, lies between grid {usable[i].Code} and {with} at the level's outer edge.",
                _ => $"Grid {usable[i].Code}'s edge does not match its neighbour's vertex for vertex{(others.Count > 0 ? $" ({with})" : "")}: a sliver or a crack.",
            }));
        }

        if (gapDeg > 0 && coverage.Length > 1)
        {
            // Holes enclosed by the coverage and narrower than the width (the open strips were flagged above).
            var gaps = CoverageGapFinder.FindGaps(coverage, gapDeg);
            for (var g = 0; g < (gaps?.NumGeometries ?? 0); g++)
            {
                var gap = gaps!.GetGeometryN(g);
                var around = index.Query(gap.EnvelopeInternal).Where(i => coverage[i].Distance(gap) < 1e-9).Select(i => usable[i].Code).Order(StringComparer.Ordinal).ToList();
                problems.Add(new(CoverageKinds.Gap, around, gap,
                    $"A hole narrower than {gapWidthM:0.#} m lies between {string.Join(", ", around)}."));
            }
        }

        if (parents is not null)
        {
            // Most grids lie well inside their parent: a prepared Covers answers those without an overlay.
            var prepared = new Dictionary<Geometry, NetTopologySuite.Geometries.Prepared.IPreparedGeometry>(ReferenceEqualityComparer.Instance);
            foreach (var (code, geometry) in usable)
            {
                if (!parents.TryGetValue(code, out var parent)) continue;
                if (!prepared.TryGetValue(parent.Parent, out var p))
                    prepared[parent.Parent] = p = NetTopologySuite.Geometries.Prepared.PreparedGeometryFactory.Prepare(parent.Parent);
                if (p.Covers(geometry)) continue;
                var outside = geometry.Difference(parent.Parent);
                var m2 = outside.IsEmpty ? 0 : gk.Project(outside).Area;
                if (m2 > NestingToleranceM2)
                    problems.Add(new(CoverageKinds.NotNested, [code, parent.ParentCode], outside,
                        $"Grid {code} reaches {m2:0} m² outside its parent {parent.ParentCode}."));
            }
        }
        return problems;
    }

    /// <summary>
    /// An overlap when the grid shares interior with a neighbour; a gap when the neighbours near the flagged edge do not
    /// touch the grid; a notch when the grid and its neighbours touch and every flagged segment lies on the outer edge
    /// of the level (the unfilled strip between them is open to the outside, so it is no hole of the coverage) and
    /// none of them crosses, overlaps or touches a neighbour's edge; else the edges touch but do not match vertex for
    /// vertex (a sliver, a crack, or the rim of an enclosed hole, which the gap finder reports as well).
    /// </summary>
    private static (string Kind, List<int> Others) Classify(int i, Geometry[] coverage, NetTopologySuite.Index.Strtree.STRtree<int> index, Geometry bad, double gapDeg,
        Lazy<NetTopologySuite.Operation.Distance.IndexedFacetDistance?> outer)
    {
        var reach = new Envelope(bad.EnvelopeInternal);
        reach.ExpandBy(gapDeg);
        var near = index.Query(reach).Where(j => j != i && coverage[j].Distance(bad) <= gapDeg + 1e-12).ToList();
        var overlapping = near.Where(j => coverage[i].Intersection(coverage[j]).Area > 0).ToList();
        if (overlapping.Count > 0) return (CoverageKinds.Overlap, overlapping);
        var apart = near.Where(j => coverage[i].Distance(coverage[j]) > 0).ToList();
        if (apart.Count > 0 && apart.Count == near.Count) return (CoverageKinds.Gap, apart);
        if (near.Count > 0 && gapDeg > 0 && OnOuterBoundary(bad, outer.Value))
        {
            // Flagged only for the gap width: without it the validator finds nothing wrong with these edges.
            var local = new[] { coverage[i] }.Concat(near.Select(j => coverage[j])).ToArray();
            if (CoverageValidator.Validate(local)[0] is not { IsEmpty: false }) return (CoverageKinds.Notch, near);
        }
        return (CoverageKinds.EdgeMismatch, near);
    }

    /// <summary>The outer edge of the level: the shells of the coverage's union, for distance queries; null when the
    /// union fails (a coverage too broken to dissolve), so nothing is taken for a notch.</summary>
    private static NetTopologySuite.Operation.Distance.IndexedFacetDistance? OuterBoundary(Geometry[] coverage)
    {
        try
        {
            var union = NetTopologySuite.Coverage.CoverageUnion.Union(coverage);
            if (union is null || union.IsEmpty) return null;
            var shells = new List<LineString>();
            for (var k = 0; k < union.NumGeometries; k++)
                if (union.GetGeometryN(k) is Polygon { IsEmpty: false } p) shells.Add(p.ExteriorRing);
            return shells.Count == 0 ? null : new(union.Factory.CreateMultiLineString([.. shells]));
        }
        catch (Exception e) when (e is TopologyException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Every flagged segment (its ends and middle) lies on the outer edge, within a millionth of a metre's
    /// worth of degrees.</summary>
    private static bool OnOuterBoundary(Geometry bad, NetTopologySuite.Operation.Distance.IndexedFacetDistance? outer)
    {
        if (outer is null) return false;
        const double tolerance = 1e-11;
        var factory = bad.Factory;
        for (var k = 0; k < bad.NumGeometries; k++)
        {
            var coords = bad.GetGeometryN(k).Coordinates;
            for (var c = 0; c < coords.Length; c++)
            {
                if (outer.Distance(factory.CreatePoint(coords[c])) > tolerance) return false;
                if (c + 1 < coords.Length)
                {
                    var mid = new Coordinate((coords[c].X + coords[c + 1].X) / 2, (coords[c].Y + coords[c + 1].Y) / 2);
                    if (outer.Distance(factory.CreatePoint(mid)) > tolerance) return false;
                }
            }
        }
        return true;
    }
}

public static class CoverageKinds
{
    public const string InvalidGeometry = "invalidGeometry";
    public const string Empty = "empty";
    public const string Overlap = "overlap";
    public const string EdgeMismatch = "edgeMismatch";
    public const string Gap = "gap";
    /// <summary>A strip narrower than the gap width between touching neighbours at the level's outer edge, open to
    /// the outside (no hole of the coverage): left by <see cref="CoverageCleaner"/>, which fills enclosed gaps only.</summary>
    public const string Notch = "notch";
    public const string NotNested = "notNested";
    public const string CodeRule = "codeRule";
}
