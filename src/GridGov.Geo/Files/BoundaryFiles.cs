using System.Text;
using GridGov.Geo.Coordinates;
using NetTopologySuite.Geometries;

namespace GridGov.Geo.Files;

/// <summary>
/// Reads and writes the boundary files county planners bring: GeoJSON, zipped Esri Shapefile and GeoPackage, in WGS84,
/// CGCS2000 lon/lat, CGCS2000 Gauss-Krüger (EPSG:4491-4554, metres) or the consumer-map offsets GCJ-02 and BD-09
/// (which no file can show, so they must be named). What comes out is always lon/lat degrees, CGCS2000 ≈ WGS84,
/// SRID 4490, the way the service stores grids; what goes in to <see cref="Write"/> must be the same.
/// <para>How the file's own coordinate system and a named crs combine is described on <see cref="CrsPlan"/>: a named
/// gcj02/bd09 is removed after a lon/lat .prj, and refused with a projected one.</para>
/// <para>Temporary files (an unpacked Shapefile, a GeoPackage copy) go to a fresh directory under the system's temp
/// directory and are removed before the call returns. No state is shared between calls: both methods may be called from
/// several threads at once, each with its own stream (a stream itself is not shared). Big files are read whole into
/// memory (features, not raw bytes); bound the upload size before calling.</para>
/// </summary>
public static class BoundaryFiles
{
    private static readonly byte[] SqliteMagic = "SQLite format 3\0"u8.ToArray();

    static BoundaryFiles() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>
    /// Sniffs the format from the content (zip magic → Shapefile zip; "SQLite format 3" → GeoPackage; '{' → GeoJSON),
    /// checks it matches <paramref name="declared"/> (from the file name's extension or the caller) when given, and reads
    /// every feature, reprojected to lon/lat SRID 4490.
    /// </summary>
    /// <param name="file">The file, read from its current position; it need not be seekable (it is then copied to a
    /// temporary file first). Not disposed.</param>
    /// <param name="declared">The format the file claims to be, or null to go by the content alone.</param>
    /// <param name="crs">The caller's named crs (<see cref="InputCrs.Wgs84"/> also stands for CGCS2000), or null. A
    /// Shapefile without .prj and a GeoPackage layer with an undefined srs need one; GeoJSON without one is WGS 84.</param>
    /// <param name="progress">Gets a line every 1,000 features ("read 3,000 of 12,000 features") and a closing one
    /// for files of 1,000 features or more; called on the reading thread.</param>
    /// <param name="layer">The GeoPackage feature table to read; null for the first in gpkg_contents. Ignored for the
    /// other formats.</param>
    /// <exception cref="BoundaryFileException">The file is not what it claims, is damaged, has no coordinate system to
    /// go by, or its coordinates are not lon/lat once read; the message says what to do.</exception>
    public static BoundaryRead Read(Stream file, BoundaryFormat? declared, InputCrs? crs, Action<string>? progress = null, string? layer = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        var dir = (DirectoryInfo?)null;
        try
        {
            var stream = file;
            // A zip is found from its end and a GeoPackage is opened by path: read anything but a plain stream at 0 into a file.
            if (!file.CanSeek || file.Position != 0)
            {
                dir = Directory.CreateTempSubdirectory("gridgov-file-");
                stream = new FileStream(Path.Combine(dir.FullName, "upload"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.DeleteOnClose);
                file.CopyTo(stream);
                stream.Position = 0;
            }
            try
            {
                var sniffed = Sniff(stream);
                stream.Position = 0;
                var format = Check(sniffed, declared);
                switch (format)
                {
                    case BoundaryFormat.GeoJson:
                        return GeoJsonFile.Read(stream, crs, progress);
                    case BoundaryFormat.Shapefile:
                        return ShapefileZip.Read(stream, crs, progress);
                    default:
                        dir ??= Directory.CreateTempSubdirectory("gridgov-file-");
                        var path = Path.Combine(dir.FullName, "upload.gpkg");
                        using (var copy = new FileStream(path, FileMode.CreateNew, FileAccess.Write)) stream.CopyTo(copy);
                        return GeoPackageFile.Read(path, crs, progress, layer);
                }
            }
            finally
            {
                if (!ReferenceEquals(stream, file)) stream.Dispose();
            }
        }
        finally
        {
            Remove(dir);
        }
    }

    /// <summary>
    /// Writes <paramref name="features"/> (lon/lat, SRID 4490; string, number or boolean attributes, null for none) in
    /// <paramref name="format"/>: a GeoJSON FeatureCollection; a zipped Shapefile (.shp .shx .dbf .prj .cpg: CGCS2000
    /// geographic, UTF-8 DBF, field names cut to 10 bytes and made unique; polygons only); or a GeoPackage 1.2 (EPSG:4490,
    /// table <paramref name="layerName"/> with fid and geom). Each output reads back through <see cref="Read"/> and in
    /// GDAL/QGIS.
    /// </summary>
    /// <param name="output">Written from its current position; not disposed.</param>
    /// <param name="layerName">The GeoJSON "name", the Shapefile's file names inside the zip, the GeoPackage table.</param>
    /// <param name="fields">The attributes to write, in order; a feature without one has null there.</param>
    /// <exception cref="BoundaryFileException">A value the format cannot hold (a Shapefile text over 254 bytes).</exception>
    /// <exception cref="ArgumentException">A Shapefile asked for with a geometry that is not a polygon.</exception>
    public static void Write(Stream output, BoundaryFormat format, string layerName, IReadOnlyList<string> fields,
        IEnumerable<(IReadOnlyDictionary<string, object?> Attributes, Geometry Geometry)> features)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(features);
        layerName = string.IsNullOrWhiteSpace(layerName) ? "boundaries" : layerName.Trim();
        switch (format)
        {
            case BoundaryFormat.GeoJson:
                GeoJsonFile.Write(output, layerName, fields, features);
                break;
            case BoundaryFormat.Shapefile:
                ShapefileZip.Write(output, layerName, fields, features.ToList());
                break;
            case BoundaryFormat.GeoPackage:
                var dir = Directory.CreateTempSubdirectory("gridgov-file-");
                try
                {
                    var path = Path.Combine(dir.FullName, "out.gpkg");
                    GeoPackageFile.Write(path, layerName, fields, features.ToList());
                    using var file = new FileStream(path, FileMode.Open, FileAccess.Read);
                    file.CopyTo(output);
                }
                finally
                {
                    Remove(dir);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown boundary format.");
        }
    }

    private enum Content { Zip, Sqlite, Json, BareShp, Other }

    private static Content Sniff(Stream stream)
    {
        var head = new byte[1024];
        var length = 0;
        int read;
        while (length < head.Length && (read = stream.Read(head, length, head.Length - length)) > 0) length += read;
        var span = head.AsSpan(0, length);
        if (span.StartsWith("PK\x03\x04"u8) || span.StartsWith("PK\x05\x06"u8)) return Content.Zip;
        if (span.StartsWith(SqliteMagic)) return Content.Sqlite;
        if (span.StartsWith(new byte[] { 0x00, 0x00, 0x27, 0x0A })) return Content.BareShp;
        if (span.StartsWith("\xEF\xBB\xBF"u8)) span = span[3..];
        foreach (var b in span)
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
            return b == (byte)'{' ? Content.Json : Content.Other;
        }
        return Content.Other;
    }

    private static BoundaryFormat Check(Content content, BoundaryFormat? declared)
    {
        BoundaryFormat? found = content switch
        {
            Content.Zip => BoundaryFormat.Shapefile,
            Content.Sqlite => BoundaryFormat.GeoPackage,
            Content.Json => BoundaryFormat.GeoJson,
            _ => null,
        };
        if (found is { } f && (declared is null || declared == f)) return f;
        var what = content switch
        {
            Content.Zip => "a zip archive",
            Content.Sqlite => "a GeoPackage (SQLite database)",
            Content.Json => "GeoJSON text",
            Content.BareShp => "a bare .shp",
            _ => "neither GeoJSON, a zip nor a GeoPackage",
        };
        throw new BoundaryFileException((declared, content) switch
        {
            (_, Content.BareShp) => "The file is a bare .shp; a Shapefile is sent as one .zip holding its .shp, .shx, .dbf and .prj (and .cpg).",
            (BoundaryFormat.Shapefile, _) => $"The file is not a zipped Shapefile (it is {what}); zip the Shapefile's .shp, .shx, .dbf and .prj together and send the .zip.",
            (BoundaryFormat.GeoJson, Content.Other) => "The file is not GeoJSON: it does not start with '{'. Send a GeoJSON FeatureCollection.",
            (BoundaryFormat.GeoPackage, Content.Other) => "The file is not a GeoPackage: it does not start like an SQLite database.",
            (null, _) => "The file is neither GeoJSON, a zipped Shapefile nor a GeoPackage.",
            _ => $"The file was sent as {Name(declared.Value)} but is {what}; send it with the extension that fits (.geojson, .zip or .gpkg).",
        });
    }

    private static string Name(BoundaryFormat format) => format switch
    {
        BoundaryFormat.GeoJson => "GeoJSON",
        BoundaryFormat.Shapefile => "a zipped Shapefile",
        _ => "a GeoPackage",
    };

    private static void Remove(DirectoryInfo? dir)
    {
        if (dir is null) return;
        try { dir.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
