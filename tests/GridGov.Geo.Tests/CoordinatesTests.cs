using GridGov.Geo.Coordinates;

namespace GridGov.Geo.Tests;

public class CoordinatesTests
{
    [Theory]
    [InlineData(115.415, 114, 4547)]
    [InlineData(116.4, 117, 4548)]
    [InlineData(121.47, 120, 4549)]
    public void Zone_is_the_nearest_3_degree_central_meridian(double lon, int cm, int epsg)
    {
        var gk = GaussKruger.ForLongitude(lon);
        Assert.Equal(cm, gk.CentralMeridian);
        Assert.Equal(epsg, gk.Epsg);
    }

    [Fact]
    public void Central_meridian_on_the_equator_maps_to_false_easting()
    {
        var (x, y) = GaussKruger.ForLongitude(114).Forward(114, 0);
        Assert.Equal(500000, x, 6);
        Assert.Equal(0, y, 6);
    }

    [Fact]
    public void Forward_then_inverse_round_trips_and_measures_metres()
    {
        var gk = GaussKruger.ForLongitude(115.415);
        var (x1, y1) = gk.Forward(115.41, 25.95);
        var (x2, y2) = gk.Forward(115.42, 25.95);
        // 0.01 degree of longitude at 25.95N is about 1002 m on the ellipsoid.
        Assert.InRange(Math.Sqrt((x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1)), 1000, 1004);
        var (lon, lat) = gk.Inverse(x1, y1);
        Assert.Equal(115.41, lon, 9);
        Assert.Equal(25.95, lat, 9);
    }

    [Fact]
    public void Out_of_china_longitudes_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GaussKruger.ForLongitude(10));
    }

    [Fact]
    public void Gcj02_offset_is_hundreds_of_metres_and_inverts()
    {
        var (gLon, gLat) = ChinaOffsets.Wgs84ToGcj02(115.415, 25.955);
        var gk = GaussKruger.ForLongitude(115.415);
        var (ax, ay) = gk.Forward(115.415, 25.955);
        var (bx, by) = gk.Forward(gLon, gLat);
        Assert.InRange(Math.Sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay)), 100, 700);
        var (lon, lat) = ChinaOffsets.Gcj02ToWgs84(gLon, gLat);
        Assert.Equal(115.415, lon, 7);
        Assert.Equal(25.955, lat, 7);
    }

    [Fact]
    public void Bd09_inverts_through_gcj02()
    {
        var (bLon, bLat) = ChinaOffsets.Wgs84ToBd09(115.415, 25.955);
        var (lon, lat) = ChinaOffsets.ToWgs84(InputCrs.Bd09, bLon, bLat);
        Assert.Equal(115.415, lon, 6);
        Assert.Equal(25.955, lat, 6);
    }

    [Fact]
    public void No_offset_outside_china()
    {
        Assert.Equal((2.35, 48.85), ChinaOffsets.Wgs84ToGcj02(2.35, 48.85));
    }

    [Theory]
    [InlineData(null, InputCrs.Wgs84)]
    [InlineData("GCJ02", InputCrs.Gcj02)]
    [InlineData("bd09", InputCrs.Bd09)]
    [InlineData("cgcs2000", InputCrs.Wgs84)]
    public void Crs_names_parse(string? name, InputCrs expected)
    {
        Assert.True(ChinaOffsets.TryParse(name, out var crs));
        Assert.Equal(expected, crs);
    }

    [Fact]
    public void Unknown_crs_name_is_rejected() => Assert.False(ChinaOffsets.TryParse("mercator", out _));
}
