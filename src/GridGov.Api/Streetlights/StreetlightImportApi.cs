using GridGov.Api.Grids;
using GridGov.Api.Platform;
using Npgsql;

namespace GridGov.Api.Streetlights;

/// <summary>POST /api/import/streetlights and <c>./gridgov import streetlights FILE</c>.</summary>
public static class StreetlightImportApi
{
    public static IEndpointRouteBuilder MapStreetlightImport(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/import/streetlights", Import).WithTags("Streetlights").RequireAuthorization(Auth.Policies.Admin).DisableAntiforgery()
            .WithSummary("Replace the lamp and cabinet register from CSV (code, lon, lat, circuit, seq, cabinet, pole, type, power, installed, status), GeoJSON, a zipped Shapefile or a GeoPackage; checked whole, nothing half-loaded.");
        return app;
    }

    private static async Task<IResult> Import(HttpRequest request, string? crs, NpgsqlDataSource dataSource, GridCatalog grids, StreetlightIndex index, CancellationToken ct)
    {
        if (!request.HasFormContentType) return Validation.Problem("file", "Send multipart/form-data with the register as part 'file' (CSV, GeoJSON, zipped Shapefile or GeoPackage).");
        if (request.ContentLength > StreetlightImport.MaxBytes) return Validation.Problem("file", $"The file is larger than {StreetlightImport.MaxBytes / 1024 / 1024} MB.");
        if (!Plans.PlansApi.TryImportCrs(crs, out var inputCrs)) return Validation.Problem("crs", $"'crs' is wgs84, cgcs2000, gcj02 or bd09, not '{Validation.Clip(crs ?? "")}'.");
        var form = await request.ReadFormAsync(ct);
        var unknown = form.Files.Where(f => f.Name != "file").Select(f => f.Name).ToList();
        if (unknown.Count > 0) return Validation.Problem("file", $"Unknown part(s) {string.Join(", ", unknown)}; send the register as part 'file'.");
        if (form.Files.GetFile("file") is not { } part) return Validation.Problem("file", "No part 'file' was sent.");
        var v = new Validation();
        await using var stream = part.OpenReadStream();
        var result = await StreetlightImport.ImportAsync(dataSource, grids, stream, part.FileName, inputCrs, v, null, ct);
        if (result is null) return v.Problem($"{v.Errors.Count} problems; nothing was written. Fix them and send the file again.");
        await index.RefreshAsync(ct);
        return TypedResults.Ok(result);
    }

    private const string Usage = """
        usage: gridgov import streetlights FILE [--crs wgs84|cgcs2000|gcj02|bd09]
        FILE is CSV (columns code, lon, lat and optionally circuit, seq, cabinet, pole, type, power, installed, status),
        GeoJSON, a zipped Shapefile or a GeoPackage of points with the same fields. It replaces the county's lamps and
        cabinets; every row is checked first and nothing is written when one is wrong.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) return CommandHost.Fail("import streetlights", Usage, 2);
        string? crs = null;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--crs" && i + 1 < args.Length) crs = args[++i];
            else return CommandHost.Fail("import streetlights", $"unknown option '{args[i]}'\n{Usage}", 2);
        }
        if (!Plans.PlansApi.TryImportCrs(crs, out var inputCrs)) return CommandHost.Fail("import streetlights", $"--crs is wgs84, cgcs2000, gcj02 or bd09, not '{crs}'", 2);
        if (!File.Exists(args[0])) return CommandHost.Fail("import streetlights", $"there is no file '{args[0]}'");
        using var host = await CommandHost.StartAsync("import streetlights", withCases: true);
        if (host is null) return 1;
        Console.Error.WriteLine($"importing streetlights from {args[0]} ({new FileInfo(args[0]).Length / 1024.0 / 1024.0:0.0} MB) ...");
        var grids = host.Services.GetRequiredService<GridCatalog>();
        await using var stream = File.OpenRead(args[0]);
        var v = new Validation();
        var result = await StreetlightImport.ImportAsync(host.Services.GetRequiredService<NpgsqlDataSource>(), grids, stream, Path.GetFileName(args[0]), inputCrs, v,
            step => Console.Error.WriteLine($"  {step}"), default);
        if (result is null)
        {
            foreach (var (where, messages) in v.Errors)
                foreach (var m in messages) Console.Error.WriteLine($"  {where}: {m}");
            return CommandHost.Fail("import streetlights", $"{v.Errors.Count} problems; nothing was imported");
        }
        Console.WriteLine($"streetlights ({result.Format}, {result.Crs}): {result.Lamps:N0} lamps on {result.Circuits:N0} circuits, {result.Cabinets:N0} cabinets; {result.Created:N0} created, {result.Updated:N0} updated, {result.Removed:N0} removed; {result.OnRoads:N0} lamps by a road");
        return 0;
    }
}
