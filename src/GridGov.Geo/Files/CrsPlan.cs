using System.Globalization;
using GridGov.Geo.Coordinates;
using NetTopologySuite.Geometries;
using ProjNet.CoordinateSystems.Transformations;

namespace GridGov.Geo.Files;

/// <summary>
/// How the coordinates of one file become lon/lat SRID 4490: the file's own system (if it declares one) and the
/// caller's named one, reconciled once per read.
/// <list type="bullet">
/// <item>Neither → <see cref="BoundaryFileException"/> with the reader's message (e.g. "… has no .prj; name its crs").</item>
/// <item>Only a named crs → that: wgs84 as is, gcj02/bd09 through <see cref="ChinaOffsets"/>.</item>
/// <item>The file's lon/lat system (WGS84 or CGCS2000) with no crs or wgs84 named → as is.</item>
/// <item>The file's lon/lat system with gcj02/bd09 named → the offset is removed: tools write a WGS84 .prj for
/// anything in degrees, and an offset can never be seen in the file, so the planner's word wins.</item>
/// <item>A projected system (e.g. CGCS2000 Gauss-Krüger CM 117E) with no crs or wgs84 named → inverse-projected.</item>
/// <item>A projected system with gcj02/bd09 named → refused: the consumer-map offsets are lon/lat and never come
/// projected, so one of the two is wrong and the planner has to say which.</item>
/// </list>
/// Every coordinate must come out as lon/lat (|lon| ≤ 180, |lat| ≤ 90), else the feature is named: metres read as
/// degrees are the usual cause. Used by one read on one thread.
/// </summary>
internal sealed class CrsPlan
{
    private readonly MathTransform? _toLonLat;
    private readonly InputCrs _offset;
    private readonly string _hint;

    private CrsPlan(string crsUsed, MathTransform? toLonLat, InputCrs offset, string hint)
    {
        CrsUsed = crsUsed;
        _toLonLat = toLonLat;
        _offset = offset;
        _hint = hint;
    }

    public string CrsUsed { get; }

    /// <param name="inFile">The system the file declares, or null.</param>
    /// <param name="named">The caller's crs, or null.</param>
    /// <param name="what">The file's declaration for messages: "the .prj", "the GeoPackage's srs 4548".</param>
    /// <param name="noCrsMessage">The message when neither is there.</param>
    public static CrsPlan Resolve(SourceCrs? inFile, InputCrs? named, string what, string noCrsMessage)
    {
        if (inFile is null)
        {
            if (named is not { } n) throw new BoundaryFileException(noCrsMessage);
            return new CrsPlan(Name(n), null, n, " The file has no coordinate system of its own: if it is projected (metres), send it with one.");
        }
        if (named is InputCrs.Gcj02 or InputCrs.Bd09)
        {
            if (inFile.Projected)
                throw new BoundaryFileException(
                    $"{Capital(what)} says {inFile.Description}, but crs {Name(named.Value)} was named: GCJ-02 and BD-09 are lon/lat offsets of consumer maps and never come projected. " +
                    $"Name crs wgs84 (or none) to use the file's own system, or send the file with the right coordinate system.");
            return new CrsPlan(Name(named.Value), inFile.ToLonLat, named.Value, $" {Capital(what)} says {inFile.Description}.");
        }
        return new CrsPlan(inFile.Name, inFile.ToLonLat, InputCrs.Wgs84, $" {Capital(what)} says {inFile.Description}.");
    }

    /// <summary>
    /// Brings <paramref name="geometry"/> (the reader's own, changed in place) to lon/lat SRID 4490.
    /// <paramref name="index"/> is the 0-based feature index for the message.
    /// </summary>
    public Geometry? Apply(Geometry? geometry, int index)
    {
        if (geometry is null) return null;
        if (!geometry.IsEmpty)
        {
            var filter = new ToLonLatFilter(this);
            geometry.Apply(filter);
            if (filter.Bad is { } bad)
                throw new BoundaryFileException(string.Create(CultureInfo.InvariantCulture,
                    $"Feature {index + 1}'s coordinates ({bad.X:0.######}, {bad.Y:0.######}) are not longitude/latitude in degrees once read as {CrsUsed}.{_hint}"));
            if (_toLonLat is not null || _offset != InputCrs.Wgs84) geometry.GeometryChanged();
        }
        geometry.SRID = GaussKruger.Cgcs2000Srid;
        return geometry;
    }

    private static string Name(InputCrs crs) => crs switch { InputCrs.Gcj02 => "gcj02", InputCrs.Bd09 => "bd09", _ => "wgs84" };

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    private sealed class ToLonLatFilter(CrsPlan plan) : ICoordinateSequenceFilter
    {
        public (double X, double Y)? Bad { get; private set; }
        public bool Done => Bad is not null;
        public bool GeometryChanged => plan._toLonLat is not null || plan._offset != InputCrs.Wgs84;

        public void Filter(CoordinateSequence seq, int i)
        {
            double x = seq.GetX(i), y = seq.GetY(i);
            var (fileX, fileY) = (x, y);
            if (plan._toLonLat is not null && double.IsFinite(x) && double.IsFinite(y)) plan._toLonLat.Transform(ref x, ref y);
            if (!(Math.Abs(x) <= 180 && Math.Abs(y) <= 90))
            {
                Bad = (fileX, fileY);
                return;
            }
            if (plan._offset != InputCrs.Wgs84) (x, y) = ChinaOffsets.ToWgs84(plan._offset, x, y);
            seq.SetX(i, x);
            seq.SetY(i, y);
        }
    }
}
