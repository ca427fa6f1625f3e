namespace GridGov.Geo.Coordinates;

/// <summary>The coordinate systems a caller may name for input.</summary>
public enum InputCrs
{
    /// <summary>CGCS2000 / WGS84 (GPS); stored as is.</summary>
    Wgs84,
    /// <summary>GCJ-02, the offset system of AMap/Gaode and Tencent maps.</summary>
    Gcj02,
    /// <summary>BD-09, Baidu's offset on top of GCJ-02.</summary>
    Bd09,
}

/// <summary>
/// Conversions between WGS84/CGCS2000 and the offset systems GCJ-02 and BD-09 used by consumer map SDKs.
/// The GCJ-02 inverse is iterative and accurate to well under 1 cm inside China. Pure functions: thread-safe.
/// </summary>
public static class ChinaOffsets
{
    private const double A = 6378245.0;
    private const double Ee = 0.00669342162296594323;
    private const double BdPi = Math.PI * 3000.0 / 180.0;

    /// <summary>Parses the <c>crs</c> request parameter; null or empty means WGS84.</summary>
    public static bool TryParse(string? value, out InputCrs crs)
    {
        switch (value?.Trim().ToLowerInvariant())
        {
            case null or "" or "wgs84" or "cgcs2000" or "epsg:4326" or "epsg:4490":
                crs = InputCrs.Wgs84;
                return true;
            case "gcj02" or "gcj-02":
                crs = InputCrs.Gcj02;
                return true;
            case "bd09" or "bd-09":
                crs = InputCrs.Bd09;
                return true;
            default:
                crs = InputCrs.Wgs84;
                return false;
        }
    }

    /// <summary>Converts a point given in <paramref name="crs"/> to WGS84.</summary>
    public static (double Lon, double Lat) ToWgs84(InputCrs crs, double lon, double lat) => crs switch
    {
        InputCrs.Gcj02 => Gcj02ToWgs84(lon, lat),
        InputCrs.Bd09 => Bd09ToWgs84(lon, lat),
        _ => (lon, lat),
    };

    /// <summary>True where the GCJ-02 offset applies (mainland China's rough bounding box).</summary>
    public static bool IsOffsetRegion(double lon, double lat) => lon is >= 72.004 and <= 137.8347 && lat is >= 0.8293 and <= 55.8271;

    public static (double Lon, double Lat) Wgs84ToGcj02(double lon, double lat)
    {
        if (!IsOffsetRegion(lon, lat)) return (lon, lat);
        var (dLon, dLat) = Delta(lon, lat);
        return (lon + dLon, lat + dLat);
    }

    public static (double Lon, double Lat) Gcj02ToWgs84(double lon, double lat)
    {
        if (!IsOffsetRegion(lon, lat)) return (lon, lat);
        // Fixed-point iteration: find w with forward(w) = g.
        double wLon = lon, wLat = lat;
        for (var i = 0; i < 30; i++)
        {
            var (gLon, gLat) = Wgs84ToGcj02(wLon, wLat);
            var eLon = gLon - lon;
            var eLat = gLat - lat;
            wLon -= eLon;
            wLat -= eLat;
            if (Math.Abs(eLon) < 1e-10 && Math.Abs(eLat) < 1e-10) break;
        }
        return (wLon, wLat);
    }

    public static (double Lon, double Lat) Gcj02ToBd09(double lon, double lat)
    {
        var z = Math.Sqrt(lon * lon + lat * lat) + 0.00002 * Math.Sin(lat * BdPi);
        var theta = Math.Atan2(lat, lon) + 0.000003 * Math.Cos(lon * BdPi);
        return (z * Math.Cos(theta) + 0.0065, z * Math.Sin(theta) + 0.006);
    }

    public static (double Lon, double Lat) Bd09ToGcj02(double lon, double lat)
    {
        var x = lon - 0.0065;
        var y = lat - 0.006;
        var z = Math.Sqrt(x * x + y * y) - 0.00002 * Math.Sin(y * BdPi);
        var theta = Math.Atan2(y, x) - 0.000003 * Math.Cos(x * BdPi);
        return (z * Math.Cos(theta), z * Math.Sin(theta));
    }

    public static (double Lon, double Lat) Bd09ToWgs84(double lon, double lat)
    {
        var (gLon, gLat) = Bd09ToGcj02(lon, lat);
        return Gcj02ToWgs84(gLon, gLat);
    }

    public static (double Lon, double Lat) Wgs84ToBd09(double lon, double lat)
    {
        var (gLon, gLat) = Wgs84ToGcj02(lon, lat);
        return Gcj02ToBd09(gLon, gLat);
    }

    private static (double DLon, double DLat) Delta(double lon, double lat)
    {
        var x = lon - 105.0;
        var y = lat - 35.0;
        var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.Sqrt(Math.Abs(x))
                   + (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0
                   + (20.0 * Math.Sin(y * Math.PI) + 40.0 * Math.Sin(y / 3.0 * Math.PI)) * 2.0 / 3.0
                   + (160.0 * Math.Sin(y / 12.0 * Math.PI) + 320.0 * Math.Sin(y * Math.PI / 30.0)) * 2.0 / 3.0;
        var dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.Sqrt(Math.Abs(x))
                   + (20.0 * Math.Sin(6.0 * x * Math.PI) + 20.0 * Math.Sin(2.0 * x * Math.PI)) * 2.0 / 3.0
                   + (20.0 * Math.Sin(x * Math.PI) + 40.0 * Math.Sin(x / 3.0 * Math.PI)) * 2.0 / 3.0
                   + (150.0 * Math.Sin(x / 12.0 * Math.PI) + 300.0 * Math.Sin(x / 30.0 * Math.PI)) * 2.0 / 3.0;
        var radLat = lat / 180.0 * Math.PI;
        var magic = Math.Sin(radLat);
        magic = 1 - Ee * magic * magic;
        var sqrtMagic = Math.Sqrt(magic);
        dLat = dLat * 180.0 / (A * (1 - Ee) / (magic * sqrtMagic) * Math.PI);
        dLon = dLon * 180.0 / (A / sqrtMagic * Math.Cos(radLat) * Math.PI);
        return (dLon, dLat);
    }
}
