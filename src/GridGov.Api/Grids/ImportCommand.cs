using GridGov.Api.Data;
using GridGov.Api.Incidents;
using GridGov.Api.Plans;
using GridGov.Api.Platform;

namespace GridGov.Api.Grids;

/// <summary><c>./gridgov import grids FILE --level L</c>: a boundary file into a plan, with progress on the console.</summary>
public static class ImportCommand
{
    private const string Usage = """
        usage: gridgov import grids FILE --level county|street|community|large|unit [--crs wgs84|cgcs2000|gcj02|bd09]
               [--format geojson|shapefile|geopackage] [--code-field F] [--name-field F] [--parent-field F]
               [--plan NAME] [--publish]
        FILE is GeoJSON, a zipped Shapefile (its .prj says the crs) or a GeoPackage.
        without --plan the level goes into force at once (a draft is made from the published plan, imported, published);
        with --plan NAME it goes into that draft (made from the published plan when missing), published only with --publish.
        import the levels top-down (county, street, community, large, unit): each lies in the level above
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) return CommandHost.Fail("import grids", Usage, 2);
        var file = args[0];
        string? level = null, crs = null, format = null, code = "code", name = "name", parent = "parentCode", planName = null;
        var publish = false;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--publish") { publish = true; continue; }
            if (i + 1 >= args.Length) return CommandHost.Fail("import grids", $"'{args[i]}' needs a value\n{Usage}", 2);
            switch (args[i])
            {
                case "--level": level = args[++i]; break;
                case "--crs": crs = args[++i]; break;
                case "--format": format = args[++i]; break;
                case "--code-field": code = args[++i]; break;
                case "--name-field": name = args[++i]; break;
                case "--parent-field": parent = args[++i]; break;
                case "--plan": planName = args[++i]; break;
                default: return CommandHost.Fail("import grids", $"unknown option '{args[i]}'\n{Usage}", 2);
            }
        }
        if (planName is null) publish = true;
        if (!GridImportApi.TryLevel(level, out var gridLevel)) return CommandHost.Fail("import grids", $"--level is county, street, community, large or unit\n{Usage}", 2);
        if (!PlansApi.TryImportCrs(crs, out var inputCrs)) return CommandHost.Fail("import grids", $"--crs is wgs84, cgcs2000, gcj02 or bd09, not '{crs}' (the system is named, never guessed; a Shapefile's .prj is read)", 2);
        if (!PlansApi.TryFormat(format, out var declared)) return CommandHost.Fail("import grids", $"--format is geojson, shapefile or geopackage, not '{format}'", 2);
        if (!File.Exists(file)) return CommandHost.Fail("import grids", $"there is no file '{file}'");
        declared ??= PlansApi.FormatOfFileName(file);

        using var host = await CommandHost.StartAsync("import grids", withCases: true);
        if (host is null) return 1;
        await using var scope = host.Services.CreateAsyncScope();
        var flow = scope.ServiceProvider.GetRequiredService<ImportFlow>();
        Console.Error.WriteLine($"importing {GridImporter.Name(gridLevel)} grids from {file} ({new FileInfo(file).Length / 1024.0 / 1024.0:0.0} MB) ...");
        await using var stream = File.OpenRead(file);
        var v = new Validation();
        var actor = new Actor("gridgov import", [Auth.Roles.Planner], null, null);
        var result = await flow.RunAsync(stream, new PlanImportOptions(gridLevel, inputCrs, declared, code, name, parent), planName, publish, actor, v,
            step => Console.Error.WriteLine($"  {step}"), default);
        if (result.Refusal is { } refusal) return CommandHost.Fail("import grids", refusal.Detail);
        if (result.Import is not { } import)
        {
            foreach (var (where, messages) in v.Errors)
                foreach (var m in messages) Console.Error.WriteLine($"  {where}: {m}");
            return CommandHost.Fail("import grids", $"{v.Errors.Count} problems; nothing was imported");
        }
        Console.WriteLine($"{import.Level}: {import.Created} created, {import.Updated} updated, {import.Removed} removed{(import.Numbered > 0 ? $", {import.Numbered} numbered" : "")} in plan {result.Plan!.Id} ({result.Plan.Name})");
        if (result.Refused is { } refused)
        {
            foreach (var p in refused.Validation?.Problems.Take(30) ?? []) Console.Error.WriteLine($"  {p.Kind} {string.Join(",", p.Codes)}: {p.Detail}");
            return CommandHost.Fail("import grids", planName is null
                ? $"not published, nothing was imported: {refused.Refusal.Detail}"
                : $"imported into draft '{planName}' but not published: {refused.Refusal.Detail}");
        }
        if (result.Published is { } published)
            Console.WriteLine($"published plan {published.Plan.Id}: {published.Rerouted} open cases re-routed, {published.TeamChanged} to another team (a running service switches at once)");
        return 0;
    }
}
