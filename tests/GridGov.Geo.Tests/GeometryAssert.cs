using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridGov.Geo.Tests;

/// <summary>WKT in, WKT out: compares normalised geometries.</summary>
internal static class GeometryAssert
{
    private static readonly WKTReader Reader = new();

    public static Geometry Read(string wkt) => Reader.Read(wkt);

    public static void EqualWkt(string expected, Geometry actual)
    {
        var e = Read(expected).Normalized();
        var a = actual.Normalized();
        Assert.True(e.EqualsExact(a, 1e-9), $"expected {e.AsText()}\n  actual {a.AsText()}");
    }
}
