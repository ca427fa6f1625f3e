using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using GridGov.Geo.Osm;
using Npgsql;

namespace GridGov.Api.LifeCircles;

/// <summary>What an OpenStreetMap import put in place.</summary>
public sealed record OsmImportResult(
    int Roads, int WalkOnlyRoads, int Junctions, double WalkKm,
    int Buildings, int ResidentialBuildings, int Households, int BuildingsOutsideGrids,
    int Facilities, IReadOnlyDictionary<string, int> FacilitiesByClass,
    int LampsOnRoads, int LampsOffRoads, long ElapsedMs);

/// <summary>
/// <c>./gridgov import osm FILE.osm.pbf</c>: a town's roads (the walking network and the streets), buildings and
/// life-circle facilities from an OpenStreetMap extract, with the field's tools: osmium checks and filters the file,
/// osm2pgrouting nodes the walking network into a staging schema, osmium export turns buildings and facilities into
/// GeoJSON. Each layer replaces the one in the database; all three, and the streetlights' roads, change in one
/// transaction, so a failure anywhere leaves the county as it was. A running service reloads its road graph
/// (<c>roads_changed</c>) and life circles (<c>lifecircle_changed</c>) on commit. One import at a time per database.
/// </summary>
public static class OsmImport
{
    /// <summary>The highways of the walking network; motorways and their links never are. Keep osm2pgrouting-walk.xml the same.</summary>
    public static readonly IReadOnlyList<string> WalkClasses =
    [
        "footway", "path", "pedestrian", "steps", "living_street", "residential", "service", "unclassified",
        "tertiary", "tertiary_link", "secondary", "secondary_link", "primary", "primary_link", "trunk", "trunk_link",
        "track", "cycleway",
    ];

    /// <summary>Walked, not ridden by crews (roads.drive = false).</summary>
    /// <summary><c>foot=</c> or <c>access=</c> values that close a way to people on foot.</summary>
    public static readonly IReadOnlyList<string> ClosedToWalkers = ["no", "private", "use_sidepath"];

    public static readonly IReadOnlyList<string> WalkOnlyClasses = ["footway", "path", "steps", "pedestrian", "cycleway", "track"];

    /// <summary>A lamp (streetlight component 01037) belongs to the nearest road within this distance; farther, to none.</summary>
    public const double StreetlightSnapM = 30;

    public const string StageSchema = "osm_stage";
    public const string MapConfigFile = "osm2pgrouting-walk.xml";
    private const long ImportLockKey = 0x6f73_6d5f_696d_70; // "osm_imp"

    public static async Task<OsmImportResult> RunAsync(string connectionString, string file, Action<string>? progress = null,
        FacilityClasses? classes = null, CancellationToken ct = default)
    {
        var report = progress ?? (_ => { });
        classes ??= FacilityClasses.LoadDefault();
        var total = Stopwatch.StartNew();
        var name = Path.GetFileName(file);
        if (!File.Exists(file)) throw new OsmImportException($"There is no file '{file}'.");
        var connection = Osm2pgrouting.ConnectionFor(connectionString);

        var work = Directory.CreateTempSubdirectory("gridgov-osm-");
        try
        {
            var watch = Stopwatch.StartNew();
            var source = await CheckAsync(Path.GetFullPath(file), name, work.FullName, report, ct);

            watch.Restart();
            var highways = Path.Combine(work.FullName, "highways.osm.pbf");
            await OsmTools.OsmiumAsync(work.FullName, $"osmium could not take the roads out of {name}", ct,
                "tags-filter", source, $"w/highway={string.Join(',', WalkClasses)}", "--remove-tags", "--no-progress", "-O", "-o", highways);
            // Ways closed to people on foot (foot=no, access=private ...) are no part of the walking network.
            var roadsXml = Path.Combine(work.FullName, "roads.osm");
            await OsmTools.OsmiumAsync(work.FullName, $"osmium could not leave out the roads closed to walkers in {name}", ct,
                "tags-filter", highways, "--invert-match", $"w/foot={string.Join(',', ClosedToWalkers)}", $"w/access={string.Join(',', ClosedToWalkers)}",
                "--no-progress", "-O", "-o", roadsXml);
            report($"roads: walkable highways filtered to OSM XML ({new FileInfo(roadsXml).Length / 1024.0 / 1024.0:0.0} MB) ({watch.ElapsedMilliseconds} ms)");

            watch.Restart();
            var geojson = await ExportFeaturesAsync(source, name, work.FullName, classes, ct);
            report($"buildings and facilities: osmium exported {new FileInfo(geojson).Length / 1024.0 / 1024.0:0.0} MB of GeoJSON ({watch.ElapsedMilliseconds} ms)");
            watch.Restart();
            var (buildings, facilities) = ReadFeatures(geojson, name, classes);
            report($"buildings and facilities: {buildings.Count:N0} buildings, {facilities.Count:N0} facilities classified ({watch.ElapsedMilliseconds} ms)");

            try
            {
                var written = await LoadAsync(connectionString, connection, roadsXml, name, work.FullName, buildings, facilities, report, ct);
                return written with { ElapsedMs = total.ElapsedMilliseconds };
            }
            catch (NpgsqlException ex)
            {
                // The transaction rolled back: the county is as it was.
                throw new OsmImportException(ex is PostgresException pg
                    ? $"The database refused the import: {pg.MessageText}{(pg.Detail is { Length: > 0 } d ? $" ({d})" : "")}."
                    : $"The database could not be reached: {ex.Message}", ex);
            }
        }
        finally
        {
            try { work.Delete(recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Stages the roads with osm2pgrouting and writes every layer, holding the import lock.</summary>
    private static async Task<OsmImportResult> LoadAsync(string connectionString, Osm2pgrouting.Connection connection, string roadsXml, string name,
        string work, IReadOnlyList<OsmBuilding> buildings, IReadOnlyList<OsmFacility> facilities, Action<string> report, CancellationToken ct)
    {
        await using var dataSource = new NpgsqlDataSourceBuilder(connectionString).UseNetTopologySuite().Build();
        await using var db = await dataSource.OpenConnectionAsync(ct);
        if (!(bool)(await Scalar(db, $"SELECT pg_try_advisory_lock({ImportLockKey})", ct))!)
            throw new OsmImportException("Another OpenStreetMap import is running on this database; wait for it to finish, then import again.");
        try
        {
            await Execute(db, $"DROP SCHEMA IF EXISTS {StageSchema} CASCADE; CREATE SCHEMA {StageSchema}", ct);
            var watch = Stopwatch.StartNew();
            await Osm2pgrouting.StageAsync(db, connection, roadsXml, work, ct);
            var ways = Convert.ToInt64(await Scalar(db, $"SELECT count(*) FROM {StageSchema}.ways WHERE source IS NOT NULL AND target IS NOT NULL", ct), CultureInfo.InvariantCulture);
            if (ways == 0)
                throw new OsmImportException($"{name} has no walkable roads (footways, paths or streets; motorways are left out), so nothing was imported.");
            report($"roads: osm2pgrouting noded {ways:N0} segments ({watch.ElapsedMilliseconds} ms)");

            watch.Restart();
            var written = await OsmImportWriter.ReplaceAsync(db, buildings, facilities, ct);
            report($"written in one transaction: {written.Roads:N0} roads ({written.WalkOnlyRoads:N0} walk only, {written.Junctions:N0} junctions, {written.WalkKm:0.0} km), "
                   + $"{written.Buildings:N0} buildings, {written.Facilities:N0} facilities, {written.LampsOnRoads:N0} lamps on a road ({watch.ElapsedMilliseconds} ms)");
            return written;
        }
        finally
        {
            // The staging tables go, whatever happened (on a lost connection the lock went with it).
            try
            {
                await Execute(db, $"DROP SCHEMA IF EXISTS {StageSchema} CASCADE; SELECT pg_advisory_unlock({ImportLockKey})", CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException) { }
        }
    }

    /// <summary>The file as osmium sees it; an extract that is not ordered is sorted first (osm2pgrouting needs nodes before ways).</summary>
    private static async Task<string> CheckAsync(string file, string name, string work, Action<string> report, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var info = await OsmTools.RunAsync("osmium", ["fileinfo", "--extended", "--json", "--no-progress", file], work, null, ct);
        if (info.ExitCode != 0)
            throw new OsmImportException($"{name} is not an OpenStreetMap file: {info.Message.TrimEnd('.')}"
                + (info.Message.Contains("detect file format", StringComparison.Ordinal) ? " (an extract's name ends in .osm.pbf, .osm or .osm.bz2)." : "."));
        long nodes, ways, relations;
        bool ordered, history;
        string format;
        try
        {
            using var json = JsonDocument.Parse(info.Stdout);
            format = json.RootElement.GetProperty("file").GetProperty("format").GetString() ?? "?";
            var data = json.RootElement.GetProperty("data");
            var count = data.GetProperty("count");
            (nodes, ways, relations) = (count.GetProperty("nodes").GetInt64(), count.GetProperty("ways").GetInt64(), count.GetProperty("relations").GetInt64());
            ordered = data.GetProperty("objects_ordered").GetBoolean();
            history = json.RootElement.GetProperty("header").GetProperty("with_history").GetBoolean()
                      || (data.TryGetProperty("multiple_versions", out var mv) && mv.ValueKind == JsonValueKind.True);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new OsmImportException($"{name} is not an OpenStreetMap file: osmium could not describe it ({ex.Message}).", ex);
        }
        if (history)
            throw new OsmImportException($"{name} is a history file (several versions of each object); import a current extract, such as a .osm.pbf from download.geofabrik.de.");
        if (ways == 0)
            throw new OsmImportException($"{name}: the extract has no ways (only {Count(nodes, "node")} and {Count(relations, "relation")}), so it has no roads or buildings; export the town's area with its ways.");
        report($"check: {name} is OSM {format} with {nodes:N0} nodes, {ways:N0} ways, {relations:N0} relations ({watch.ElapsedMilliseconds} ms)");
        if (ordered) return file;

        watch.Restart();
        var sorted = Path.Combine(work, "sorted.osm.pbf");
        await OsmTools.OsmiumAsync(work, $"osmium could not sort {name}", ct, "sort", file, "--no-progress", "-O", "-o", sorted);
        report($"check: {name} was not ordered by type and id; sorted ({watch.ElapsedMilliseconds} ms)");
        return sorted;
    }

    private static string Count(long n, string what) => $"{n:N0} {what}{(n == 1 ? "" : "s")}";

    /// <summary>Buildings (areas with building=*) and whatever the class table maps, through osmium tags-filter and export.</summary>
    private static async Task<string> ExportFeaturesAsync(string source, string name, string work, FacilityClasses classes, CancellationToken ct)
    {
        var filtered = Path.Combine(work, "features.osm.pbf");
        await OsmTools.OsmiumAsync(work, $"osmium could not take the buildings and facilities out of {name}", ct,
            ["tags-filter", source, "a/building", .. FilterExpressions(classes), "--remove-tags", "--no-progress", "-O", "-o", filtered]);
        var config = Path.Combine(work, "export.json");
        // Closed ways are areas (buildings, school grounds); attributes give each feature its OSM type and id.
        await File.WriteAllTextAsync(config, """{ "attributes": { "type": true, "id": true }, "linear_tags": false, "area_tags": true }""", ct);
        var geojson = Path.Combine(work, "features.geojsonseq");
        await OsmTools.OsmiumAsync(work, $"osmium could not export the buildings and facilities of {name}", ct,
            "export", filtered, "-c", config, "-f", "geojsonseq", "-x", "print_record_separator=false",
            "--geometry-types=point,polygon", "--no-progress", "-O", "-o", geojson);
        return geojson;
    }

    private static (List<OsmBuilding>, List<OsmFacility>) ReadFeatures(string geojson, string name, FacilityClasses classes)
    {
        using var reader = File.OpenText(geojson);
        try
        {
            return OsmLayers.Classify(OsmFeatureReader.Read(reader), classes);
        }
        catch (InvalidDataException ex)
        {
            throw new OsmImportException($"osmium export of {name} wrote something unexpected: {ex.Message}", ex);
        }
    }

    /// <summary>One osmium filter per class rule, on the rule's first tag: a superset of what the table matches, checked exactly later.</summary>
    internal static IEnumerable<string> FilterExpressions(FacilityClasses classes) =>
        classes.All.SelectMany(c => c.Rules)
            .Select(r => r.Tags.First())
            .Select(t => t.Value == "*" ? $"nwr/{t.Key}" : $"nwr/{t.Key}={t.Value.Replace('|', ',')}")
            .Distinct(StringComparer.Ordinal);

    internal static async Task<object?> Scalar(NpgsqlConnection db, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, db);
        return await cmd.ExecuteScalarAsync(ct);
    }

    internal static async Task Execute(NpgsqlConnection db, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, db);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
