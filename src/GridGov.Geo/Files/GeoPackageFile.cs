using System.Globalization;
using GridGov.Geo.Coordinates;
using Microsoft.Data.Sqlite;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;

namespace GridGov.Geo.Files;

/// <summary>
/// OGC GeoPackage boundaries: the tables through Microsoft.Data.Sqlite, the geometry blobs through
/// NetTopologySuite.IO.GeoPackage's <see cref="GeoPackageGeoReader"/> and <see cref="GeoPackageGeoWriter"/>.
/// <para>Reading: the first feature table of gpkg_contents, or the one named; its srs from gpkg_spatial_ref_sys
/// (EPSG 4326/4490 as is; any other through its definition WKT, e.g. CGCS2000 Gauss-Krüger 4513-4554, with the EPSG
/// code as a fallback for a definition ProjNet cannot read); every column but the integer primary key and the
/// geometry as an attribute. The database is opened read-only with trusted_schema off, so views and triggers of a
/// hostile file cannot run application functions.</para>
/// <para>Writing: a GeoPackage 1.2 as GDAL writes one: application_id "GPKG", user_version 10200, gpkg_spatial_ref_sys
/// with the three required rows and EPSG:4490, gpkg_contents (with the extent), gpkg_geometry_columns, and the feature
/// table with an autoincrement "fid" and a "geom" column (Polygon or MultiPolygon as given; a mix of the two is
/// promoted to MultiPolygon, as GDAL's PROMOTE_TO_MULTI does). No spatial index (optional in the standard).</para>
/// Stateless; each call opens its own connection on its own file: thread-safe.
/// </summary>
internal static class GeoPackageFile
{
    private const int GpkgApplicationId = 0x47504B47; // "GPKG"
    private const int Gpkg10ApplicationId = 0x47503130; // "GP10", GeoPackage 1.0
    private const int UserVersion = 10200;

    public static BoundaryRead Read(string path, InputCrs? crs, Action<string>? progress, string? layer)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            db.Open();
            Execute(db, "PRAGMA trusted_schema = OFF");
            return ReadLayer(db, crs, progress, layer);
        }
        catch (SqliteException ex)
        {
            throw new BoundaryFileException($"The GeoPackage could not be read ({ex.Message.TrimEnd('.')}). Save it again from your GIS.");
        }
    }

    private static BoundaryRead ReadLayer(SqliteConnection db, InputCrs? crs, Action<string>? progress, string? layer)
    {
        var applicationId = Convert.ToInt32(Scalar(db, "PRAGMA application_id"), CultureInfo.InvariantCulture);
        if (Convert.ToInt64(Scalar(db, "SELECT count(*) FROM sqlite_master WHERE type IN ('table','view') AND name = 'gpkg_contents'"), CultureInfo.InvariantCulture) == 0)
            throw new BoundaryFileException(applicationId is GpkgApplicationId or Gpkg10ApplicationId
                ? "The GeoPackage has no gpkg_contents table; save it again from your GIS."
                : "The file is an SQLite database but not a GeoPackage (it has no gpkg_contents table).");

        var tables = new List<string>();
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "SELECT table_name FROM gpkg_contents WHERE lower(data_type) = 'features' ORDER BY rowid";
            using var r = cmd.ExecuteReader();
            while (r.Read()) tables.Add(r.GetString(0));
        }
        if (tables.Count == 0) throw new BoundaryFileException("The GeoPackage holds no feature table (only tiles or plain tables); save the boundaries as a vector layer.");
        string table;
        if (layer is not null)
        {
            table = tables.FirstOrDefault(t => string.Equals(t, layer, StringComparison.OrdinalIgnoreCase))
                    ?? throw new BoundaryFileException($"The GeoPackage has no feature table \"{layer}\"; it holds {string.Join(", ", tables)}.");
        }
        else
        {
            table = tables[0];
            if (tables.Count > 1) progress?.Invoke($"the GeoPackage holds {tables.Count} feature tables ({string.Join(", ", tables)}); reading {table}");
        }

        string geometryColumn;
        long srsId;
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = $t COLLATE NOCASE";
            cmd.Parameters.AddWithValue("$t", table);
            using var r = cmd.ExecuteReader();
            if (!r.Read()) throw new BoundaryFileException($"The GeoPackage table {table} has no row in gpkg_geometry_columns, so its geometry column is unknown; save it again from your GIS.");
            geometryColumn = r.GetString(0);
            srsId = r.GetInt64(1);
        }
        var plan = CrsPlan.Resolve(SourceCrsOf(db, srsId, table), crs, $"the GeoPackage's srs {srsId}",
            $"The GeoPackage table {table} has an undefined coordinate system (srs_id {srsId}); name its crs (wgs84, cgcs2000, gcj02 or bd09).");

        var columns = new List<(string Name, string Type, bool Key)>();
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = $"PRAGMA table_info({Quote(table)})";
            using var r = cmd.ExecuteReader();
            while (r.Read()) columns.Add((r.GetString(1), r.IsDBNull(2) ? "" : r.GetString(2), r.GetInt64(5) > 0));
        }
        var fid = columns.Count(c => c.Key) == 1 && columns.Single(c => c.Key).Type.Equals("INTEGER", StringComparison.OrdinalIgnoreCase) ? columns.Single(c => c.Key).Name : null;
        var fields = columns.Where(c => c.Name != fid && !c.Name.Equals(geometryColumn, StringComparison.OrdinalIgnoreCase)).ToList();
        var total = (int)Convert.ToInt64(Scalar(db, $"SELECT count(*) FROM {Quote(table)}"), CultureInfo.InvariantCulture);

        var reader = new GeoPackageGeoReader();
        var features = new List<BoundaryFeature>(Math.Min(total, 1_000_000));
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = $"SELECT {string.Join(", ", new[] { geometryColumn }.Concat(fields.Select(f => f.Name)).Select(Quote))} FROM {Quote(table)}"
                              + (fid is null ? "" : $" ORDER BY {Quote(fid)}");
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var index = features.Count;
                Geometry? geometry = null;
                if (!r.IsDBNull(0))
                {
                    try
                    {
                        geometry = reader.Read((byte[])r.GetValue(0));
                    }
                    catch (Exception ex) when (ex is ParseException or ArgumentException or InvalidCastException or IOException or IndexOutOfRangeException)
                    {
                        throw new BoundaryFileException($"Feature {index + 1}'s {geometryColumn} is not a GeoPackage geometry ({ex.Message.TrimEnd('.')}).");
                    }
                    if (geometry.IsEmpty) geometry = null;
                }
                var attributes = new Dictionary<string, string?>(fields.Count, StringComparer.Ordinal);
                for (var f = 0; f < fields.Count; f++)
                {
                    var value = r.GetValue(f + 1);
                    attributes[fields[f].Name] = fields[f].Type.Equals("BOOLEAN", StringComparison.OrdinalIgnoreCase) && value is long b
                        ? (b != 0 ? "true" : "false")
                        : AttributeText.Of(value);
                }
                features.Add(new BoundaryFeature(index, attributes, plan.Apply(geometry, index)));
                AttributeText.Progress(progress, features.Count, total);
            }
        }
        AttributeText.Done(progress, features.Count, total);
        return new BoundaryRead(BoundaryFormat.GeoPackage, plan.CrsUsed, fields.Select(f => f.Name).ToList(), features);
    }

    /// <summary>The system of srs <paramref name="srsId"/>; null for the undefined ones (0 and -1).</summary>
    private static SourceCrs? SourceCrsOf(SqliteConnection db, long srsId, string table)
    {
        if (srsId is 0 or -1) return null;
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT organization, organization_coordsys_id, definition, srs_name FROM gpkg_spatial_ref_sys WHERE srs_id = $id";
        cmd.Parameters.AddWithValue("$id", srsId);
        using var r = cmd.ExecuteReader();
        if (!r.Read()) throw new BoundaryFileException($"The GeoPackage table {table} names srs {srsId}, which gpkg_spatial_ref_sys does not hold; save it again from your GIS.");
        var epsg = !r.IsDBNull(0) && r.GetString(0).Equals("EPSG", StringComparison.OrdinalIgnoreCase) && !r.IsDBNull(1) ? (int?)r.GetInt64(1) : null;
        var definition = r.IsDBNull(2) ? "" : r.GetString(2);
        var name = r.IsDBNull(3) ? $"srs {srsId}" : r.GetString(3);
        if (epsg is 4326 or 4490) return PrjCrs.FromEpsg(epsg.Value);
        if (string.IsNullOrWhiteSpace(definition) || definition.Trim().Equals("undefined", StringComparison.OrdinalIgnoreCase))
            return (epsg is { } code ? PrjCrs.FromEpsg(code) : null)
                   ?? throw new BoundaryFileException($"The GeoPackage's srs {srsId} ({name}) has no definition; save the layer in CGCS2000 (EPSG:4490) from your GIS.");
        try
        {
            return PrjCrs.FromWkt(definition, $"the GeoPackage's srs {srsId} ({name})");
        }
        catch (BoundaryFileException) when (epsg is { } code && PrjCrs.FromEpsg(code) is not null)
        {
            return PrjCrs.FromEpsg(code);
        }
    }

    public static void Write(string path, string layerName, IReadOnlyList<string> fields, IReadOnlyList<(IReadOnlyDictionary<string, object?> Attributes, Geometry Geometry)> features)
    {
        var table = TableName(layerName);
        var fidColumn = FreeName("fid", fields);
        var geomColumn = FreeName("geom", fields);
        var types = fields.Select(f => ColumnType(f, features)).ToList();
        var polygonal = features.All(f => f.Geometry is Polygon or MultiPolygon);
        var promote = polygonal && features.Any(f => f.Geometry is Polygon) && features.Any(f => f.Geometry is MultiPolygon);
        var geometryType = features.Select(f => f.Geometry?.OgcGeometryType).Distinct().ToList() switch
        {
            _ when promote => "MULTIPOLYGON",
            [{ } only] => only.ToString().ToUpperInvariant(),
            _ => "GEOMETRY",
        };

        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        db.Open();
        Execute(db, $"PRAGMA application_id = {GpkgApplicationId}");
        Execute(db, $"PRAGMA user_version = {UserVersion}");
        // A plain BEGIN/COMMIT: the commands below need no SqliteTransaction object then.
        Execute(db, "BEGIN");
        Execute(db, """
            CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
              organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT)
            """);
        InsertSrs(db, "Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system");
        InsertSrs(db, "Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system");
        InsertSrs(db, "WGS 84 geodetic", 4326, "EPSG", 4326, PrjCrs.Wgs84OgcWkt, "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid");
        InsertSrs(db, "China Geodetic Coordinate System 2000", GaussKruger.Cgcs2000Srid, "EPSG", GaussKruger.Cgcs2000Srid, PrjCrs.Cgcs2000OgcWkt, "CGCS2000 longitude/latitude in decimal degrees");
        Execute(db, """
            CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE, description TEXT DEFAULT '',
              last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')), min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
              CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id))
            """);
        Execute(db, """
            CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
              z TINYINT NOT NULL, m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name), CONSTRAINT uk_gc_table_name UNIQUE (table_name),
              CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name), CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id))
            """);
        var columnList = string.Concat(fields.Select((f, i) => $", {Quote(f)} {types[i]}"));
        Execute(db, $"CREATE TABLE {Quote(table)} ({Quote(fidColumn)} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {Quote(geomColumn)} {geometryType}{columnList})");

        var extent = new Envelope();
        foreach (var f in features)
            if (f.Geometry is { IsEmpty: false } g) extent.ExpandToInclude(g.EnvelopeInternal);
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id) VALUES ($t, 'features', $t, '', $x0, $y0, $x1, $y1, $srs)";
            cmd.Parameters.AddWithValue("$t", table);
            cmd.Parameters.AddWithValue("$x0", extent.IsNull ? DBNull.Value : extent.MinX);
            cmd.Parameters.AddWithValue("$y0", extent.IsNull ? DBNull.Value : extent.MinY);
            cmd.Parameters.AddWithValue("$x1", extent.IsNull ? DBNull.Value : extent.MaxX);
            cmd.Parameters.AddWithValue("$y1", extent.IsNull ? DBNull.Value : extent.MaxY);
            cmd.Parameters.AddWithValue("$srs", GaussKruger.Cgcs2000Srid);
            cmd.ExecuteNonQuery();
        }
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m) VALUES ($t, $c, $type, $srs, 0, 0)";
            cmd.Parameters.AddWithValue("$t", table);
            cmd.Parameters.AddWithValue("$c", geomColumn);
            cmd.Parameters.AddWithValue("$type", geometryType);
            cmd.Parameters.AddWithValue("$srs", GaussKruger.Cgcs2000Srid);
            cmd.ExecuteNonQuery();
        }

        var writer = new GeoPackageGeoWriter { HandleOrdinates = Ordinates.XY };
        using (var insert = db.CreateCommand())
        {
            insert.CommandText = $"INSERT INTO {Quote(table)} ({string.Join(", ", new[] { geomColumn }.Concat(fields).Select(Quote))}) VALUES ({string.Join(", ", Enumerable.Range(0, fields.Count + 1).Select(i => "$p" + i))})";
            var parameters = Enumerable.Range(0, fields.Count + 1).Select(i => insert.Parameters.Add("$p" + i, i == 0 ? SqliteType.Blob : SqliteType.Text)).ToArray();
            insert.Prepare();
            foreach (var (attributes, geometry) in features)
            {
                parameters[0].Value = geometry is null ? DBNull.Value : writer.Write(ForWriting(geometry, promote));
                for (var f = 0; f < fields.Count; f++)
                {
                    var value = attributes.GetValueOrDefault(fields[f]);
                    (parameters[f + 1].SqliteType, parameters[f + 1].Value) = (types[f], value) switch
                    {
                        (_, null) => (SqliteType.Text, (object)DBNull.Value),
                        ("BOOLEAN", bool b) => (SqliteType.Integer, b ? 1L : 0L),
                        ("INTEGER", _) => (SqliteType.Integer, Convert.ToInt64(value, CultureInfo.InvariantCulture)),
                        ("REAL", _) => (SqliteType.Real, Convert.ToDouble(value, CultureInfo.InvariantCulture)),
                        _ => (SqliteType.Text, value is string s ? s : (object?)AttributeText.Of(value) ?? DBNull.Value),
                    };
                }
                insert.ExecuteNonQuery();
            }
        }
        Execute(db, "COMMIT");
    }

    /// <summary>A copy in SRID 4490 (the blob header carries the srs), promoted to MultiPolygon when the layer mixes.</summary>
    private static Geometry ForWriting(Geometry geometry, bool promote)
    {
        if (promote && geometry is Polygon p) geometry = geometry.Factory.CreateMultiPolygon([p]);
        else if (geometry.SRID == GaussKruger.Cgcs2000Srid) return geometry;
        else geometry = geometry.Copy();
        geometry.SRID = GaussKruger.Cgcs2000Srid;
        return geometry;
    }

    private static string ColumnType(string field, IReadOnlyList<(IReadOnlyDictionary<string, object?> Attributes, Geometry Geometry)> features)
    {
        bool any = false, allBool = true, allIntegral = true, allNumeric = true;
        foreach (var (attributes, _) in features)
        {
            var value = attributes.GetValueOrDefault(field);
            if (value is null) continue;
            any = true;
            allBool &= value is bool;
            allIntegral &= value is sbyte or byte or short or ushort or int or uint or long or ulong;
            allNumeric &= AttributeText.IsNumber(value);
        }
        return !any ? "TEXT" : allBool ? "BOOLEAN" : allIntegral ? "INTEGER" : allNumeric ? "REAL" : "TEXT";
    }

    private static string TableName(string layerName)
    {
        var name = string.IsNullOrWhiteSpace(layerName) ? "boundaries" : layerName.Trim();
        return name.StartsWith("gpkg_", StringComparison.OrdinalIgnoreCase) || name.StartsWith("rtree_", StringComparison.OrdinalIgnoreCase)
                                                                            || name.StartsWith("sqlite_", StringComparison.OrdinalIgnoreCase)
            ? "layer_" + name
            : name;
    }

    private static string FreeName(string wanted, IReadOnlyList<string> fields)
    {
        var taken = new HashSet<string>(fields, StringComparer.OrdinalIgnoreCase);
        var name = wanted;
        for (var n = 1; taken.Contains(name); n++) name = $"{wanted}_{n}";
        return name;
    }

    private static void InsertSrs(SqliteConnection db, string name, int id, string organization, int code, string definition, string description)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = "INSERT INTO gpkg_spatial_ref_sys (srs_name, srs_id, organization, organization_coordsys_id, definition, description) VALUES ($n, $id, $o, $c, $d, $desc)";
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$o", organization);
        cmd.Parameters.AddWithValue("$c", code);
        cmd.Parameters.AddWithValue("$d", definition);
        cmd.Parameters.AddWithValue("$desc", description);
        cmd.ExecuteNonQuery();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private static void Execute(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
