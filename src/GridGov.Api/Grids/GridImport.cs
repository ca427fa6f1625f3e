using System.Text.Json;
using System.Text.RegularExpressions;
using GridGov.Api.Data;
using GridGov.Api.Platform;
using GridGov.Geo.Coordinates;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Features;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO.Converters;
using NetTopologySuite.Operation.Valid;

namespace GridGov.Api.Grids;

/// <summary>Which attribute holds what, and the coordinate system the file is in (named, never guessed).</summary>
public sealed record GridImportOptions(GridLevel Level, InputCrs Crs, string CodeField = "code", string NameField = "name", string ParentField = "parentCode");

public sealed record GridImportResult(string Level, int Created, int Updated, int Removed);

/// <summary>
/// One level of the county's grids from a GeoJSON FeatureCollection (Polygon or MultiPolygon features), as a whole: every
/// feature is checked (geometry valid, code present, unique and of the rule, parent of the level above present) before
/// anything is written; then the level becomes the file — codes kept are updated, new ones added, missing ones removed
/// (refused while grids below still name them). Old incidents keep the codes they were filed under. A large grid keeps
/// its team; a new one has none until a team names it. Not thread-safe; one import at a time (the caller's transaction).
/// </summary>
public static partial class GridImporter
{
    [GeneratedRegex(@"^\d{15}$")]
    private static partial Regex UnitCodeRule();

    [GeneratedRegex(@"^[0-9A-Za-z_-]{1,20}$")]
    private static partial Regex CodeRule();

    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4490);

    public static async Task<GridImportResult?> ImportAsync(GridGovDb db, Stream geoJson, GridImportOptions options, Validation v, Action<string>? progress, CancellationToken ct)
    {
        FeatureCollection? collection;
        try
        {
            var json = new JsonSerializerOptions { Converters = { new GeoJsonConverterFactory() } };
            collection = await JsonSerializer.DeserializeAsync<FeatureCollection>(geoJson, json, ct);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or NotSupportedException or InvalidOperationException)
        {
            v.Add("file", $"The file is not a GeoJSON FeatureCollection: {ex.Message}");
            return null;
        }
        if (collection is null || collection.Count == 0)
        {
            v.Add("file", "The file holds no features.");
            return null;
        }
        progress?.Invoke($"read {collection.Count:N0} features");

        var parentLevel = options.Level switch { GridLevel.Unit => GridLevel.Large, GridLevel.Large => GridLevel.Community, GridLevel.Community => GridLevel.Street, GridLevel.Street => GridLevel.County, _ => (GridLevel?)null };
        var parentRequired = options.Level is GridLevel.Unit or GridLevel.Large or GridLevel.Community;
        var parents = parentLevel is { } pl ? (await db.Grids.AsNoTracking().Where(g => g.Level == pl).Select(g => g.Code).ToListAsync(ct)).ToHashSet() : [];
        var gk = GaussKruger.ForLongitude(collection[0].Geometry?.Centroid.X ?? 0);
        var incoming = new Dictionary<string, (string Name, string? Parent, MultiPolygon Geometry, double Area)>(StringComparer.Ordinal);
        for (var i = 0; i < collection.Count; i++)
        {
            var feature = collection[i];
            var where = $"feature {i + 1}";
            var code = Text(feature.Attributes, options.CodeField);
            if (code is null) { v.Add(where, $"'{options.CodeField}' is missing; every grid has a code."); continue; }
            where = $"feature {i + 1} ({code})";
            if (options.Level == GridLevel.Unit ? !UnitCodeRule().IsMatch(code) : !CodeRule().IsMatch(code))
                v.Add(where, options.Level == GridLevel.Unit
                    ? $"Unit grid code '{code}' breaks the 15-digit rule (county 6 + street 3 + community 3 + sequence 3, GB/T 30428.1)."
                    : $"Code '{code}' is 1-20 letters, digits, '-' or '_'.");
            if (incoming.ContainsKey(code)) { v.Add(where, $"Code '{code}' appears twice."); continue; }
            var name = Text(feature.Attributes, options.NameField) ?? code;
            var parent = Text(feature.Attributes, options.ParentField);
            if (parent is null && parentRequired)
                v.Add(where, $"'{options.ParentField}' is missing: a {Name(options.Level)} grid lies in a {Name(parentLevel!.Value)} grid.");
            else if (parent is not null && (parentLevel is null || !parents.Contains(parent)))
                v.Add(where, parentLevel is null ? "The county level has no parent." : $"Parent '{parent}' is not a {Name(parentLevel.Value)} grid of this county; import that level first.");
            if (feature.Geometry is not (Polygon or MultiPolygon))
            {
                v.Add(where, $"The geometry is a {feature.Geometry?.GeometryType ?? "null"}; a grid is a Polygon or MultiPolygon.");
                continue;
            }
            var geometry = InWgs84(feature.Geometry, options.Crs);
            var problem = new IsValidOp(geometry).ValidationError;
            if (problem is not null)
            {
                v.Add(where, $"The outline is not valid: {problem.Message} near {problem.Coordinate.X:0.000000}, {problem.Coordinate.Y:0.000000}.");
                continue;
            }
            var multi = geometry as MultiPolygon ?? Factory.CreateMultiPolygon([(Polygon)geometry]);
            multi.SRID = 4490;
            incoming[code] = (name.Length > 100 ? name[..100] : name, parent, multi, Math.Round(gk.Project(multi).Area, 1));
        }
        if (!v.IsValid) return null;
        progress?.Invoke($"checked {incoming.Count:N0} grids");

        var existing = await db.Grids.Where(g => g.Level == options.Level).ToDictionaryAsync(g => g.Code, StringComparer.Ordinal, ct);
        var missing = existing.Keys.Where(c => !incoming.ContainsKey(c)).ToList();
        var orphaned = await db.Grids.AsNoTracking().Where(g => g.ParentCode != null && missing.Contains(g.ParentCode)).Select(g => g.ParentCode!).Distinct().ToListAsync(ct);
        foreach (var code in orphaned) v.Add(code, $"Grid '{code}' is not in the file, but grids of the level below lie in it; import them anew (or keep it) first.");
        if (!v.IsValid) return null;

        int created = 0, updated = 0;
        foreach (var (code, g) in incoming)
        {
            if (existing.TryGetValue(code, out var grid))
            {
                (grid.Name, grid.ParentCode, grid.Geometry, grid.AreaM2) = (g.Name, g.Parent, g.Geometry, g.Area);
                updated++;
            }
            else
            {
                db.Grids.Add(new Grid { Code = code, Level = options.Level, Name = g.Name, ParentCode = g.Parent, Geometry = g.Geometry, AreaM2 = g.Area });
                created++;
            }
        }
        db.Grids.RemoveRange(missing.Select(c => existing[c]));
        await db.SaveChangesAsync(ct);
        progress?.Invoke($"wrote {created:N0} new, {updated:N0} updated, {missing.Count:N0} removed");
        return new GridImportResult(Name(options.Level), created, updated, missing.Count);
    }

    private static Geometry InWgs84(Geometry geometry, InputCrs crs)
    {
        var copy = geometry.Copy();
        if (crs != InputCrs.Wgs84)
        {
            copy.Apply(new CoordinateFilter(c => (c.X, c.Y) = ChinaOffsets.ToWgs84(crs, c.X, c.Y)));
            copy.GeometryChanged();
        }
        copy.SRID = 4490;
        return copy;
    }

    private sealed class CoordinateFilter(Action<Coordinate> apply) : ICoordinateFilter
    {
        public void Filter(Coordinate coord) => apply(coord);
    }

    private static string? Text(IAttributesTable? attributes, string field)
    {
        if (attributes is null) return null;
        var name = attributes.GetNames().FirstOrDefault(n => string.Equals(n, field, StringComparison.OrdinalIgnoreCase));
        var value = name is null ? null : attributes[name];
        var text = value switch { null => null, JsonElement e => e.ValueKind == JsonValueKind.String ? e.GetString() : e.GetRawText(), _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) };
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    public static string Name(GridLevel level) => JsonNames.Of(level);
}

/// <summary>POST /api/import/grids?level=: one level of the grids from GeoJSON, for planners and admins.</summary>
public static class GridImportApi
{
    public const long MaxBytes = 100 * 1024 * 1024;

    public static IEndpointRouteBuilder MapGridImport(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/import/grids", Import).WithTags("Grids").RequireAuthorization(Auth.Policies.Planning).DisableAntiforgery()
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBytes))
            .WithSummary("Replace one level (street, community, large, unit) with a GeoJSON FeatureCollection (multipart 'file' or the body); checked whole, crs named (wgs84, gcj02, bd09), fields chosen by name.");
        return app;
    }

    public static bool TryLevel(string? raw, out GridLevel level) =>
        Enum.TryParse(raw?.Trim(), ignoreCase: true, out level) && !int.TryParse(raw, out _);

    private static async Task<IResult> Import(HttpRequest request, string? level, string? crs, string? codeField, string? nameField, string? parentField,
        GridGovDb db, GridCatalog grids, CancellationToken ct)
    {
        var v = new Validation();
        if (!TryLevel(level, out var gridLevel)) v.Add("level", $"'level' is county, street, community, large or unit{(level is null ? "" : $", not '{level}'")}.");
        if (!ChinaOffsets.TryParse(crs, out var inputCrs)) v.Add("crs", $"'crs' must be one of wgs84, cgcs2000, gcj02, bd09; got '{crs}'.");
        if (request.ContentLength > MaxBytes) return TypedResults.Problem(statusCode: 413, title: "Too large", detail: $"A grid file is at most {MaxBytes / 1024 / 1024} MB.");
        if (!v.IsValid) return v.Problem();
        Stream body;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            if (form.Files.GetFile("file") is not { } file) return Validation.Problem("file", "Send the GeoJSON as the multipart part 'file'.");
            body = file.OpenReadStream();
        }
        else body = request.Body;
        await using (body)
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var options = new GridImportOptions(gridLevel, inputCrs, codeField ?? "code", nameField ?? "name", parentField ?? "parentCode");
            var result = await GridImporter.ImportAsync(db, body, options, v, null, ct);
            if (result is null) return v.Problem($"{v.Errors.Count} problems; nothing was imported. {string.Join(" ", v.Errors.Take(3).SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")))}");
            await tx.CommitAsync(ct);
            await grids.ReloadAsync(ct);
            return TypedResults.Ok(result);
        }
    }
}
