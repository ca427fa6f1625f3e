using System.Globalization;
using System.Text.RegularExpressions;
using ProjNet.CoordinateSystems;
using ProjNet.CoordinateSystems.Transformations;

namespace GridGov.Geo.Files;

/// <summary>
/// A coordinate system a boundary file declares (a .prj, a GeoPackage srs, a GeoJSON "crs"): its short name for
/// <see cref="BoundaryRead.CrsUsed"/>, whether it is projected, and the ProjNet transform to lon/lat degrees on its own
/// datum (null when the coordinates are lon/lat degrees already). Immutable; the transform is only used by one read.
/// </summary>
internal sealed record SourceCrs(string Name, string Description, bool Projected, MathTransform? ToLonLat);

/// <summary>
/// Reads coordinate systems from WKT (ESRI .prj or OGC WKT 1, through ProjNet) and from EPSG codes of the systems
/// Chinese boundary files come in: WGS84 (4326), CGCS2000 (4490) and CGCS2000 Gauss-Krüger, 6-degree (4491-4512)
/// and 3-degree (4513-4554), with or without the zone number in the false easting. Only the CGCS2000 and WGS84
/// ellipsoids are taken (the two agree to 0.1 mm, and the service stores one as the other); Beijing 1954 and Xi'an 1980
/// data need a datum shift with local parameters and are refused with a message. Pure functions: thread-safe.
/// </summary>
internal static partial class PrjCrs
{
    /// <summary>CGCS2000 geographic as ArcGIS writes it in a .prj (GDAL reads it as EPSG:4490).</summary>
    public const string Cgcs2000EsriWkt =
        "GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\",DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

    /// <summary>EPSG:4490 in OGC WKT 1, as gpkg_spatial_ref_sys.definition holds it.</summary>
    public const string Cgcs2000OgcWkt =
        "GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101,AUTHORITY[\"EPSG\",\"1024\"]],AUTHORITY[\"EPSG\",\"1043\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4490\"]]";

    /// <summary>EPSG:4326 in OGC WKT 1.</summary>
    public const string Wgs84OgcWkt =
        "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4326\"]]";

    private const double Cgcs2000InverseFlattening = 298.257222101;
    private const double Wgs84InverseFlattening = 298.257223563;

    public static SourceCrs Wgs84 { get; } = new("wgs84", "WGS 84 (lon/lat)", false, null);
    public static SourceCrs Cgcs2000 { get; } = new("cgcs2000", "CGCS2000 (lon/lat)", false, null);

    /// <summary>
    /// The system named by <paramref name="wkt"/>; <paramref name="source"/> says where it came from for messages
    /// ("the .prj", "srs 4548 of the GeoPackage").
    /// </summary>
    /// <exception cref="BoundaryFileException">Not WKT ProjNet can read, a datum other than CGCS2000/WGS84, or a
    /// system that is neither geographic nor projected.</exception>
    public static SourceCrs FromWkt(string wkt, string source)
    {
        var text = TopLevelWkt(wkt);
        // ArcGIS names the Chinese Transverse Mercator "Gauss_Kruger"; ProjNet knows it as Transverse_Mercator.
        text = GaussKrugerProjection().Replace(text, "PROJECTION[\"Transverse_Mercator\"]");
        CoordinateSystem cs;
        try
        {
            cs = new CoordinateSystemFactory().CreateFromWkt(text);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new BoundaryFileException($"{Capital(source)} could not be read as a coordinate system ({ex.Message.TrimEnd('.')}): {Shorten(wkt)}. " +
                                            "Export the layer again from your GIS with its coordinate system, or name its crs (wgs84, cgcs2000, gcj02 or bd09) if it is lon/lat.");
        }
        switch (cs)
        {
            case GeographicCoordinateSystem geographic:
            {
                var datum = DatumName(geographic, source);
                var plainDegrees = Math.Abs(geographic.AngularUnit.RadiansPerUnit - Math.PI / 180) < 1e-12 && geographic.PrimeMeridian.Longitude == 0;
                return new SourceCrs(datum, $"{geographic.Name} (lon/lat)", false,
                    plainDegrees ? null : Transform(geographic, LonLatOn(geographic)));
            }
            case ProjectedCoordinateSystem projected:
            {
                var datum = DatumName(projected.GeographicCoordinateSystem, source);
                return new SourceCrs(ProjectedName(datum, projected.Projection), $"{projected.Name} (projected, {projected.LinearUnit.Name})", true,
                    Transform(projected, LonLatOn(projected.GeographicCoordinateSystem)));
            }
            default:
                throw new BoundaryFileException($"{Capital(source)} describes a {cs.GetType().Name.Replace("CoordinateSystem", "").ToLowerInvariant()} coordinate system, " +
                                                "not lon/lat or a map projection. Reproject the layer to CGCS2000 (EPSG:4490) in your GIS and send it again.");
        }
    }

    /// <summary>The system of an EPSG code this service knows without a definition, or null.</summary>
    public static SourceCrs? FromEpsg(int code)
    {
        switch (code)
        {
            case 4326: return Wgs84;
            case 4490: return Cgcs2000;
        }
        // (central meridian, false easting, name) of the CGCS2000 Gauss-Krüger systems.
        (int Cm, int FalseEasting, string Title)? gk = code switch
        {
            >= 4491 and <= 4501 => ((code - 4491 + 13) * 6 - 3, (code - 4491 + 13) * 1_000_000 + 500_000, $"CGCS2000 / Gauss-Kruger zone {code - 4491 + 13}"),
            >= 4502 and <= 4512 => (75 + (code - 4502) * 6, 500_000, $"CGCS2000 / Gauss-Kruger CM {75 + (code - 4502) * 6}E"),
            >= 4513 and <= 4533 => ((code - 4513 + 25) * 3, (code - 4513 + 25) * 1_000_000 + 500_000, $"CGCS2000 / 3-degree Gauss-Kruger zone {code - 4513 + 25}"),
            >= 4534 and <= 4554 => (75 + (code - 4534) * 3, 500_000, $"CGCS2000 / 3-degree Gauss-Kruger CM {75 + (code - 4534) * 3}E"),
            _ => null,
        };
        if (gk is not { } g) return null;
        var wkt = string.Create(CultureInfo.InvariantCulture,
            $"PROJCS[\"{g.Title}\",{Cgcs2000OgcWkt},PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",{g.Cm}]," +
            $"PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",{g.FalseEasting}],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1],AUTHORITY[\"EPSG\",\"{code}\"]]");
        return FromWkt(wkt, $"EPSG:{code}");
    }

    /// <summary>
    /// The first complete bracketed WKT in <paramref name="wkt"/>: drops a byte-order mark, surrounding whitespace, and
    /// anything after the horizontal system (an ArcGIS VERTCS, a trailing newline or garbage).
    /// </summary>
    private static string TopLevelWkt(string wkt)
    {
        var text = wkt.Trim().TrimStart('\uFEFF');
        var depth = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (c is '[' or '(') depth++;
            else if (c is ']' or ')' && --depth == 0) return text[..(i + 1)];
        }
        return text;
    }

    private static string DatumName(GeographicCoordinateSystem geographic, string source)
    {
        var ellipsoid = geographic.HorizontalDatum.Ellipsoid;
        var a = ellipsoid.SemiMajorAxis * ellipsoid.AxisUnit.MetersPerUnit;
        if (Math.Abs(a - 6378137.0) < 0.5)
        {
            if (Math.Abs(ellipsoid.InverseFlattening - Cgcs2000InverseFlattening) < 1e-6) return "cgcs2000";
            if (Math.Abs(ellipsoid.InverseFlattening - Wgs84InverseFlattening) < 1e-6) return "wgs84";
        }
        throw new BoundaryFileException(
            $"{Capital(source)} puts the data on datum {geographic.HorizontalDatum.Name} (ellipsoid {ellipsoid.Name}, a = {a.ToString("0.###", CultureInfo.InvariantCulture)} m), " +
            "not CGCS2000 or WGS84; shifting it needs local parameters this service does not have. " +
            "Reproject the layer to CGCS2000 (EPSG:4490) or a CGCS2000 Gauss-Kruger zone in your GIS and send it again.");
    }

    private static string ProjectedName(string datum, IProjection projection)
    {
        var kind = projection.ClassName.ToLowerInvariant();
        if (kind != "transverse_mercator") return $"{datum}-{kind.Replace('_', '-')}";
        var cm = Parameter(projection, "central_meridian") ?? 0;
        var k = Parameter(projection, "scale_factor") ?? 1;
        var family = Math.Abs(k - 1) < 1e-12 ? "gk" : Math.Abs(k - 0.9996) < 1e-12 ? "utm" : "tm";
        return $"{datum}-{family}-cm{cm.ToString("0.####", CultureInfo.InvariantCulture)}";
    }

    private static double? Parameter(IProjection projection, string name)
    {
        for (var i = 0; i < projection.NumParameters; i++)
        {
            var p = projection.GetParameter(i);
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) return p.Value;
        }
        return null;
    }

    /// <summary>Lon/lat in degrees from Greenwich on the datum of <paramref name="geographic"/>.</summary>
    private static GeographicCoordinateSystem LonLatOn(GeographicCoordinateSystem geographic) =>
        new CoordinateSystemFactory().CreateGeographicCoordinateSystem("lon/lat", AngularUnit.Degrees, geographic.HorizontalDatum, PrimeMeridian.Greenwich,
            new AxisInfo("Lon", AxisOrientationEnum.East), new AxisInfo("Lat", AxisOrientationEnum.North));

    private static MathTransform Transform(CoordinateSystem from, GeographicCoordinateSystem to) =>
        new CoordinateTransformationFactory().CreateFromCoordinateSystems(from, to).MathTransform;

    private static string Shorten(string wkt)
    {
        var flat = Regex.Replace(wkt.Trim(), @"\s+", " ");
        return flat.Length <= 120 ? $"\"{flat}\"" : $"\"{flat[..117]}...\"";
    }

    private static string Capital(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    [GeneratedRegex("""PROJECTION\s*\[\s*"Gauss_Kruger"\s*\]""", RegexOptions.IgnoreCase)]
    private static partial Regex GaussKrugerProjection();
}
