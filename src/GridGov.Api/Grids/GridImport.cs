using GridGov.Api.Platform;

namespace GridGov.Api.Grids;

public sealed record GridImportResult(string Level, int Created, int Updated, int Removed, long PlanId, int Rerouted);

/// <summary>Names of grid levels as they travel (county, street, community, large, unit).</summary>
public static class GridImporter
{
    public static string Name(GridLevel level) => JsonNames.Of(level);

    /// <summary>The level as planners say it (for history entries and names written in Chinese).</summary>
    public static string Chinese(GridLevel level) => level switch
    {
        GridLevel.County => "区县",
        GridLevel.Street => "街道",
        GridLevel.Community => "社区",
        GridLevel.Large => "大网格",
        _ => "单元网格",
    };
}

/// <summary>
/// POST /api/import/grids?level=: one level of the grids in force from a boundary file, for planners and admins — a
/// draft made from the published plan, the level imported into it, and published at once (refused whole, with the
/// problems, when the grids would not be valid).
/// </summary>
public static class GridImportApi
{
    public const long MaxBytes = 100 * 1024 * 1024;

    public static IEndpointRouteBuilder MapGridImport(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/import/grids", Import).WithTags("Grids").RequireAuthorization(Auth.Policies.Planning).DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBytes))
            .WithSummary("Replace one level (street, community, large, unit) of the grids in force with a boundary file (multipart 'file' or the body; GeoJSON, zipped Shapefile, GeoPackage): imported into a new draft and published at once; checked whole, crs named or read from the .prj, fields chosen by name.");
        return app;
    }

    public static bool TryLevel(string? raw, out GridLevel level) =>
        Enum.TryParse(raw?.Trim(), ignoreCase: true, out level) && !int.TryParse(raw, out _);

    private static async Task<IResult> Import(HttpRequest request, string? level, string? crs, string? format, string? codeField, string? nameField, string? parentField,
        System.Security.Claims.ClaimsPrincipal user, Plans.ImportFlow flow, CancellationToken ct)
    {
        var v = new Validation();
        if (!TryLevel(level, out var gridLevel)) v.Add("level", $"'level' is county, street, community, large or unit{(level is null ? "" : $", not '{level}'")}.");
        if (!Plans.PlansApi.TryImportCrs(crs, out var inputCrs)) v.Add("crs", $"'crs' must be one of wgs84, cgcs2000, gcj02, bd09; got '{crs}'.");
        if (!Plans.PlansApi.TryFormat(format, out var declared)) v.Add("format", $"'format' is geojson, shapefile or geopackage, not '{format}'.");
        if (request.ContentLength > MaxBytes) return TypedResults.Problem(statusCode: 413, title: "Too large", detail: $"A grid file is at most {MaxBytes / 1024 / 1024} MB.");
        if (!v.IsValid) return v.Problem();
        Stream body;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            if (form.Files.GetFile("file") is not { } file) return Validation.Problem("file", "Send the file as the multipart part 'file'.");
            body = file.OpenReadStream();
        }
        else
        {
            // The stream of a plain body cannot seek; the readers sniff the format first.
            var copy = new MemoryStream();
            await request.Body.CopyToAsync(copy, ct);
            copy.Position = 0;
            body = copy;
        }
        await using (body)
        {
            var options = new Plans.PlanImportOptions(gridLevel, inputCrs, declared, codeField ?? "code", nameField ?? "name", parentField ?? "parentCode");
            var result = await flow.RunAsync(body, options, null, publish: true, Incidents.IncidentsApi.ActorOf(user), v, null, ct);
            if (result.Refusal is { } refusal) return refusal.Problem();
            if (result.Import is null) return v.Problem($"{v.Errors.Count} problems; nothing was imported. {string.Join(" ", v.Errors.Take(3).SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")))}");
            if (result.Refused is { } refused)
                return Plans.PlansApi.Problem(refused, "Nothing was imported: with this file the grids would have problems. ");
            var i = result.Import;
            return TypedResults.Ok(new GridImportResult(i.Level, i.Created, i.Updated, i.Removed, result.Plan!.Id, result.Published!.Rerouted));
        }
    }
}
