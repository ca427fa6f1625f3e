using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using GridGov.Geo.Coordinates;
using GridGov.Geo.Files;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Dbf.Fields;
using NetTopologySuite.IO.Esri.Shapefiles.Writers;

namespace GridGov.Geo.Tests;

/// <summary>
/// Boundary files made in the test with the same libraries GIS tools use (NetTopologySuite's Shapefile writer, SQLite,
/// GeoPackage blobs), and .prj files with the WKT text ArcGIS writes.
/// </summary>
public class BoundaryFilesTests
{
    // The .prj text ArcGIS writes for these systems.
    private const string EsriWgs84 = "GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\",SPHEROID[\"WGS_1984\",6378137.0,298.257223563]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";
    private const string EsriCgcs2000 = "GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\",DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";
    private const string EsriGkCm117 = "PROJCS[\"CGCS2000_3_Degree_GK_CM_117E\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\",DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Gauss_Kruger\"],PARAMETER[\"False_Easting\",500000.0],PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",117.0],PARAMETER[\"Scale_Factor\",1.0],PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";
    private const string EsriGkZone39 = "PROJCS[\"CGCS2000_3_Degree_GK_Zone_39\",GEOGCS[\"GCS_China_Geodetic_Coordinate_System_2000\",DATUM[\"D_China_2000\",SPHEROID[\"CGCS2000\",6378137.0,298.257222101]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]],PROJECTION[\"Gauss_Kruger\"],PARAMETER[\"False_Easting\",39500000.0],PARAMETER[\"False_Northing\",0.0],PARAMETER[\"Central_Meridian\",117.0],PARAMETER[\"Scale_Factor\",1.0],PARAMETER[\"Latitude_Of_Origin\",0.0],UNIT[\"Meter\",1.0]]";
    private const string EsriXian1980 = "GEOGCS[\"GCS_Xian_1980\",DATUM[\"D_Xian_1980\",SPHEROID[\"Xian_1980\",6378140.0,298.257]],PRIMEM[\"Greenwich\",0.0],UNIT[\"Degree\",0.0174532925199433]]";

    // EPSG:4548 as GDAL puts it in gpkg_spatial_ref_sys.definition.
    private const string OgcGkCm117 = "PROJCS[\"CGCS2000 / 3-degree Gauss-Kruger CM 117E\",GEOGCS[\"China Geodetic Coordinate System 2000\",DATUM[\"China_2000\",SPHEROID[\"CGCS2000\",6378137,298.257222101,AUTHORITY[\"EPSG\",\"1024\"]],AUTHORITY[\"EPSG\",\"1043\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AUTHORITY[\"EPSG\",\"4490\"]],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"latitude_of_origin\",0],PARAMETER[\"central_meridian\",117],PARAMETER[\"scale_factor\",1],PARAMETER[\"false_easting\",500000],PARAMETER[\"false_northing\",0],UNIT[\"metre\",1,AUTHORITY[\"EPSG\",\"9001\"]],AUTHORITY[\"EPSG\",\"4548\"]]";

    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4490);

    static BoundaryFilesTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    // A MultiPolygon whose first part has a hole, and a Polygon, with ten decimals so rounding would show.
    private const string MultiWithHole =
        "MULTIPOLYGON (((115.4012345678 25.9512345678, 115.4112345678 25.9512345678, 115.4112345678 25.9612345678, 115.4012345678 25.9612345678, 115.4012345678 25.9512345678)," +
        " (115.4042345678 25.9542345678, 115.4062345678 25.9542345678, 115.4062345678 25.9562345678, 115.4042345678 25.9562345678, 115.4042345678 25.9542345678))," +
        " ((115.4212345678 25.9512345678, 115.4312345678 25.9512345678, 115.4312345678 25.9612345678, 115.4212345678 25.9512345678)))";
    private const string Single = "POLYGON ((115.4312345678 25.9612345678, 115.4412345678 25.9612345678, 115.4412345678 25.9712345678, 115.4312345678 25.9612345678))";

    private static readonly string[] Fields = ["code", "name", "网格负责人姓名", "area", "households", "remark"];

    private static (IReadOnlyDictionary<string, object?>, Geometry)[] Sample() =>
    [
        (new Dictionary<string, object?> { ["code"] = "360781001001001", ["name"] = "城关镇第一网格", ["网格负责人姓名"] = "张三", ["area"] = 1234.5678, ["households"] = 42, ["remark"] = null }, Geo(MultiWithHole)),
        (new Dictionary<string, object?> { ["code"] = "360781001001002", ["name"] = "东门社区（二）", ["网格负责人姓名"] = "李四", ["area"] = 0.25, ["households"] = 7, ["remark"] = "" }, Geo(Single)),
    ];

    private static Geometry Geo(string wkt)
    {
        var g = GeometryAssert.Read(wkt);
        g.SRID = 4490;
        return g;
    }

    private static byte[] Written(BoundaryFormat format, string layer, IReadOnlyList<string> fields, IEnumerable<(IReadOnlyDictionary<string, object?>, Geometry)> features)
    {
        using var output = new MemoryStream();
        BoundaryFiles.Write(output, format, layer, fields, features);
        return output.ToArray();
    }

    private static BoundaryRead Read(byte[] file, BoundaryFormat? declared, InputCrs? crs = null, Action<string>? progress = null, string? layer = null) =>
        BoundaryFiles.Read(new MemoryStream(file), declared, crs, progress, layer);

    private static void SameGeometry(Geometry expected, Geometry? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(4490, actual.SRID);
        Assert.True(expected.Normalized().EqualsExact(actual.Normalized(), 1e-9), $"expected {expected.AsText()}\n  actual {actual.AsText()}");
    }

    [Theory]
    [InlineData(BoundaryFormat.GeoJson, "wgs84")]
    [InlineData(BoundaryFormat.Shapefile, "cgcs2000")]
    [InlineData(BoundaryFormat.GeoPackage, "cgcs2000")]
    public void Each_format_round_trips_chinese_text_numbers_and_a_multipolygon_with_a_hole(BoundaryFormat format, string crsUsed)
    {
        var file = Written(format, "城关镇网格", Fields, Sample());
        var read = Read(file, format);

        Assert.Equal(format, read.Format);
        Assert.Equal(crsUsed, read.CrsUsed);
        // A Shapefile's field names are cut to 10 bytes of UTF-8: three Chinese characters.
        var leader = format == BoundaryFormat.Shapefile ? "网格负" : "网格负责人姓名";
        Assert.Equal(["code", "name", leader, "area", "households", "remark"], read.Fields);
        Assert.Equal(2, read.Features.Count);
        var (first, second) = (read.Features[0], read.Features[1]);
        Assert.Equal((0, 1), (first.Index, second.Index));
        Assert.Equal("360781001001001", first.Attributes["code"]);
        Assert.Equal("城关镇第一网格", first.Attributes["name"]);
        Assert.Equal("东门社区（二）", second.Attributes["name"]);
        Assert.Equal("张三", first.Attributes[leader]);
        Assert.Equal("1234.5678", first.Attributes["area"]);
        Assert.Equal("0.25", second.Attributes["area"]);
        Assert.Equal("42", first.Attributes["households"]);
        Assert.Null(first.Attributes["remark"]);
        Assert.Null(second.Attributes["remark"]); // empty reads as missing

        var multi = Assert.IsType<MultiPolygon>(first.Geometry);
        Assert.Equal(2, multi.NumGeometries);
        Assert.Equal(1, ((Polygon)multi.GetGeometryN(0)).NumInteriorRings);
        SameGeometry(Geo(MultiWithHole), first.Geometry);
        // A GeoPackage layer mixing the two is written as MULTIPOLYGON (GDAL's PROMOTE_TO_MULTI).
        var single = format == BoundaryFormat.GeoPackage ? Factory.CreateMultiPolygon([(Polygon)Geo(Single)]) : Geo(Single);
        Assert.Equal(single.GeometryType, second.Geometry?.GeometryType);
        SameGeometry(single, second.Geometry);
    }

    [Theory]
    [InlineData(BoundaryFormat.GeoJson)]
    [InlineData(BoundaryFormat.Shapefile)]
    [InlineData(BoundaryFormat.GeoPackage)]
    public void An_empty_layer_round_trips(BoundaryFormat format)
    {
        var read = Read(Written(format, "空图层", ["code"], []), format);
        Assert.Empty(read.Features);
        if (format != BoundaryFormat.GeoJson) Assert.Equal(["code"], read.Fields); // GeoJSON has no schema without features
    }

    [Fact]
    public void The_shapefile_zip_has_the_parts_gdal_expects_with_a_cgcs2000_prj_and_a_utf8_dbf()
    {
        using var zip = new ZipArchive(new MemoryStream(Written(BoundaryFormat.Shapefile, "城关镇网格", Fields, Sample())));
        Assert.Equal(["城关镇网格.cpg", "城关镇网格.dbf", "城关镇网格.prj", "城关镇网格.shp", "城关镇网格.shx"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        Assert.Equal("UTF-8", Text(zip.GetEntry("城关镇网格.cpg")!));
        Assert.Equal(EsriCgcs2000, Text(zip.GetEntry("城关镇网格.prj")!));
        using var dbf = new MemoryStream();
        using (var s = zip.GetEntry("城关镇网格.dbf")!.Open()) s.CopyTo(dbf);
        var bytes = dbf.ToArray();
        Assert.Equal(0x03, bytes[0]); // dBASE III
        Assert.Equal(2, BitConverter.ToInt32(bytes, 4));
        // The third field descriptor's name: 网格负 in UTF-8, nul-padded.
        Assert.Equal("网格负", Encoding.UTF8.GetString(bytes, 32 + 2 * 32, 11).TrimEnd('\0'));
    }

    [Fact]
    public void The_geopackage_is_a_proper_one()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gridgov-test-{Guid.NewGuid():N}.gpkg");
        File.WriteAllBytes(path, Written(BoundaryFormat.GeoPackage, "城关镇网格", Fields, Sample()));
        try
        {
            using var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            db.Open();
            Assert.Equal(0x47504B47L, Scalar(db, "PRAGMA application_id"));
            Assert.Equal(10200L, Scalar(db, "PRAGMA user_version"));
            Assert.Equal("ok", Scalar(db, "PRAGMA integrity_check"));
            Assert.Null(Scalar(db, "PRAGMA foreign_key_check"));
            Assert.Equal(4L, Scalar(db, "SELECT count(*) FROM gpkg_spatial_ref_sys WHERE srs_id IN (-1, 0, 4326, 4490)"));
            Assert.Equal("features|城关镇网格|4490", Scalar(db, "SELECT data_type || '|' || identifier || '|' || srs_id FROM gpkg_contents WHERE table_name = '城关镇网格'"));
            Assert.Equal(115.4012345678, (double)Scalar(db, "SELECT min_x FROM gpkg_contents")!, 12);
            Assert.Equal("geom|MULTIPOLYGON|4490|0|0", Scalar(db, "SELECT column_name || '|' || geometry_type_name || '|' || srs_id || '|' || z || '|' || m FROM gpkg_geometry_columns"));
            Assert.Equal("1,2", Scalar(db, "SELECT group_concat(fid) FROM \"城关镇网格\""));
            var blob = (byte[])Scalar(db, "SELECT geom FROM \"城关镇网格\" WHERE fid = 1")!;
            // "GP", version 0, flags: little-endian, XY envelope; srs 4490; then the envelope's min x.
            Assert.Equal(new byte[] { 0x47, 0x50, 0, 0b0000_0011 }, blob[..4]);
            Assert.Equal(4490, BitConverter.ToInt32(blob, 4));
            Assert.Equal(115.4012345678, BitConverter.ToDouble(blob, 8), 12);
            Assert.Equal("TEXT|REAL|INTEGER", Scalar(db, "SELECT group_concat(type, '|') FROM pragma_table_info('城关镇网格') WHERE name IN ('area', 'households', 'name')"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_geojson_is_rfc_7946_with_counter_clockwise_shells()
    {
        using var json = JsonDocument.Parse(Written(BoundaryFormat.GeoJson, "城关镇网格", Fields, Sample()));
        var root = json.RootElement;
        Assert.Equal("FeatureCollection", root.GetProperty("type").GetString());
        Assert.Equal("城关镇网格", root.GetProperty("name").GetString());
        Assert.False(root.TryGetProperty("crs", out _));
        var feature = root.GetProperty("features")[0];
        Assert.Equal(42, feature.GetProperty("properties").GetProperty("households").GetInt32());
        var shell = feature.GetProperty("geometry").GetProperty("coordinates")[0][0].EnumerateArray()
            .Select(c => new Coordinate(c[0].GetDouble(), c[1].GetDouble())).ToArray();
        Assert.True(NetTopologySuite.Algorithm.Orientation.IsCCW(shell));
    }

    [Theory]
    [InlineData(EsriGkCm117, 0)]
    [InlineData(EsriGkZone39, 39_000_000)]
    public void A_gauss_kruger_shapefile_comes_back_within_a_centimetre_of_its_lon_lat(string prj, double zonePrefix)
    {
        (double Lon, double Lat)[] known = [(116.95, 31.80), (117.05, 31.80), (117.05, 31.90), (116.95, 31.90), (116.95, 31.80)];
        var gk = GaussKruger.ForLongitude(117);
        var metres = Factory.CreatePolygon(known.Select(p => gk.Forward(p.Lon, p.Lat)).Select(p => new Coordinate(p.X + zonePrefix, p.Y)).ToArray());
        var parts = ShapefileParts([metres], ["合肥网格"]);
        var read = Read(Zip(("grids.shp", parts[".shp"]), ("grids.shx", parts[".shx"]), ("grids.dbf", parts[".dbf"]), ("grids.prj", Encoding.UTF8.GetBytes(prj))), BoundaryFormat.Shapefile);

        Assert.Equal("cgcs2000-gk-cm117", read.CrsUsed);
        var ring = ((Polygon)read.Features[0].Geometry!).Shell.Coordinates;
        Assert.Equal(known.Length, ring.Length);
        foreach (var c in ring)
        {
            // The shell comes back clockwise (the Shapefile way) or not: match each vertex to its nearest known point.
            var (lon, lat) = known.MinBy(p => Math.Abs(p.Lon - c.X) + Math.Abs(p.Lat - c.Y));
            var (ex, ey) = gk.Forward(lon, lat);
            var (ax, ay) = gk.Forward(c.X, c.Y);
            Assert.InRange(Math.Sqrt((ax - ex) * (ax - ex) + (ay - ey) * (ay - ey)), 0, 0.01);
        }
        Assert.Equal("合肥网格", read.Features[0].Attributes["name"]);
    }

    [Fact]
    public void A_named_gcj02_is_converted_with_china_offsets()
    {
        (double Lon, double Lat)[] wgs = [(115.41, 25.95), (115.42, 25.95), (115.42, 25.96), (115.41, 25.95)];
        var gcj = wgs.Select(p => ChinaOffsets.Wgs84ToGcj02(p.Lon, p.Lat)).ToArray();
        var coordinates = string.Join(",", gcj.Select(p => FormattableString.Invariant($"[{p.Lon:R},{p.Lat:R}]")));
        var geoJson = $$$"""{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"高德描的网格"},"geometry":{"type":"Polygon","coordinates":[[{{{coordinates}}}]]}}]}""";

        var read = Read(Encoding.UTF8.GetBytes(geoJson), BoundaryFormat.GeoJson, InputCrs.Gcj02);

        Assert.Equal("gcj02", read.CrsUsed);
        var ring = ((Polygon)read.Features[0].Geometry!).Shell.Coordinates;
        for (var i = 0; i < ring.Length; i++)
        {
            var (lon, lat) = ChinaOffsets.Gcj02ToWgs84(gcj[i].Lon, gcj[i].Lat);
            Assert.Equal(lon, ring[i].X, 12);
            Assert.Equal(lat, ring[i].Y, 12);
            Assert.Equal(wgs[i].Lon, ring[i].X, 7);
            Assert.Equal(wgs[i].Lat, ring[i].Y, 7);
        }
        Assert.Equal(4490, read.Features[0].Geometry!.SRID);
    }

    [Fact]
    public void A_named_bd09_is_removed_after_a_wgs84_prj()
    {
        var bd = Factory.CreatePolygon(new[] { (115.41, 25.95), (115.42, 25.95), (115.42, 25.96), (115.41, 25.95) }
            .Select(p => ChinaOffsets.Wgs84ToBd09(p.Item1, p.Item2)).Select(p => new Coordinate(p.Lon, p.Lat)).ToArray());
        var parts = ShapefileParts([bd], ["百度描的网格"]);
        var read = Read(Zip(("g.shp", parts[".shp"]), ("g.shx", parts[".shx"]), ("g.dbf", parts[".dbf"]), ("g.prj", Encoding.UTF8.GetBytes(EsriWgs84))), null, InputCrs.Bd09);
        Assert.Equal("bd09", read.CrsUsed);
        var c = read.Features[0].Geometry!.Coordinates.MinBy(c => c.X + c.Y)!;
        Assert.Equal(115.41, c.X, 6);
        Assert.Equal(25.95, c.Y, 6);
    }

    [Fact]
    public void A_projected_prj_and_a_named_offset_contradict_each_other()
    {
        var parts = ShapefileParts([Factory.CreatePolygon([new(500000, 3500000), new(501000, 3500000), new(501000, 3501000), new(500000, 3500000)])], ["x"]);
        var ex = Assert.Throws<BoundaryFileException>(() =>
            Read(Zip(("g.shp", parts[".shp"]), ("g.shx", parts[".shx"]), ("g.dbf", parts[".dbf"]), ("g.prj", Encoding.UTF8.GetBytes(EsriGkCm117))), BoundaryFormat.Shapefile, InputCrs.Gcj02));
        Assert.Contains("CGCS2000_3_Degree_GK_CM_117E", ex.Message);
        Assert.Contains("never come projected", ex.Message);
    }

    [Fact]
    public void A_xian_1980_prj_is_refused_with_what_to_do()
    {
        var parts = ShapefileParts([Geo(Single)], ["x"]);
        var ex = Assert.Throws<BoundaryFileException>(() =>
            Read(Zip(("g.shp", parts[".shp"]), ("g.shx", parts[".shx"]), ("g.dbf", parts[".dbf"]), ("g.prj", Encoding.UTF8.GetBytes(EsriXian1980))), BoundaryFormat.Shapefile));
        Assert.Contains("D_Xian_1980", ex.Message);
        Assert.Contains("Reproject the layer to CGCS2000", ex.Message);
    }

    [Fact]
    public void A_zip_without_prj_needs_a_named_crs()
    {
        var parts = ShapefileParts([Geo(Single)], ["城关"]);
        var zip = Zip(("grids.shp", parts[".shp"]), ("grids.shx", parts[".shx"]), ("grids.dbf", parts[".dbf"]));

        var ex = Assert.Throws<BoundaryFileException>(() => Read(zip, BoundaryFormat.Shapefile));
        Assert.Contains("grids.shp has no .prj; name its crs (wgs84, cgcs2000, gcj02 or bd09)", ex.Message);

        var named = Read(zip, BoundaryFormat.Shapefile, InputCrs.Wgs84);
        Assert.Equal("wgs84", named.CrsUsed);
        SameGeometry(Geo(Single), named.Features[0].Geometry);
    }

    [Fact]
    public void Metres_without_a_prj_are_not_taken_for_degrees()
    {
        var parts = ShapefileParts([Factory.CreatePolygon([new(39500000, 3500000), new(39501000, 3500000), new(39501000, 3501000), new(39500000, 3500000)])], ["x"]);
        var ex = Assert.Throws<BoundaryFileException>(() =>
            Read(Zip(("g.shp", parts[".shp"]), ("g.shx", parts[".shx"]), ("g.dbf", parts[".dbf"])), BoundaryFormat.Shapefile, InputCrs.Wgs84));
        Assert.StartsWith("Feature 1's coordinates (39500000, 3500000) are not longitude/latitude", ex.Message);
        Assert.Contains("send it with one", ex.Message);
    }

    [Fact]
    public void A_text_file_claimed_as_a_shapefile_is_refused()
    {
        var ex = Assert.Throws<BoundaryFileException>(() => Read(Encoding.UTF8.GetBytes("网格编码,名称\n360781001001001,城关\n"), BoundaryFormat.Shapefile));
        Assert.Contains("not a zipped Shapefile", ex.Message);
        var json = Assert.Throws<BoundaryFileException>(() => Read(Encoding.UTF8.GetBytes("""{"type":"FeatureCollection","features":[]}"""), BoundaryFormat.Shapefile));
        Assert.Contains("not a zipped Shapefile (it is GeoJSON text)", json.Message);
        var bare = Assert.Throws<BoundaryFileException>(() => Read(ShapefileParts([Geo(Single)], ["x"])[".shp"], BoundaryFormat.Shapefile));
        Assert.Contains("bare .shp", bare.Message);
    }

    [Fact]
    public void Content_that_is_not_what_was_declared_is_refused()
    {
        var geoJson = Written(BoundaryFormat.GeoJson, "g", Fields, Sample());
        Assert.Contains("sent as a GeoPackage but is GeoJSON text", Assert.Throws<BoundaryFileException>(() => Read(geoJson, BoundaryFormat.GeoPackage)).Message);
        var zip = Written(BoundaryFormat.Shapefile, "g", Fields, Sample());
        Assert.Contains("sent as GeoJSON but is a zip archive", Assert.Throws<BoundaryFileException>(() => Read(zip, BoundaryFormat.GeoJson)).Message);
        Assert.Contains("neither GeoJSON, a zipped Shapefile nor a GeoPackage", Assert.Throws<BoundaryFileException>(() => Read("%PDF-1.7"u8.ToArray(), null)).Message);
        // Without a declared format the content decides.
        Assert.Equal(BoundaryFormat.Shapefile, Read(zip, null).Format);
    }

    [Fact]
    public void A_zip_with_two_shapefiles_is_refused_naming_them()
    {
        var parts = ShapefileParts([Geo(Single)], ["x"]);
        var prj = Encoding.UTF8.GetBytes(EsriCgcs2000);
        var ex = Assert.Throws<BoundaryFileException>(() => Read(Zip(
            ("a.shp", parts[".shp"]), ("a.shx", parts[".shx"]), ("a.dbf", parts[".dbf"]), ("a.prj", prj),
            ("b.shp", parts[".shp"]), ("b.shx", parts[".shx"]), ("b.dbf", parts[".dbf"]), ("b.prj", prj)), BoundaryFormat.Shapefile));
        Assert.Contains("The zip holds a.shp, b.shp; keep one", ex.Message);
    }

    [Theory]
    [InlineData(".dbf", "no grids.dbf")]
    [InlineData(".shx", "no grids.shx")]
    public void A_missing_part_is_named(string missing, string message)
    {
        var parts = ShapefileParts([Geo(Single)], ["x"]);
        parts[".prj"] = Encoding.UTF8.GetBytes(EsriCgcs2000);
        var entries = parts.Where(p => p.Key != missing && p.Key != ".cpg").Select(p => ("grids" + p.Key, p.Value)).ToArray();
        Assert.Contains(message, Assert.Throws<BoundaryFileException>(() => Read(Zip(entries), BoundaryFormat.Shapefile)).Message);
    }

    [Fact]
    public void Mac_junk_and_folders_in_the_zip_are_ignored_and_entry_names_never_become_paths()
    {
        var parts = ShapefileParts([Geo(Single)], ["城关"]);
        var read = Read(Zip(
            ("__MACOSX/../../._evil.shp", [0, 5, 22, 7]),
            ("../../evil/grids.shp", parts[".shp"]), ("../../evil/grids.SHX", parts[".shx"]), ("../../evil/grids.dbf", parts[".dbf"]),
            ("../../evil/grids.prj", Encoding.UTF8.GetBytes(EsriCgcs2000))), BoundaryFormat.Shapefile);
        Assert.Equal("城关", read.Features[0].Attributes["name"]);
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "..", "evil")));
        Assert.False(Directory.Exists("/evil"));
    }

    [Fact]
    public void Gbk_entry_names_of_a_chinese_windows_zip_are_named_right()
    {
        var parts = ShapefileParts([Geo(Single)], ["城关"]);
        // As Chinese Windows zip tools write them: GBK names, no UTF-8 flag.
        var zip = Zip(Encoding.GetEncoding(936), ("城关镇网格.shp", parts[".shp"]), ("城关镇网格.shx", parts[".shx"]));
        Assert.Contains("The zip holds 城关镇网格.shp but no 城关镇网格.dbf", Assert.Throws<BoundaryFileException>(() => Read(zip, BoundaryFormat.Shapefile)).Message);
    }

    [Fact]
    public void A_zipped_geopackage_is_named()
    {
        var zip = Zip(("grids.gpkg", Written(BoundaryFormat.GeoPackage, "grids", Fields, Sample())));
        Assert.Contains("The zip holds grids.gpkg, not a Shapefile; send that file itself, unzipped", Assert.Throws<BoundaryFileException>(() => Read(zip, null)).Message);
    }

    [Fact]
    public void A_zip_that_unpacks_past_the_cap_is_refused()
    {
        var parts = ShapefileParts([Geo(Single)], ["x"]);
        // 4 MB of zeros deflate to a few kilobytes.
        var zip = Zip(("g.shp", parts[".shp"]), ("g.shx", parts[".shx"]), ("g.dbf", new byte[4 * 1024 * 1024]), ("g.prj", Encoding.UTF8.GetBytes(EsriCgcs2000)));
        Assert.True(zip.Length < 100_000);
        var ex = Assert.Throws<BoundaryFileException>(() => ShapefileZip.Read(new MemoryStream(zip), null, null, maxUnpackedBytes: 1024 * 1024));
        Assert.Contains("unpacks to more than 1 MB", ex.Message);
    }

    [Theory]
    [InlineData("GBK")]
    [InlineData("936")]
    [InlineData("CP936")]
    [InlineData(null)] // no .cpg and no code page in the DBF: not UTF-8, so GBK
    public void A_gbk_dbf_reads_chinese(string? cpg)
    {
        var gbk = Encoding.GetEncoding(936);
        var parts = ShapefileParts([Geo(Single), Geo(Single)], ["城关镇第一网格", "东门社区"], gbk);
        Assert.Equal(gbk.GetBytes("城关镇第一网格"), parts[".dbf"].AsSpan().Slice(parts[".dbf"].AsSpan().IndexOf(gbk.GetBytes("城关")), 14).ToArray());
        var entries = new List<(string, byte[])> { ("g.shp", parts[".shp"]), ("g.shx", parts[".shx"]), ("g.dbf", parts[".dbf"]), ("g.prj", Encoding.UTF8.GetBytes(EsriCgcs2000)) };
        if (cpg is null) parts[".dbf"][29] = 0; // the DBF's language driver byte: none
        else entries.Add(("g.cpg", Encoding.ASCII.GetBytes(cpg)));
        var read = Read(Zip(entries.ToArray()), BoundaryFormat.Shapefile);
        Assert.Equal(["城关镇第一网格", "东门社区"], read.Features.Select(f => f.Attributes["name"]));
    }

    [Fact]
    public void A_utf8_dbf_without_cpg_stays_utf8()
    {
        var parts = ShapefileParts([Geo(Single)], ["城关镇第一网格"], Encoding.UTF8);
        Assert.Equal(0, parts[".dbf"][29]);
        var read = Read(Zip(("g.shp", parts[".shp"]), ("g.shx", parts[".shx"]), ("g.dbf", parts[".dbf"]), ("g.prj", Encoding.UTF8.GetBytes(EsriCgcs2000))), BoundaryFormat.Shapefile);
        Assert.Equal("城关镇第一网格", read.Features[0].Attributes["name"]);
    }

    [Fact]
    public void A_point_feature_passes_through_for_the_caller_to_refuse()
    {
        var geoJson = """
            {"type":"FeatureCollection","features":[
              {"type":"Feature","properties":{"code":"a","note":null},"geometry":{"type":"Point","coordinates":[115.41,25.95]}},
              {"type":"Feature","properties":{"code":"b","extra":{"k":[1,2]}},"geometry":{"type":"Polygon","coordinates":[[[115.40,25.95],[115.41,25.95],[115.41,25.96],[115.40,25.95]]]}},
              {"type":"Feature","properties":null,"geometry":null}
            ]}
            """;
        var read = Read(Encoding.UTF8.GetBytes(geoJson), BoundaryFormat.GeoJson);
        Assert.Equal("wgs84", read.CrsUsed);
        Assert.Equal(["code", "note", "extra"], read.Fields);
        var point = Assert.IsType<Point>(read.Features[0].Geometry);
        Assert.Equal((115.41, 25.95, 4490), (point.X, point.Y, point.SRID));
        Assert.IsType<Polygon>(read.Features[1].Geometry);
        Assert.Null(read.Features[2].Geometry);
        Assert.Null(read.Features[0].Attributes["extra"]); // every feature lists every field
        Assert.Equal("""{"k":[1,2]}""", read.Features[1].Attributes["extra"]);
        Assert.Null(read.Features[2].Attributes["code"]);
    }

    [Fact]
    public void A_geojson_crs_member_naming_a_gauss_kruger_zone_is_inverse_projected()
    {
        var gk = GaussKruger.ForLongitude(117);
        var (x, y) = gk.Forward(117.02, 31.85);
        var geoJson = FormattableString.Invariant($$$"""{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4548"}},"features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[{{{x:R}}},{{{y:R}}}]}}]}""");
        var read = Read(Encoding.UTF8.GetBytes(geoJson), BoundaryFormat.GeoJson);
        Assert.Equal("cgcs2000-gk-cm117", read.CrsUsed);
        var p = (Point)read.Features[0].Geometry!;
        Assert.Equal(117.02, p.X, 9);
        Assert.Equal(31.85, p.Y, 9);
        var unknown = geoJson.Replace("EPSG::4548", "EPSG::2385");
        Assert.Contains("EPSG::2385", Assert.Throws<BoundaryFileException>(() => Read(Encoding.UTF8.GetBytes(unknown), BoundaryFormat.GeoJson)).Message);
    }

    [Fact]
    public void A_broken_geometry_names_its_feature()
    {
        var geoJson = """{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[115.41,25.95]}},{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":"oops"}}]}""";
        Assert.StartsWith("Feature 2's geometry is not valid GeoJSON", Assert.Throws<BoundaryFileException>(() => Read(Encoding.UTF8.GetBytes(geoJson), null)).Message);
        Assert.StartsWith("The file is not valid JSON", Assert.Throws<BoundaryFileException>(() => Read("{\"type\":"u8.ToArray(), null)).Message);
    }

    [Theory]
    [InlineData(BoundaryFormat.GeoJson)]
    [InlineData(BoundaryFormat.Shapefile)]
    [InlineData(BoundaryFormat.GeoPackage)]
    public void Progress_is_told_every_thousand_features(BoundaryFormat format)
    {
        var features = Enumerable.Range(0, 2500).Select(i =>
        {
            double x = 115 + i % 50 * 0.001, y = 25 + i / 50 * 0.001;
            var square = Factory.CreatePolygon([new(x, y), new(x + 0.001, y), new(x + 0.001, y + 0.001), new(x, y + 0.001), new(x, y)]);
            return ((IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["code"] = $"g{i}" }, (Geometry)square);
        });
        var lines = new List<string>();
        var read = Read(Written(format, "grids", ["code"], features), format, progress: lines.Add);
        Assert.Equal(2500, read.Features.Count);
        Assert.Equal("g2499", read.Features[2499].Attributes["code"]);
        Assert.Equal(["read 1,000 of 2,500 features", "read 2,000 of 2,500 features", "read 2,500 of 2,500 features"], lines);
    }

    [Fact]
    public void A_gauss_kruger_geopackage_layer_is_read_by_name_through_its_srs_definition()
    {
        var gk = GaussKruger.ForLongitude(117);
        (double Lon, double Lat)[] known = [(116.95, 31.80), (117.05, 31.80), (117.05, 31.90), (116.95, 31.80)];
        var metres = Factory.CreatePolygon(known.Select(p => gk.Forward(p.Lon, p.Lat)).Select(p => new Coordinate(p.X, p.Y)).ToArray());
        metres.SRID = 4548;
        var path = Path.Combine(Path.GetTempPath(), $"gridgov-test-{Guid.NewGuid():N}.gpkg");
        try
        {
            using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                db.Open();
                Execute(db, """
                    PRAGMA application_id = 1196444487;
                    CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
                    CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
                    CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL);
                    CREATE TABLE "社区" (fid INTEGER PRIMARY KEY AUTOINCREMENT, shape POLYGON, 名称 TEXT);
                    CREATE TABLE "街道" (OBJECTID INTEGER PRIMARY KEY AUTOINCREMENT, shape POLYGON, 名称 TEXT, 面积 REAL, 在用 BOOLEAN);
                    INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES ('社区', 'features', '社区', 4548), ('街道', 'features', '街道', 4548);
                    INSERT INTO gpkg_geometry_columns VALUES ('社区', 'shape', 'POLYGON', 4548, 0, 0), ('街道', 'shape', 'POLYGON', 4548, 0, 0);
                    """);
                using (var cmd = db.CreateCommand())
                {
                    cmd.CommandText = "INSERT INTO gpkg_spatial_ref_sys VALUES ('CGCS2000 / 3-degree Gauss-Kruger CM 117E', 4548, 'EPSG', 4548, $def, NULL)";
                    cmd.Parameters.AddWithValue("$def", OgcGkCm117);
                    cmd.ExecuteNonQuery();
                }
                using (var cmd = db.CreateCommand())
                {
                    cmd.CommandText = "INSERT INTO \"街道\" (shape, 名称, 面积, 在用) VALUES ($g, '城关街道', 12.5, 1)";
                    cmd.Parameters.AddWithValue("$g", new GeoPackageGeoWriter { HandleOrdinates = Ordinates.XY }.Write(metres));
                    cmd.ExecuteNonQuery();
                }
            }
            var lines = new List<string>();
            var read = Read(File.ReadAllBytes(path), BoundaryFormat.GeoPackage, progress: lines.Add, layer: "街道");
            Assert.Equal("cgcs2000-gk-cm117", read.CrsUsed);
            Assert.Equal(["名称", "面积", "在用"], read.Fields);
            var feature = Assert.Single(read.Features);
            Assert.Equal("城关街道", feature.Attributes["名称"]);
            Assert.Equal("12.5", feature.Attributes["面积"]);
            Assert.Equal("true", feature.Attributes["在用"]);
            var ring = ((Polygon)feature.Geometry!).Shell.Coordinates;
            for (var i = 0; i < known.Length; i++)
            {
                var (ex, ey) = gk.Forward(known[i].Lon, known[i].Lat);
                var (ax, ay) = gk.Forward(ring[i].X, ring[i].Y);
                Assert.InRange(Math.Sqrt((ax - ex) * (ax - ex) + (ay - ey) * (ay - ey)), 0, 0.01);
            }
            Assert.Empty(lines);

            // Without a layer: the first feature table, and the others are mentioned.
            var first = Read(File.ReadAllBytes(path), null, progress: lines.Add);
            Assert.Empty(first.Features);
            Assert.Equal(["名称"], first.Fields);
            Assert.Equal(["the GeoPackage holds 2 feature tables (社区, 街道); reading 社区"], lines);
            Assert.Contains("no feature table \"乡镇\"; it holds 社区, 街道", Assert.Throws<BoundaryFileException>(() => Read(File.ReadAllBytes(path), null, layer: "乡镇")).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_sqlite_database_that_is_not_a_geopackage_is_refused()
    {
        var path = Path.Combine(Path.GetTempPath(), $"gridgov-test-{Guid.NewGuid():N}.sqlite");
        try
        {
            using (var db = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                db.Open();
                Execute(db, "CREATE TABLE grids (code TEXT)");
            }
            var ex = Assert.Throws<BoundaryFileException>(() => Read(File.ReadAllBytes(path), null));
            Assert.Equal("The file is an SQLite database but not a GeoPackage (it has no gpkg_contents table).", ex.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_stream_that_cannot_seek_is_read_too()
    {
        var file = Written(BoundaryFormat.GeoPackage, "grids", Fields, Sample());
        using var pipe = new ForwardOnlyStream(new MemoryStream(file));
        Assert.Equal(2, BoundaryFiles.Read(pipe, BoundaryFormat.GeoPackage, null).Features.Count);

        // A zip further into a stream is read from where the stream stands.
        using var prefixed = new MemoryStream();
        prefixed.Write("skip me"u8);
        prefixed.Write(Written(BoundaryFormat.Shapefile, "grids", Fields, Sample()));
        prefixed.Position = "skip me"u8.Length;
        Assert.Equal(2, BoundaryFiles.Read(prefixed, BoundaryFormat.Shapefile, null).Features.Count);
    }

    [Fact]
    public void Dbf_field_names_are_cut_to_ten_bytes_and_made_unique()
    {
        Assert.Equal(["name", "NAME_1", "abcdefghij", "abcdefgh_1", "网格负", "网格_1"],
            ShapefileZip.DbfNames(["name", "NAME", "abcdefghijkl", "abcdefghijXX", "网格负责人", "网格负责"]));
    }

    /// <summary>The written files, read by GDAL where it is installed (it is not on the project's machines).</summary>
    [GdalFact]
    public void Gdal_reads_what_is_written()
    {
        var dir = Directory.CreateTempSubdirectory("gridgov-gdal-");
        try
        {
            foreach (var (format, name) in new[] { (BoundaryFormat.GeoJson, "out.geojson"), (BoundaryFormat.Shapefile, "out.zip"), (BoundaryFormat.GeoPackage, "out.gpkg") })
            {
                var path = Path.Combine(dir.FullName, name);
                File.WriteAllBytes(path, Written(format, "grids", Fields, Sample()));
                var info = Run("ogrinfo", "-ro", "-al", "-so", (format == BoundaryFormat.Shapefile ? "/vsizip/" : "") + path);
                Assert.Contains("Feature Count: 2", info);
                if (format != BoundaryFormat.GeoJson) Assert.Matches("China Geodetic Coordinate System 2000|CGCS2000|China_2000", info);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private sealed class GdalFactAttribute : FactAttribute
    {
        public GdalFactAttribute()
        {
            var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => d.Length > 0 && File.Exists(Path.Combine(d, "ogrinfo")));
            if (!found) Skip = "GDAL's ogrinfo is not installed";
        }
    }

    private static string Run(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output);
        return output;
    }

    /// <summary>The parts of a Shapefile of polygons with a "name" field, as NetTopologySuite's writer makes them.</summary>
    private static Dictionary<string, byte[]> ShapefileParts(IReadOnlyList<Geometry> polygons, IReadOnlyList<string> names, Encoding? encoding = null)
    {
        var dir = Directory.CreateTempSubdirectory("gridgov-test-shp-");
        try
        {
            var shp = Path.Combine(dir.FullName, "layer.shp");
            var options = new ShapefileWriterOptions(ShapeType.Polygon, new DbfCharacterField("name", 50)) { Encoding = encoding };
            using (var writer = Shapefile.OpenWrite(shp, options))
            {
                for (var i = 0; i < polygons.Count; i++)
                {
                    writer.Fields[0].Value = names[i];
                    writer.Geometry = polygons[i] as MultiPolygon ?? Factory.CreateMultiPolygon([(Polygon)polygons[i]]);
                    writer.Write();
                }
            }
            return dir.GetFiles().ToDictionary(f => f.Extension, f => File.ReadAllBytes(f.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static byte[] Zip(params (string Name, byte[] Content)[] entries) => Zip(null, entries);

    private static byte[] Zip(Encoding? names, params (string Name, byte[] Content)[] entries)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, names))
        {
            foreach (var (name, content) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
                s.Write(content);
            }
        }
        return output.ToArray();
    }

    private static string Text(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 1000));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
