using System.Text.Json;
using GridGov.Api.Platform;
using Npgsql;

namespace GridGov.Api.LifeCircles;

/// <summary>
/// <c>./gridgov import osm FILE.osm.pbf [--json]</c> and <c>./gridgov export osm FILE.osm.pbf</c>: the county's
/// town from and to OpenStreetMap, with progress on standard error.
/// </summary>
public static class OsmImportCommand
{
    private const string ImportUsage = """
        usage: gridgov import osm FILE.osm.pbf [--json]
        loads the town's roads (the walking network and the streets; motorways left out), buildings and life-circle
        facilities from an OpenStreetMap extract (.osm.pbf, or .osm XML), replacing the ones in the database;
        streetlights keep their place and take the nearest new road. --json prints the summary as JSON.
        a running service reloads its road graph at once.
        """;

    private const string ExportUsage = """
        usage: gridgov export osm FILE.osm.pbf
        writes the county's roads, buildings and facilities as an OpenStreetMap extract (what 'import osm' reads).
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(string[] args)
    {
        string? file = null;
        var json = false;
        foreach (var a in args)
        {
            if (a == "--json") json = true;
            else if (a is "-h" or "--help") { Console.Error.WriteLine(ImportUsage); return 0; }
            else if (a.StartsWith('-') || file is not null) return CommandHost.Fail("import osm", $"unexpected '{a}'\n{ImportUsage}", 2);
            else file = a;
        }
        if (file is null) return CommandHost.Fail("import osm", ImportUsage, 2);
        if (!File.Exists(file)) return CommandHost.Fail("import osm", $"there is no file '{file}'");

        using var host = await CommandHost.StartAsync("import osm");
        if (host is null) return 1;
        var cs = host.Services.GetRequiredService<IConfiguration>().GetConnectionString("GridGov")!;
        Console.Error.WriteLine($"importing {Path.GetFileName(file)} ({new FileInfo(file).Length / 1024.0 / 1024.0:0.0} MB) from OpenStreetMap ...");
        try
        {
            var result = await OsmImport.RunAsync(cs, file, step => Console.Error.WriteLine($"  {step}"));
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(result, Json));
            }
            else
            {
                Console.WriteLine($"roads: {result.Roads:N0} segments ({result.WalkOnlyRoads:N0} walk only), {result.Junctions:N0} junctions, {result.WalkKm:0.0} km walkable");
                Console.WriteLine($"buildings: {result.Buildings:N0} ({result.ResidentialBuildings:N0} residential, {result.Households:N0} households; {result.BuildingsOutsideGrids:N0} outside every unit grid)");
                Console.WriteLine($"facilities: {result.Facilities:N0} ({string.Join(", ", result.FacilitiesByClass.Select(c => $"{c.Key} {c.Value}"))})");
                Console.WriteLine($"streetlights: {result.LampsOnRoads:N0} lamps on a road, {result.LampsOffRoads:N0} farther than {OsmImport.StreetlightSnapM:0} m from every road");
                Console.WriteLine($"imported in {result.ElapsedMs:N0} ms (a running service reloads its road graph at once)");
            }
            return 0;
        }
        catch (OsmImportException ex)
        {
            return CommandHost.Fail("import osm", $"{ex.Message.TrimEnd().TrimEnd('.')}. Nothing was changed.");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return CommandHost.Fail("import osm", $"a file could not be read or written ({ex.Message}); check the free space and rights in {Path.GetTempPath()}. Nothing was changed.");
        }
    }

    public static async Task<int> ExportAsync(string[] args)
    {
        if (args is not [var file] || file.StartsWith('-')) return CommandHost.Fail("export osm", ExportUsage, 2);
        using var host = await CommandHost.StartAsync("export osm");
        if (host is null) return 1;
        try
        {
            var result = await OsmExport.WriteAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), file);
            Console.WriteLine($"{file}: {result.Roads:N0} roads ({result.Junctions:N0} junctions), {result.Buildings:N0} buildings, {result.Facilities:N0} facilities"
                              + (result.FacilitiesSkipped > 0 ? $"; {result.FacilitiesSkipped} facilities of a kind the class table does not know were left out" : ""));
            return 0;
        }
        catch (OsmImportException ex)
        {
            return CommandHost.Fail("export osm", ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return CommandHost.Fail("export osm", $"{file} could not be written: {ex.Message}");
        }
    }
}
