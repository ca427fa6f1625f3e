using NetTopologySuite.Geometries;

namespace GridGov.Geo.Files;

/// <summary>The boundary file formats county planners bring.</summary>
public enum BoundaryFormat
{
    /// <summary>An RFC 7946 GeoJSON FeatureCollection (UTF-8 text).</summary>
    GeoJson,
    /// <summary>An Esri Shapefile as a .zip holding .shp, .shx, .dbf, .prj (and .cpg).</summary>
    Shapefile,
    /// <summary>An OGC GeoPackage (an SQLite database).</summary>
    GeoPackage,
}

/// <summary>
/// One feature as read: its attributes (field name → value as text, invariant culture; null when missing or empty)
/// and its geometry in lon/lat degrees, CGCS2000 ≈ WGS84 (SRID 4490). Polygon or MultiPolygon as in the file; other
/// types (Point, LineString…) are kept as they are so the caller can refuse them with a message; null when the
/// feature has no geometry. <paramref name="Index"/> is the 0-based position in the file; messages count from 1
/// ("feature 3" is Index 2), as the grid import does. Immutable once read.
/// </summary>
public sealed record BoundaryFeature(int Index, IReadOnlyDictionary<string, string?> Attributes, Geometry? Geometry);

/// <summary>
/// What <see cref="BoundaryFiles.Read"/> found: the format, the coordinate system the coordinates were taken to be in
/// (<c>wgs84</c>, <c>cgcs2000</c>, <c>cgcs2000-gk-cm117</c>, <c>gcj02</c>, <c>bd09</c>…; after reading they are all
/// lon/lat SRID 4490), the attribute fields in file order, and every feature. Immutable.
/// </summary>
public sealed record BoundaryRead(BoundaryFormat Format, string CrsUsed, IReadOnlyList<string> Fields, IReadOnlyList<BoundaryFeature> Features);

/// <summary>
/// A boundary file that cannot be read as it is: not what it claims to be, no coordinate system to go by, a part
/// missing… The message is English, says what to do, and names the feature (counting from 1) and field where one is
/// to blame.
/// </summary>
public sealed class BoundaryFileException(string message) : Exception(message);
