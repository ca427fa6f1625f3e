using System.Globalization;
using System.IO.Compression;
using System.Text;
using GridGov.Geo.Coordinates;
using NetTopologySuite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Esri;
using NetTopologySuite.IO.Esri.Dbf.Fields;
using NetTopologySuite.IO.Esri.Shapefiles.Readers;
using NetTopologySuite.IO.Esri.Shapefiles.Writers;

namespace GridGov.Geo.Files;

/// <summary>
/// A zipped Esri Shapefile, read and written with NetTopologySuite.IO.Esri.Shapefile.
/// <para>Reading: the zip must hold exactly one .shp (macOS "__MACOSX/" and "._" entries are ignored) with its .shx
/// and .dbf beside it; the .prj gives the coordinate system and the .cpg the DBF encoding. Only those parts are
/// unpacked, under fixed names of this code's choosing in a fresh temporary directory (so no entry name can reach
/// outside it), at most <see cref="MaxUnpackedBytes"/> in all and from a zip of at most <see cref="MaxEntries"/>
/// entries; the directory is removed afterwards. Without a .cpg, a DBF whose language byte names no code page is
/// taken as UTF-8 when its text is valid UTF-8 and as GBK (code page 936) otherwise: Chinese county files without a
/// .cpg are nearly always GBK.</para>
/// <para>Writing: .shp, .shx, .dbf (UTF-8), .cpg ("UTF-8") and .prj (CGCS2000 geographic, ESRI WKT) under the layer's
/// name; DBF field names are cut to 10 bytes of UTF-8 (3 Chinese characters) and made unique, as GDAL does. (The
/// library numbers a field called "Id" where its value is null, as ArcGIS does.) Zip entry names are UTF-8 and
/// flagged so; names without the flag are read as GBK, as Chinese Windows zip tools write them.</para>
/// Stateless; each call works on its own files, so calls may run on several threads at once.
/// </summary>
internal static class ShapefileZip
{
    public const long MaxUnpackedBytes = 512L * 1024 * 1024;
    public const int MaxEntries = 10_000;
    private const int MaxSideFileBytes = 64 * 1024;
    private const int DbfTextLimit = 254;

    private const string NoPrjMessage = "The Shapefile has no .prj; name its crs (wgs84, cgcs2000, gcj02 or bd09).";

    static ShapefileZip() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <param name="maxUnpackedBytes">The cap on the unpacked parts; <see cref="MaxUnpackedBytes"/> but for tests.</param>
    public static BoundaryRead Read(Stream zip, InputCrs? crs, Action<string>? progress, long maxUnpackedBytes = MaxUnpackedBytes)
    {
        ZipArchive archive;
        try
        {
            // Entry names without the zip's UTF-8 flag are read as GBK: Chinese Windows zip tools write them so (ASCII reads the same).
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true, Encoding.GetEncoding(936));
        }
        catch (InvalidDataException)
        {
            throw new BoundaryFileException("The file is not a zipped Shapefile: it starts like a zip but is damaged or cut short.");
        }
        using (archive)
        {
            if (archive.Entries.Count > MaxEntries)
                throw new BoundaryFileException($"The zip holds more than {MaxEntries:N0} entries; send a zip with just the Shapefile's parts (.shp, .shx, .dbf, .prj, .cpg).");
            var files = archive.Entries.Where(e => !e.FullName.EndsWith('/') && !e.FullName.EndsWith('\\') && !IsMacJunk(e.FullName)).ToList();
            var shps = files.Where(e => Extension(e.FullName) == ".shp").ToList();
            if (shps.Count == 0 && files.FirstOrDefault(f => Extension(f.FullName) is ".gpkg" or ".geojson" or ".json") is { } other)
                throw new BoundaryFileException($"The zip holds {other.FullName}, not a Shapefile; send that file itself, unzipped.");
            if (shps.Count == 0)
                throw new BoundaryFileException(files.Count == 0
                    ? "The zip is empty; it should hold a Shapefile (.shp, .shx, .dbf, .prj)."
                    : $"The zip holds no .shp file (it holds {List(files.Select(f => f.FullName))}); zip the Shapefile's .shp, .shx, .dbf and .prj together.");
            if (shps.Count > 1)
                throw new BoundaryFileException($"The zip holds {List(shps.Select(s => s.FullName))}; keep one Shapefile per zip.");
            var shp = shps[0];
            var stem = shp.FullName[..^4];
            ZipArchiveEntry? Part(string ext) => files.FirstOrDefault(f => f.FullName.Length == stem.Length + 4
                && f.FullName.StartsWith(stem, StringComparison.OrdinalIgnoreCase) && Extension(f.FullName) == ext);
            var name = shp.FullName;
            var dbf = Part(".dbf") ?? throw new BoundaryFileException($"The zip holds {name} but no {stem}.dbf: the attributes are missing. Zip the .shp, .shx, .dbf and .prj together.");
            var shx = Part(".shx") ?? throw new BoundaryFileException($"The zip holds {name} but no {stem}.shx: the shape index is missing. Zip the .shp, .shx, .dbf and .prj together.");
            var prj = Part(".prj");
            var cpg = Part(".cpg") ?? Part(".cst");

            var dir = Directory.CreateTempSubdirectory("gridgov-shp-");
            try
            {
                var budget = maxUnpackedBytes;
                var shpPath = Path.Combine(dir.FullName, "layer.shp");
                var dbfPath = Path.Combine(dir.FullName, "layer.dbf");
                Unpack(shp, shpPath, ref budget, maxUnpackedBytes);
                Unpack(shx, Path.Combine(dir.FullName, "layer.shx"), ref budget, maxUnpackedBytes);
                Unpack(dbf, dbfPath, ref budget, maxUnpackedBytes);
                var prjText = prj is null ? null : SideText(prj);
                var cpgText = cpg is null ? null : SideText(cpg);

                var fileCrs = string.IsNullOrWhiteSpace(prjText) ? null : PrjCrs.FromWkt(prjText, $"the .prj ({prj!.FullName})");
                var plan = CrsPlan.Resolve(fileCrs, crs, "the .prj", NoPrjMessage.Replace("The Shapefile", $"The Shapefile {name}"));
                var encoding = CpgEncoding(cpgText, cpg?.FullName) ?? SniffDbfEncoding(dbfPath);
                return ReadShapefile(shpPath, name, encoding, plan, progress);
            }
            finally
            {
                try { dir.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
    }

    private static BoundaryRead ReadShapefile(string shpPath, string name, Encoding? encoding, CrsPlan plan, Action<string>? progress)
    {
        var factory = NtsGeometryServices.Instance.CreateGeometryFactory(GaussKruger.Cgcs2000Srid);
        var options = new ShapefileReaderOptions { Factory = factory, Encoding = encoding, GeometryBuilderMode = GeometryBuilderMode.FixInvalidShapes };
        ShapefileReader reader;
        try
        {
            reader = Shapefile.OpenRead(shpPath, options);
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException or ArgumentException or InvalidDataException or ShapefileException)
        {
            throw new BoundaryFileException($"{name} could not be read as a Shapefile ({ex.Message.TrimEnd('.')}). Export it again from your GIS.");
        }
        using (reader)
        {
            var fields = reader.Fields.Select(f => f.Name).ToList();
            var total = reader.RecordCount;
            var features = new List<BoundaryFeature>(Math.Min(total, 1_000_000));
            while (true)
            {
                var index = features.Count;
                try
                {
                    if (!reader.Read()) break;
                }
                catch (Exception ex) when (ex is IOException or NotSupportedException or ArgumentException or InvalidDataException or ShapefileException or FormatException or OverflowException or InvalidCastException)
                {
                    throw new BoundaryFileException($"Feature {index + 1} of {name} could not be read ({ex.Message.TrimEnd('.')}). Repair or export the layer again from your GIS.");
                }
                var attributes = new Dictionary<string, string?>(fields.Count, StringComparer.Ordinal);
                foreach (var field in reader.Fields) attributes[field.Name] = AttributeText.Of(field.Value);
                var shape = reader.Geometry is { IsEmpty: false } g ? Single(g.Copy()) : null;
                features.Add(new BoundaryFeature(index, attributes, plan.Apply(shape, index)));
                AttributeText.Progress(progress, features.Count, total);
            }
            AttributeText.Done(progress, features.Count, total);
            return new BoundaryRead(BoundaryFormat.Shapefile, plan.CrsUsed, fields, features);
        }
    }

    /// <summary>A Shapefile polygon is always a MultiPolygon; one part reads as the Polygon it is (as GDAL reports it).</summary>
    private static Geometry Single(Geometry g) => g is MultiPolygon { NumGeometries: 1 } m ? m.GetGeometryN(0) : g;

    public static void Write(Stream output, string layerName, IReadOnlyList<string> fields, IReadOnlyList<(IReadOnlyDictionary<string, object?> Attributes, Geometry Geometry)> features)
    {
        var factory = NtsGeometryServices.Instance.CreateGeometryFactory(GaussKruger.Cgcs2000Srid);
        var dbfNames = DbfNames(fields);
        var dbfFields = new DbfField[fields.Count];
        for (var f = 0; f < fields.Count; f++) dbfFields[f] = DbfFieldFor(dbfNames[f], fields[f], features);
        for (var i = 0; i < features.Count; i++)
        {
            if (features[i].Geometry is not (Polygon or MultiPolygon))
                throw new ArgumentException($"Feature {i + 1} is a {features[i].Geometry?.GeometryType ?? "null"}; a Shapefile of boundaries holds polygons only.", nameof(features));
        }

        var dir = Directory.CreateTempSubdirectory("gridgov-shp-");
        try
        {
            var shpPath = Path.Combine(dir.FullName, "layer.shp");
            var options = new ShapefileWriterOptions(ShapeType.Polygon, dbfFields) { Encoding = Encoding.UTF8, Projection = PrjCrs.Cgcs2000EsriWkt };
            using (var writer = Shapefile.OpenWrite(shpPath, options))
            {
                for (var i = 0; i < features.Count; i++)
                {
                    var (attributes, geometry) = features[i];
                    for (var f = 0; f < fields.Count; f++)
                        writer.Fields[f].Value = DbfValue(dbfFields[f], attributes.GetValueOrDefault(fields[f]));
                    writer.Geometry = geometry as MultiPolygon ?? factory.CreateMultiPolygon([(Polygon)geometry]);
                    writer.Write();
                }
            }
            var entryName = SafeFileName(layerName);
            using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true, Encoding.UTF8);
            foreach (var ext in new[] { ".shp", ".shx", ".dbf", ".prj", ".cpg" })
            {
                var path = Path.ChangeExtension(shpPath, ext);
                if (File.Exists(path)) zip.CreateEntryFromFile(path, entryName + ext, CompressionLevel.Optimal);
            }
        }
        finally
        {
            try { dir.Delete(recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static DbfField DbfFieldFor(string dbfName, string field, IReadOnlyList<(IReadOnlyDictionary<string, object?> Attributes, Geometry Geometry)> features)
    {
        bool any = false, allIntegral = true, allNumeric = true, allBool = true;
        var maxBytes = 1;
        for (var i = 0; i < features.Count; i++)
        {
            var value = features[i].Attributes.GetValueOrDefault(field);
            if (value is null) continue;
            any = true;
            allBool &= value is bool;
            allNumeric &= AttributeText.IsNumber(value);
            allIntegral &= value is sbyte or byte or short or ushort or int or uint or long or ulong;
            var bytes = Encoding.UTF8.GetByteCount(AttributeText.Of(value) ?? "");
            if (bytes > DbfTextLimit)
                throw new BoundaryFileException($"Feature {i + 1}'s {field} is {bytes} bytes long; a Shapefile text field holds {DbfTextLimit}. Export as GeoPackage or GeoJSON instead.");
            maxBytes = Math.Max(maxBytes, bytes);
        }
        if (!any) return new DbfCharacterField(dbfName, 80);
        if (allBool) return new DbfLogicalField(dbfName);
        if (allIntegral) return new DbfNumericInt64Field(dbfName);
        if (allNumeric) return new DbfFloatField(dbfName);
        return new DbfCharacterField(dbfName, maxBytes);
    }

    private static object? DbfValue(DbfField field, object? value) => value is null ? null : field switch
    {
        DbfLogicalField => (bool)value,
        DbfNumericInt64Field => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        DbfFloatField => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        _ => AttributeText.Of(value),
    };

    /// <summary>Field names cut to 10 bytes of UTF-8 on a character boundary and made unique ("name_1", "name_2"…).</summary>
    internal static string[] DbfNames(IReadOnlyList<string> fields)
    {
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = new string[fields.Count];
        for (var i = 0; i < fields.Count; i++)
        {
            var baseName = CutToBytes(string.IsNullOrWhiteSpace(fields[i]) ? "field" : fields[i].Trim(), 10);
            var name = baseName;
            for (var n = 1; !taken.Add(name); n++)
            {
                var suffix = "_" + n.ToString(CultureInfo.InvariantCulture);
                name = CutToBytes(baseName, 10 - suffix.Length) + suffix;
            }
            names[i] = name;
        }
        return names;
    }

    private static string CutToBytes(string s, int maxBytes)
    {
        var sb = new StringBuilder();
        var bytes = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            bytes += rune.Utf8SequenceLength;
            if (bytes > maxBytes) break;
            sb.Append(rune.ToString());
        }
        return sb.ToString();
    }

    private static string SafeFileName(string layerName)
    {
        var invalid = Path.GetInvalidFileNameChars().Concat(['\\', '/', ':', '*', '?', '"', '<', '>', '|']).ToHashSet();
        var name = new string(layerName.Trim().Select(c => invalid.Contains(c) || char.IsControl(c) ? '_' : c).ToArray()).Trim('.', ' ');
        return name.Length == 0 ? "boundaries" : name;
    }

    private static void Unpack(ZipArchiveEntry entry, string path, ref long budget, long limit)
    {
        try
        {
            using var source = entry.Open();
            using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            var buffer = new byte[81920];
            int read;
            while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                budget -= read;
                if (budget < 0)
                    throw new BoundaryFileException($"The Shapefile unpacks to more than {Megabytes(limit)} MB; split the layer or send it as a GeoPackage.");
                target.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new BoundaryFileException($"{entry.FullName} in the zip is damaged ({ex.Message.TrimEnd('.')}); zip the Shapefile again.");
        }
    }

    private static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.##", CultureInfo.InvariantCulture);

    private static string SideText(ZipArchiveEntry entry)
    {
        try
        {
            using var source = entry.Open();
            var buffer = new byte[MaxSideFileBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = source.Read(buffer, length, buffer.Length - length)) > 0) length += read;
            if (length == buffer.Length && source.ReadByte() >= 0)
                throw new BoundaryFileException($"{entry.FullName} is larger than {MaxSideFileBytes / 1024} KB; it should be one line of text.");
            // .prj and .cpg are ASCII; UTF-8 reads them and drops a byte-order mark.
            return Encoding.UTF8.GetString(buffer, 0, length).Trim().TrimStart('\uFEFF');
        }
        catch (InvalidDataException ex)
        {
            throw new BoundaryFileException($"{entry.FullName} in the zip is damaged ({ex.Message.TrimEnd('.')}); zip the Shapefile again.");
        }
    }

    /// <summary>The encoding a .cpg names ("UTF-8", "GBK", "936", "CP936", "ANSI 936", "GB2312"…), or null without one.</summary>
    internal static Encoding? CpgEncoding(string? cpg, string? entryName)
    {
        if (string.IsNullOrWhiteSpace(cpg)) return null;
        var text = cpg.Trim();
        var upper = text.ToUpperInvariant().Replace("ANSI", "").Replace("CP", "").Trim();
        try
        {
            return upper switch
            {
                "UTF-8" or "UTF8" or "65001" => Encoding.UTF8,
                // GB2312 files are read as GBK, its superset (code page 936), as Windows does.
                "GBK" or "GB2312" or "936" or "EUC-CN" => Encoding.GetEncoding(936),
                "GB18030" or "54936" => Encoding.GetEncoding(54936),
                "BIG5" or "950" => Encoding.GetEncoding(950),
                _ when int.TryParse(upper, NumberStyles.None, CultureInfo.InvariantCulture, out var codePage) => Encoding.GetEncoding(codePage),
                _ => Encoding.GetEncoding(text),
            };
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            throw new BoundaryFileException($"{entryName ?? "The .cpg"} names the encoding \"{text}\", which is not known; write UTF-8 or GBK in it.");
        }
    }

    /// <summary>
    /// For a DBF without a .cpg: null (let the reader follow the DBF's language byte) when that byte names a code page;
    /// otherwise UTF-8 if every text byte is valid UTF-8, else GBK.
    /// </summary>
    internal static Encoding? SniffDbfEncoding(string dbfPath)
    {
        using var dbf = File.OpenRead(dbfPath);
        var header = new byte[32];
        if (dbf.Read(header, 0, 32) < 32) return null;
        var languageDriver = header[29];
        if (languageDriver is not (0x00 or 0x03 or 0x57)) return null; // 0x03/0x57: "the system's ANSI code page"
        var headerSize = header[8] | header[9] << 8;
        var decoder = new UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        var chars = new char[81920 + 16];
        try
        {
            // Field names, 32 bytes a descriptor, the name in the first 11.
            var descriptor = new byte[32];
            for (var at = 32; at + 32 <= headerSize; at += 32)
            {
                if (dbf.Read(descriptor, 0, 32) < 32 || descriptor[0] == 0x0D) break;
                var nameLength = Array.IndexOf(descriptor, (byte)0, 0, 11) is var z and >= 0 ? z : 11;
                decoder.GetChars(descriptor, 0, nameLength, chars, 0, flush: true);
            }
            dbf.Position = headerSize;
            var buffer = new byte[81920];
            int read;
            while ((read = dbf.Read(buffer, 0, buffer.Length)) > 0) decoder.GetChars(buffer, 0, read, chars, 0, flush: false);
            return Encoding.UTF8;
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(936);
        }
    }

    private static bool IsMacJunk(string fullName) =>
        fullName.StartsWith("__MACOSX/", StringComparison.OrdinalIgnoreCase) || Path.GetFileName(fullName.Replace('\\', '/')).StartsWith("._", StringComparison.Ordinal);

    private static string Extension(string fullName) => Path.GetExtension(fullName.Replace('\\', '/')).ToLowerInvariant();

    private static string List(IEnumerable<string> names)
    {
        var all = names.ToList();
        return all.Count <= 8 ? string.Join(", ", all) : string.Join(", ", all.Take(8)) + $" and {all.Count - 8} more";
    }
}
