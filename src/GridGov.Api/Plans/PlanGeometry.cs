using System.Text.Json;
using GridGov.Geo.Coordinates;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;

namespace GridGov.Api.Plans;

/// <summary>Geometry chores of the plan features: multipolygons in SRID 4490, areas in m², GeoJSON input in a named crs.</summary>
public static class PlanGeometry
{
    public static readonly GeometryFactory Factory = new(new PrecisionModel(), GaussKruger.Cgcs2000Srid);

    private static readonly JsonSerializerOptions Json = new() { Converters = { new GeoJsonConverterFactory() } };

    public static MultiPolygon Multi(Geometry g)
    {
        var multi = g switch
        {
            MultiPolygon m => m,
            Polygon p => Factory.CreateMultiPolygon([p]),
            GeometryCollection c => Factory.CreateMultiPolygon(Enumerable.Range(0, c.NumGeometries).Select(c.GetGeometryN)
                .SelectMany(x => x is MultiPolygon mp ? mp.Geometries.Cast<Polygon>() : x is Polygon p ? [p] : []).ToArray()),
            _ => throw new ArgumentException($"A grid is a polygon, not a {g.GeometryType}."),
        };
        multi.SRID = GaussKruger.Cgcs2000Srid;
        return multi;
    }

    /// <summary>The area in m², measured in the Gauss-Krüger zone of the geometry, to 0.1 m².</summary>
    public static double AreaM2(Geometry g) =>
        g.IsEmpty ? 0 : Math.Round(GaussKruger.ForLongitude(g.EnvelopeInternal.Centre.X).Project(g).Area, 1);

    /// <summary>
    /// A GeoJSON geometry of a request, in lon/lat CGCS2000 (converted from gcj02/bd09 when named), or null with the
    /// problem in <paramref name="problem"/>.
    /// </summary>
    public static Geometry? Parse(JsonElement? element, InputCrs crs, out string? problem)
    {
        problem = null;
        if (element is not { ValueKind: JsonValueKind.Object } e)
        {
            problem = "is required: a GeoJSON geometry object ({ \"type\": ..., \"coordinates\": ... }).";
            return null;
        }
        Geometry? g;
        try
        {
            g = e.Deserialize<Geometry>(Json);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
        {
            problem = $"is not GeoJSON: {ex.Message}";
            return null;
        }
        if (g is null || g.IsEmpty)
        {
            problem = "is empty.";
            return null;
        }
        if (crs != InputCrs.Wgs84)
        {
            g = g.Copy();
            g.Apply(new OffsetFilter(crs));
            g.GeometryChanged();
        }
        g = Factory.CreateGeometry(g);
        if (g.Coordinates.Any(c => c.X is < -180 or > 180 || c.Y is < -90 or > 90 || double.IsNaN(c.X) || double.IsNaN(c.Y)))
        {
            problem = "has coordinates outside [-180..180, -90..90]: send [lon, lat] in degrees.";
            return null;
        }
        return g;
    }

    private sealed class OffsetFilter(InputCrs crs) : ICoordinateFilter
    {
        public void Filter(Coordinate c) => (c.X, c.Y) = ChinaOffsets.ToWgs84(crs, c.X, c.Y);
    }
}
