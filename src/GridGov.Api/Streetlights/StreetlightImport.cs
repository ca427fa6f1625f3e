using System.Globalization;
using System.Text.RegularExpressions;
using CsvHelper;
using CsvHelper.Configuration;
using GridGov.Api.Grids;
using GridGov.Api.Platform;
using GridGov.Geo.Coordinates;
using GridGov.Geo.Files;
using NetTopologySuite.Geometries;
using Npgsql;
using NpgsqlTypes;

namespace GridGov.Api.Streetlights;

/// <summary>What a lamp import did.</summary>
public sealed record StreetlightImportResult(string Format, string Crs, int Lamps, int Cabinets, int Circuits, int Created, int Updated, int Removed, int OnRoads);

/// <summary>
/// The county's lamp and cabinet register from a file: CSV (columns <c>code, lon, lat</c> and optional
/// <c>circuit, seq, cabinet, pole, type, power, installed, status</c>) or, through the grid import's readers, GeoJSON,
/// a zipped Shapefile or a GeoPackage of points with the same attributes. Every row is checked before anything is
/// written (codes of 17 digits with component 01037 or 01060, no code twice, inside the county, a lamp's circuit
/// belonging to its cabinet, the cabinet in the file); one bad row names itself and nothing is written. The whole
/// register is replaced in one transaction: lamps not in the file are removed, unless an open case names them.
/// </summary>
public static partial class StreetlightImport
{
    public const long MaxBytes = 200L * 1024 * 1024;
    private const int MaxErrors = 50;

    private sealed record Row(string Where, string Code, string Component, double Lon, double Lat, string? Circuit, int? Seq, string Cabinet,
        string? Pole, string? Type, int? Power, DateOnly? Installed, string Status, string UnitGrid);

    [GeneratedRegex("^[0-9]{6}(01037|01060)[0-9]{6}$")]
    private static partial Regex CodePattern();

    [GeneratedRegex("^([0-9]{6}01060[0-9]{6})-[0-9]{1,4}$")]
    private static partial Regex CircuitPattern();

    /// <summary>Reads and checks the file; null with the problems in <paramref name="v"/>.</summary>
    public static async Task<StreetlightImportResult?> ImportAsync(NpgsqlDataSource dataSource, GridCatalog grids, Stream file, string? fileName,
        InputCrs? crs, Validation v, Action<string>? progress, CancellationToken ct)
    {
        var (features, format, crsUsed) = Read(file, fileName, crs, v);
        if (!v.IsValid) return null;
        if (features.Count == 0)
        {
            v.Add("file", "The file holds no lamps: one row (feature) per lamp or cabinet, with 'code' and its position.");
            return null;
        }
        progress?.Invoke($"read {features.Count:N0} rows ({format}, {crsUsed})");
        var rows = Check(features, grids, v);
        if (!v.IsValid) return null;
        progress?.Invoke($"checked {rows.Count:N0} rows: {rows.Count(r => r.Component == StreetlightIndex.LampComponent):N0} lamps, {rows.Count(r => r.Component == StreetlightIndex.CabinetComponent):N0} cabinets");
        return await WriteAsync(dataSource, rows, format, crsUsed, v, progress, ct);
    }

    private static (List<(string Where, Func<string, string?> Cell, Geometry? Point)> Features, string Format, string Crs) Read(
        Stream file, string? fileName, InputCrs? crs, Validation v)
    {
        var list = new List<(string, Func<string, string?>, Geometry?)>();
        var buffered = new MemoryStream();
        file.CopyTo(buffered);
        buffered.Position = 0;
        var first = buffered.Length > 0 ? buffered.GetBuffer()[0] : (byte)0;
        var isCsv = fileName?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) == true
            || (fileName is null or "" && first is not ((byte)'{' or (byte)'P' or (byte)'S' or 0xEF));
        if (!isCsv)
        {
            try
            {
                var read = BoundaryFiles.Read(buffered, fileName is null ? null : Plans.PlansApi.FormatOfFileName(fileName), crs);
                foreach (var f in read.Features)
                {
                    var attributes = f.Attributes.ToDictionary(a => a.Key.Trim().ToLowerInvariant(), a => a.Value);
                    list.Add(($"feature {f.Index + 1}", k => attributes.GetValueOrDefault(k), f.Geometry));
                }
                return (list, read.Format.ToString(), read.CrsUsed);
            }
            catch (BoundaryFileException ex)
            {
                v.Add("file", ex.Message);
                return (list, "", "");
            }
        }
        var named = crs ?? InputCrs.Wgs84;
        using var reader = new StreamReader(buffered, detectEncodingFromByteOrderMarks: true);
        using var csv = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { MissingFieldFound = null, BadDataFound = null, TrimOptions = TrimOptions.Trim });
        if (!csv.Read() || !csv.ReadHeader())
        {
            v.Add("file", "The CSV is empty: the first line names the columns (code, lon, lat, circuit, seq, cabinet, pole, type, power, installed, status).");
            return (list, "csv", JsonNames.Of(named));
        }
        var header = csv.HeaderRecord!.Select(h => h.Trim().ToLowerInvariant()).ToArray();
        foreach (var needed in new[] { "code", "lon", "lat" })
            if (!header.Contains(needed)) v.Add("file", $"The CSV has no '{needed}' column; its columns are: {string.Join(", ", header)}.");
        if (!v.IsValid) return (list, "csv", JsonNames.Of(named));
        var factory = new GeometryFactory(new PrecisionModel(), 4490);
        while (csv.Read())
        {
            var cells = new Dictionary<string, string?>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++) cells[header[i]] = csv.GetField(i) is { Length: > 0 } s ? s.Trim() : null;
            if (cells.Values.All(string.IsNullOrEmpty)) continue;
            var where = $"row {csv.Parser.Row}";
            Geometry? point = null;
            if (double.TryParse(cells.GetValueOrDefault("lon"), NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
                && double.TryParse(cells.GetValueOrDefault("lat"), NumberStyles.Float, CultureInfo.InvariantCulture, out var lat)
                && double.IsFinite(lon) && double.IsFinite(lat) && Math.Abs(lon) <= 180 && Math.Abs(lat) <= 90)
            {
                var (x, y) = ChinaOffsets.ToWgs84(named, lon, lat);
                point = factory.CreatePoint(new Coordinate(x, y));
            }
            list.Add((where, k => cells.GetValueOrDefault(k), point));
        }
        return (list, "csv", JsonNames.Of(named));
    }

    private static List<Row> Check(List<(string Where, Func<string, string?> Cell, Geometry? Point)> features, GridCatalog grids, Validation v)
    {
        var rows = new List<Row>(features.Count);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        void Fail(string where, string message)
        {
            if (v.Errors.Count < MaxErrors) v.Add(where, message);
        }
        foreach (var (where0, cell, geometry) in features)
        {
            var code = cell("code");
            var where = code is null ? where0 : $"{where0} ({Validation.Clip(code)})";
            if (code is null || !CodePattern().IsMatch(code))
            {
                Fail(where, "'code' is the 17 digits on the pole: 6 of the county, the component (01037 lamp, 01060 power cabinet), 6 of the number.");
                continue;
            }
            if (!seen.TryAdd(code, where0))
            {
                Fail(where, $"Code {code} appears twice (also at {seen[code]}); each lamp and cabinet has its own.");
                continue;
            }
            if (geometry is not Point p || p.IsEmpty)
            {
                Fail(where, geometry is null or Point ? "The position is missing or not a number: give 'lon' and 'lat' in decimal degrees (or a Point geometry)." : $"The geometry is a {geometry.GeometryType}; a lamp is a Point.");
                continue;
            }
            var route = grids.RouteAt(p.X, p.Y, 200);
            if (route is null)
            {
                Fail(where, string.Create(CultureInfo.InvariantCulture, $"({p.X:0.######}, {p.Y:0.######}) lies outside the county (no unit grid within 200 m); check the coordinates and their crs."));
                continue;
            }
            var component = code.Substring(6, 5);
            var circuit = cell("circuit");
            var cabinet = cell("cabinet");
            int? seq = null, power = null;
            DateOnly? installed = null;
            if (component == StreetlightIndex.LampComponent)
            {
                if (circuit is not null)
                {
                    var m = CircuitPattern().Match(circuit);
                    if (!m.Success) Fail(where, $"'circuit' '{Validation.Clip(circuit)}' is its cabinet's code, a dash and a number (e.g. 36079901060000001-2).");
                    else
                    {
                        var feeder = m.Groups[1].Value;
                        if (cabinet is not null && cabinet != feeder) Fail(where, $"Circuit {circuit} belongs to cabinet {feeder}, but 'cabinet' says {cabinet}.");
                        cabinet = feeder;
                    }
                }
                if (cabinet is null) Fail(where, "A lamp names its 'circuit' (or at least its 'cabinet').");
                if (cell("seq") is { } s && (!int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var sv) || sv is < 1 or > 10_000))
                    Fail(where, $"'seq' is the lamp's place along the cable, a whole number from 1; got '{Validation.Clip(s)}'.");
                else if (cell("seq") is { } s2) seq = int.Parse(s2, CultureInfo.InvariantCulture);
            }
            else
            {
                if (circuit is not null) Fail(where, "A cabinet feeds circuits; it has no 'circuit' of its own.");
                cabinet = code;
            }
            if (cell("power") is { } pw && (!int.TryParse(pw, NumberStyles.None, CultureInfo.InvariantCulture, out var pv) || pv is < 1 or > 5000))
                Fail(where, $"'power' is watts, a whole number from 1 to 5000; got '{Validation.Clip(pw)}'.");
            else if (cell("power") is { } pw2) power = int.Parse(pw2, CultureInfo.InvariantCulture);
            if (cell("installed") is { } inst && !DateOnly.TryParseExact(inst, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                Fail(where, $"'installed' is a date as yyyy-MM-dd; got '{Validation.Clip(inst)}'.");
            else if (cell("installed") is { } inst2) installed = DateOnly.ParseExact(inst2, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            var status = cell("status")?.ToLowerInvariant() ?? "normal";
            if (status is not ("normal" or "off"))
                Fail(where, $"'status' is normal or off (faulty follows the cases, it is not imported); got '{Validation.Clip(status)}'.");
            var type = cell("type");
            if (type is { Length: > 40 }) Fail(where, "'type' is at most 40 characters.");
            var pole = cell("pole");
            if (pole is { Length: > 40 }) Fail(where, "'pole' is at most 40 characters.");
            rows.Add(new Row(where, code, component, p.X, p.Y, circuit, seq, cabinet ?? code, pole, type, power, installed, status, route.UnitGridCode));
        }
        // Every lamp's cabinet is in the file.
        var cabinets = rows.Where(r => r.Component == StreetlightIndex.CabinetComponent).Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var r in rows.Where(r => r.Component == StreetlightIndex.LampComponent && !cabinets.Contains(r.Cabinet)))
            Fail(r.Where, $"Cabinet {r.Cabinet} is not in the file; the register lists every cabinet with its position.");
        if (v.Errors.Count >= MaxErrors) v.Add("file", $"Stopped after {MaxErrors} problems; fix these and send the file again.");
        return rows;
    }

    private static async Task<StreetlightImportResult?> WriteAsync(NpgsqlDataSource dataSource, List<Row> rows, string format, string crs,
        Validation v, Action<string>? progress, CancellationToken ct)
    {
        await using var db = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await db.BeginTransactionAsync(ct);
        await Execute(db, tx, "CREATE TEMP TABLE lamp_import (LIKE streetlights INCLUDING DEFAULTS) ON COMMIT DROP", ct);
        await using (var copy = await db.BeginBinaryImportAsync(
            "COPY lamp_import (code, component, location, cabinet_code, circuit_code, unit_grid_code, status, circuit_seq, pole_code, lamp_type, power_w, installed_on) FROM STDIN (FORMAT BINARY)", ct))
        {
            var factory = new GeometryFactory(new PrecisionModel(), 4490);
            foreach (var r in rows)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(r.Code, ct);
                await copy.WriteAsync(r.Component, ct);
                await copy.WriteAsync((Geometry)factory.CreatePoint(new Coordinate(r.Lon, r.Lat)), NpgsqlDbType.Geometry, ct);
                await copy.WriteAsync(r.Cabinet, ct);
                await Nullable(copy, r.Circuit, ct);
                await copy.WriteAsync(r.UnitGrid, ct);
                await copy.WriteAsync(r.Status, ct);
                if (r.Seq is { } s) await copy.WriteAsync(s, ct); else await copy.WriteNullAsync(ct);
                await Nullable(copy, r.Pole, ct);
                await Nullable(copy, r.Type, ct);
                if (r.Power is { } pw) await copy.WriteAsync(pw, ct); else await copy.WriteNullAsync(ct);
                if (r.Installed is { } d) await copy.WriteAsync(d, NpgsqlDbType.Date, ct); else await copy.WriteNullAsync(ct);
            }
            await copy.CompleteAsync(ct);
        }
        progress?.Invoke("staged; checking what the register loses ...");
        // A lamp an open case names is not removed: the case would lose what it is about.
        var held = new List<string>();
        await using (var check = new NpgsqlCommand("""
            SELECT trim(s.code), min(i.id) FROM streetlights s JOIN incidents i ON i.asset_code = s.code::text AND i.status NOT IN ('Closed', 'Voided')
            WHERE NOT EXISTS (SELECT 1 FROM lamp_import n WHERE n.code = s.code) GROUP BY s.code ORDER BY s.code LIMIT 20
            """, db, tx))
        await using (var r = await check.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) held.Add($"{r.GetString(0)} (case #{r.GetInt64(1)})");
        if (held.Count > 0)
        {
            v.Add("file", $"The file leaves out lamps that open cases name: {string.Join(", ", held)}. Keep them in the file, or close their cases first; nothing was written.");
            return null;
        }
        int created, updated, removed;
        await using (var apply = new NpgsqlCommand($"""
            WITH gone AS (DELETE FROM streetlights s WHERE NOT EXISTS (SELECT 1 FROM lamp_import n WHERE n.code = s.code) RETURNING 1),
            up AS (
              INSERT INTO streetlights (code, component, location, cabinet_code, circuit_code, unit_grid_code, status, circuit_seq, pole_code, lamp_type, power_w, installed_on)
              SELECT code, component, location, cabinet_code, circuit_code, unit_grid_code, status, circuit_seq, pole_code, lamp_type, power_w, installed_on FROM lamp_import
              ON CONFLICT (code) DO UPDATE SET component = EXCLUDED.component, location = EXCLUDED.location, cabinet_code = EXCLUDED.cabinet_code,
                circuit_code = EXCLUDED.circuit_code, unit_grid_code = EXCLUDED.unit_grid_code,
                status = CASE WHEN streetlights.status = 'faulty' AND EXCLUDED.status = 'normal' THEN 'faulty' ELSE EXCLUDED.status END,
                circuit_seq = EXCLUDED.circuit_seq, pole_code = EXCLUDED.pole_code, lamp_type = EXCLUDED.lamp_type, power_w = EXCLUDED.power_w,
                installed_on = EXCLUDED.installed_on
              RETURNING (xmax = 0) AS inserted)
            SELECT (SELECT count(*) FROM up WHERE inserted), (SELECT count(*) FROM up WHERE NOT inserted), (SELECT count(*) FROM gone)
            """, db, tx))
        await using (var r = await apply.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            (created, updated, removed) = ((int)r.GetInt64(0), (int)r.GetInt64(1), (int)r.GetInt64(2));
        }
        progress?.Invoke($"written: {created:N0} created, {updated:N0} updated, {removed:N0} removed; snapping lamps to roads ...");
        // A lamp stands by the nearest road within 30 m (what patrol routes and the circuit order go by); lamps of a
        // circuit without seq take their order along it from that.
        await Execute(db, tx, """
            UPDATE streetlights s SET road_id = (
              SELECT r.id FROM roads r
              WHERE r.geometry && ST_Expand(s.location, 30 / (100000.0 * cos(radians(ST_Y(s.location)))), 30 / 100000.0)
                AND ST_DWithin(r.geometry::geography, s.location::geography, 30)
              ORDER BY ST_Distance(r.geometry::geography, s.location::geography), r.id LIMIT 1)
            WHERE s.component = '01037'
            """, ct);
        await Execute(db, tx, """
            UPDATE streetlights s SET circuit_seq = o.seq FROM (
              SELECT l.code, row_number() OVER (PARTITION BY l.circuit_code ORDER BY l.road_id NULLS LAST, ST_LineLocatePoint(r.geometry, l.location), l.code) AS seq
              FROM streetlights l LEFT JOIN roads r ON r.id = l.road_id
              WHERE l.circuit_code IN (SELECT circuit_code FROM streetlights WHERE circuit_code IS NOT NULL AND circuit_seq IS NULL)) o
            WHERE s.code = o.code AND s.circuit_seq IS DISTINCT FROM o.seq
            """, ct);
        await Execute(db, tx, StreetlightSql.DeriveCircuits, ct);
        int onRoads, circuits;
        await using (var count = new NpgsqlCommand("SELECT count(*) FILTER (WHERE road_id IS NOT NULL), count(DISTINCT circuit_code) FROM streetlights WHERE component = '01037'", db, tx))
        await using (var r = await count.ExecuteReaderAsync(ct))
        {
            await r.ReadAsync(ct);
            (onRoads, circuits) = ((int)r.GetInt64(0), (int)r.GetInt64(1));
        }
        await tx.CommitAsync(ct);
        var lamps = rows.Count(x => x.Component == StreetlightIndex.LampComponent);
        return new StreetlightImportResult(format, crs, lamps, rows.Count - lamps, circuits, created, updated, removed, onRoads);
    }

    private static Task Nullable(NpgsqlBinaryImporter w, string? value, CancellationToken ct) =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value, ct);

    private static async Task Execute(NpgsqlConnection db, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, db, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
