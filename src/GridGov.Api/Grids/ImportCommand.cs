using GridGov.Api.Data;
using GridGov.Api.Platform;
using GridGov.Geo.Coordinates;

namespace GridGov.Api.Grids;

/// <summary><c>./gridgov import grids FILE --level L</c>: the same import as POST /api/import/grids, with progress on the console.</summary>
public static class ImportCommand
{
    private const string Usage = """
        usage: gridgov import grids FILE.geojson --level county|street|community|large|unit [--crs wgs84|gcj02|bd09]
               [--code-field F] [--name-field F] [--parent-field F]
        import the levels top-down (county, street, community, large, unit): each names its parent in the level above
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) return CommandHost.Fail("import grids", Usage, 2);
        var file = args[0];
        string? level = null, crs = null, code = "code", name = "name", parent = "parentCode";
        for (var i = 1; i < args.Length; i++)
        {
            if (i + 1 >= args.Length) return CommandHost.Fail("import grids", $"'{args[i]}' needs a value\n{Usage}", 2);
            switch (args[i])
            {
                case "--level": level = args[++i]; break;
                case "--crs": crs = args[++i]; break;
                case "--code-field": code = args[++i]; break;
                case "--name-field": name = args[++i]; break;
                case "--parent-field": parent = args[++i]; break;
                default: return CommandHost.Fail("import grids", $"unknown option '{args[i]}'\n{Usage}", 2);
            }
        }
        if (!GridImportApi.TryLevel(level, out var gridLevel)) return CommandHost.Fail("import grids", $"--level is county, street, community, large or unit\n{Usage}", 2);
        if (!ChinaOffsets.TryParse(crs, out var inputCrs)) return CommandHost.Fail("import grids", $"--crs is wgs84, cgcs2000, gcj02 or bd09, not '{crs}' (the system is named, never guessed)", 2);
        if (!File.Exists(file)) return CommandHost.Fail("import grids", $"there is no file '{file}'");

        using var host = await CommandHost.StartAsync("import grids");
        if (host is null) return 1;
        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
        Console.Error.WriteLine($"importing {GridImporter.Name(gridLevel)} grids from {file} ({new FileInfo(file).Length / 1024.0 / 1024.0:0.0} MB) ...");
        await using var stream = File.OpenRead(file);
        await using var tx = await db.Database.BeginTransactionAsync();
        var v = new Validation();
        var result = await GridImporter.ImportAsync(db, stream, new GridImportOptions(gridLevel, inputCrs, code, name, parent), v,
            step => Console.Error.WriteLine($"  {step}"), default);
        if (result is null)
        {
            foreach (var (where, messages) in v.Errors)
                foreach (var m in messages) Console.Error.WriteLine($"  {where}: {m}");
            return CommandHost.Fail("import grids", $"{v.Errors.Count} problems; nothing was imported");
        }
        await tx.CommitAsync();
        Console.WriteLine($"{result.Level}: {result.Created} created, {result.Updated} updated, {result.Removed} removed (a running service picks the grids up on restart)");
        return 0;
    }
}
