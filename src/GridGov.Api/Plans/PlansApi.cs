using System.Globalization;
using System.Security.Claims;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using GridGov.Geo.Coordinates;
using GridGov.Geo.Files;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Plans;

public sealed record PlanView(long Id, string Name, string Status, long? BasedOnId, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? PublishedAt, DateTimeOffset? ArchivedAt, int Version, int Grids);

public sealed record PlanRequest(string? Name, long? BasedOnId, bool? Empty);

public sealed record StepRequest(int? BaseVersion);

public sealed record EditView(int Seq, string Op, string Summary, string Actor, DateTimeOffset At, bool Undone);

public sealed record EditResponse(int Version, EditView Edit, IReadOnlyList<string> Changed, IReadOnlyList<string> Removed, IReadOnlyList<GridGov.Geo.Grids.CoverageChange> Changes);

public sealed record StepResponse(int Version, EditView Edit);

public sealed record PublishResponse(PlanView Plan, int Rerouted, int TeamChanged, long? ArchivedPlanId);

/// <summary>The planners' API: plans, their grids, import, edits with undo and redo, validation, balance, compare, publish, export.</summary>
public static class PlansApi
{
    /// <summary>A boundary file is at most this big (a county's unit grids as Shapefile are a few MB).</summary>
    public const long MaxBytes = 100 * 1024 * 1024;

    public static IEndpointRouteBuilder MapPlansApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/plans").WithTags("Plans").RequireAuthorization(Policies.PlanReading);
        var write = app.MapGroup("/api/plans").WithTags("Plans").RequireAuthorization(Policies.Planning);
        read.MapGet("", List).WithSummary("Every plan: draft, published (exactly one) and archived.");
        write.MapPost("", Create).WithSummary("A new draft: a copy of the published plan, of basedOnId, or empty (\"empty\": true).");
        read.MapGet("/{id:long}", Get);
        write.MapDelete("/{id:long}", Delete).WithSummary("Deletes a draft (published and archived plans stay).");
        read.MapGet("/{id:long}/grids", Grids).WithSummary("A level of the plan's grids as GeoJSON, as GET /api/grids.");
        read.MapGet("/{id:long}/locate", Locate).WithSummary("The unit grid, large grid, community, street and team at a point in this plan.");
        write.MapPost("/{id:long}/import", Import).DisableAntiforgery().WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBytes))
            .WithSummary("Replaces a level of a draft with a boundary file (multipart 'file': GeoJSON, zipped Shapefile with .prj, GeoPackage).");
        write.MapPost("/{id:long}/edits", Edit).WithSummary("An edit of a draft: reshape, split, merge, assign, rename, recode, setTeam, clean; names its baseVersion.");
        write.MapPost("/{id:long}/undo", (long id, StepRequest? body, ClaimsPrincipal user, GridGovDb db, CancellationToken ct) => Step(id, body, undo: true, user, db, ct))
            .WithSummary("Takes back the draft's last edit (409 when there is none).");
        write.MapPost("/{id:long}/redo", (long id, StepRequest? body, ClaimsPrincipal user, GridGovDb db, CancellationToken ct) => Step(id, body, undo: false, user, db, ct))
            .WithSummary("Makes the first undone edit again (409 when there is none; a new edit ends the redo line).");
        read.MapGet("/{id:long}/history", History).WithSummary("The plan's edits, newest first: who, when, what, and whether undone.");
        read.MapGet("/{id:long}/validation", Validate).WithSummary("Gaps, overlaps, unmatched edges, invalid or empty outlines, grids outside their parent, codes breaking the rule.");
        read.MapGet("/{id:long}/balance", Balance).WithSummary("Per large grid: area, unit grids, buildings, households, cases in the last 12 months and their deviation from the mean.");
        read.MapGet("/{id:long}/compare", Compare).WithSummary("Grids added, removed and reshaped against another plan, and the open cases that would change team.");
        write.MapPost("/{id:long}/publish", Publish).WithSummary("Puts a valid draft in force at once; open cases follow the new map; the previous plan is archived.");
        read.MapGet("/{id:long}/export", Export).WithSummary("A level of the plan as GeoJSON, zipped Shapefile or GeoPackage.");
        return app;
    }

    internal static PlanView View(Plan p, int grids) =>
        new(p.Id, p.Name, PlanStore.Name(p.Status), p.BasedOnId, p.CreatedBy, p.CreatedAt, p.PublishedAt, p.ArchivedAt, p.Version, grids);

    private static async Task<PlanView?> ViewAsync(GridGovDb db, long id, CancellationToken ct)
    {
        var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        return plan is null ? null : View(plan, await db.PlanGrids.CountAsync(g => g.PlanId == id, ct));
    }

    private static async Task<IResult> List(GridGovDb db, CancellationToken ct)
    {
        var counts = await db.PlanGrids.GroupBy(g => g.PlanId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var plans = await db.Plans.AsNoTracking().OrderByDescending(p => p.Status == PlanStatus.Published).ThenByDescending(p => p.Id).ToListAsync(ct);
        return TypedResults.Ok(plans.Select(p => View(p, counts.GetValueOrDefault(p.Id))).ToList());
    }

    private static async Task<IResult> Get(long id, GridGovDb db, CancellationToken ct) =>
        await ViewAsync(db, id, ct) is { } view ? TypedResults.Ok(view) : PlanStore.NoPlan(id).Problem();

    private static async Task<IResult> Create(PlanRequest? body, ClaimsPrincipal user, GridGovDb db, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        var name = body?.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100) v.Add("name", "'name' is required, at most 100 characters.");
        if (body?.Empty == true && body.BasedOnId is not null) v.Add("basedOnId", "An empty plan is based on nothing: leave 'basedOnId' out, or 'empty'.");
        Plan? source = null;
        if (body?.BasedOnId is { } basedOn && (source = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == basedOn, ct)) is null)
            v.Add("basedOnId", $"There is no plan {basedOn}; GET /api/plans lists them.");
        if (!v.IsValid) return v.Problem();
        if (body!.Empty != true) source ??= await PlanStore.PublishedAsync(db, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var plan = await PlanStore.CreateDraftAsync(db, name!, source, user.Identity?.Name ?? "?", clock.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/plans/{plan.Id}", await ViewAsync(db, plan.Id, ct));
    }

    private static async Task<IResult> Delete(long id, GridGovDb db, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (plan, refusal) = await PlanStore.TakeDraftAsync(db, id, null, ct);
        if (plan is null) return refusal!.Problem();
        await db.Plans.Where(p => p.BasedOnId == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.BasedOnId, (long?)null), ct);
        db.Plans.Remove(plan);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> Grids(long id, string? level, GridGovDb db, CancellationToken ct)
    {
        var name = string.IsNullOrWhiteSpace(level) ? "large" : level.Trim();
        if (!GridImportApi.TryLevel(name, out var gridLevel))
            return Validation.Problem("level", $"Unknown level '{(name.Length > 30 ? name[..30] : name)}'; use one of: county, street, community, large, unit.");
        if (!await db.Plans.AnyAsync(p => p.Id == id, ct)) return PlanStore.NoPlan(id).Problem();
        var rows = await db.PlanGrids.AsNoTracking().Where(g => g.PlanId == id && g.Level == gridLevel).OrderBy(g => g.Code)
            .Select(g => new { g.Code, g.Name, g.ParentCode, g.TeamId, g.AreaM2, g.Geometry, TeamName = db.Teams.Where(t => t.Id == g.TeamId).Select(t => t.Name).FirstOrDefault() })
            .ToListAsync(ct);
        var levelName = GridImporter.Name(gridLevel);
        return TypedResults.Ok(new FeatureCollection<GridsApi.GridProperties>(rows.Select(r => new Feature<GridsApi.GridProperties>(
            r.Code, r.Geometry, new GridsApi.GridProperties(r.Code, r.Name, levelName, r.ParentCode, r.TeamId, r.TeamName, r.AreaM2))).ToList()));
    }

    private static async Task<IResult> Locate(long id, string? lon, string? lat, string? crs, GridGovDb db, CancellationToken ct)
    {
        var v = new Validation();
        var point = v.LonLat(lon, lat, crs);
        if (point is null) return v.Problem();
        if (!await db.Plans.AnyAsync(p => p.Id == id, ct)) return PlanStore.NoPlan(id).Problem();
        var map = await PlanReports.MapAsync(db, id, ct);
        return map.Locate(point.Value.Lon, point.Value.Lat) is { } location
            ? TypedResults.Ok(location)
            : TypedResults.Problem(statusCode: 404, title: "Outside every grid",
                detail: string.Create(CultureInfo.InvariantCulture, $"The point [{point.Value.Lon:0.######}, {point.Value.Lat:0.######}] lies in no unit grid of plan {id}."));
    }

    internal static bool TryFormat(string? raw, out BoundaryFormat? format)
    {
        format = raw?.Trim().ToLowerInvariant() switch
        {
            null or "" => null,
            "geojson" or "json" => BoundaryFormat.GeoJson,
            "shapefile" or "shp" or "zip" => BoundaryFormat.Shapefile,
            "geopackage" or "gpkg" => BoundaryFormat.GeoPackage,
            _ => (BoundaryFormat?)(BoundaryFormat)(-1),
        };
        return format is null || Enum.IsDefined(format.Value);
    }

    /// <summary>The format a file's name suggests (.geojson/.json, .zip, .gpkg), or null.</summary>
    internal static BoundaryFormat? FormatOfFileName(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".geojson" or ".json" => BoundaryFormat.GeoJson,
        ".zip" => BoundaryFormat.Shapefile,
        ".gpkg" => BoundaryFormat.GeoPackage,
        _ => null,
    };

    /// <summary>A refused publish as a problem: its status and sentence, and the plan's problems when it was invalid.</summary>
    internal static IResult Problem(PlanPublisher.Refused refused, string? detailPrefix = null) =>
        TypedResults.Problem(statusCode: refused.Refusal.Status, title: refused.Refusal.Title, detail: detailPrefix + refused.Refusal.Detail,
            extensions: refused.Validation is { } val ? new Dictionary<string, object?> { ["problems"] = val.Problems } : null);

    internal static bool TryImportCrs(string? raw, out InputCrs? crs)
    {
        crs = null;
        if (string.IsNullOrWhiteSpace(raw) || raw.Trim().Equals("prj", StringComparison.OrdinalIgnoreCase)) return true;
        if (!ChinaOffsets.TryParse(raw, out var c)) return false;
        crs = c;
        return true;
    }

    private static async Task<IResult> Import(long id, HttpRequest request, string? level, string? crs, string? format, string? codeField, string? nameField,
        string? parentField, int? baseVersion, ClaimsPrincipal user, GridGovDb db, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validation();
        if (!GridImportApi.TryLevel(level, out var gridLevel)) v.Add("level", $"'level' is county, street, community, large or unit{(level is null ? "" : $", not '{level}'")}.");
        if (!TryImportCrs(crs, out var inputCrs)) v.Add("crs", $"'crs' is wgs84, cgcs2000, gcj02 or bd09 (or left out to read a Shapefile's .prj), not '{crs}'.");
        if (!TryFormat(format, out var declared)) v.Add("format", $"'format' is geojson, shapefile or geopackage (or left out: told by the file), not '{format}'.");
        if (request.ContentLength > MaxBytes)
            return TypedResults.Problem(statusCode: 413, title: "Too large", detail: $"A boundary file is at most {MaxBytes / 1024 / 1024} MB; split the county by street and import each level whole.");
        if (!v.IsValid) return v.Problem();
        if (!request.HasFormContentType) return Validation.Problem("file", "Send the file as the multipart part 'file'.");
        var form = await request.ReadFormAsync(ct);
        if (form.Files.GetFile("file") is not { } file) return Validation.Problem("file", "Send the file as the multipart part 'file'.");
        declared ??= FormatOfFileName(file.FileName);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (plan, refusal) = await PlanStore.TakeDraftAsync(db, id, baseVersion, ct);
        if (plan is null) return refusal!.Problem();
        await using var stream = file.OpenReadStream();
        var options = new PlanImportOptions(gridLevel, inputCrs, declared, codeField ?? "code", nameField ?? "name", parentField ?? "parentCode");
        var result = await PlanImport.ImportAsync(db, plan, stream, options, user.Identity?.Name ?? "?", clock.GetUtcNow(), v, null, ct);
        if (result is null) return v.Problem($"{v.Errors.Count} problems; nothing was imported. {string.Join(" ", v.Errors.Take(3).SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}")))}");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(result);
    }

    private static EditView View(PlanEdit e) => new(e.Seq, e.Op, e.Summary, e.Actor, e.At, e.Undone);

    private static async Task<IResult> Edit(long id, EditRequest? body, ClaimsPrincipal user, GridGovDb db, TimeProvider clock, CancellationToken ct)
    {
        if (body is null) return Validation.Problem("body", "Send { op, baseVersion, ... }; ops: " + string.Join("; ", PlanEditor.Ops.Select(o => $"{o.Key} {o.Value}")));
        var v = new Validation();
        if (body.BaseVersion is null) v.Add("baseVersion", "'baseVersion' is required: the plan version the edit was made on (GET /api/plans/{id} → version).");
        if (body.Op is null || !PlanEditor.Ops.ContainsKey(body.Op)) v.Add("op", $"'op' is one of {string.Join(", ", PlanEditor.Ops.Keys)}{(body.Op is null ? "" : $", not '{(body.Op.Length > 40 ? body.Op[..40] : body.Op)}'")}.");
        if (!v.IsValid) return v.Problem();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (plan, refusal) = await PlanStore.TakeDraftAsync(db, id, body.BaseVersion, ct);
        if (plan is null) return refusal!.Problem();
        var outcome = await new PlanEditor(db, id, v).PlanAsync(body, ct);
        if (outcome is null) return v.Problem();
        if (outcome.Changes.Count == 0) return Validation.Problem("op", $"This {body.Op} changes nothing.");
        var edit = await PlanStore.RecordAsync(db, plan, body.Op!, outcome.Summary, user.Identity?.Name ?? "?", clock.GetUtcNow(), outcome.Changes, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new EditResponse(plan.Version, View(edit),
            outcome.Changes.Where(c => c.After is not null).Select(c => c.Code).ToList(),
            outcome.Changes.Where(c => c.After is null).Select(c => c.Code).ToList(), outcome.Report));
    }

    private static async Task<IResult> Step(long id, StepRequest? body, bool undo, ClaimsPrincipal user, GridGovDb db, CancellationToken ct)
    {
        if (body?.BaseVersion is null) return Validation.Problem("baseVersion", "'baseVersion' is required: the plan version you see.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var (plan, refusal) = await PlanStore.TakeDraftAsync(db, id, body.BaseVersion, ct);
        if (plan is null) return refusal!.Problem();
        var edit = undo ? await PlanStore.UndoAsync(db, plan, ct) : await PlanStore.RedoAsync(db, plan, ct);
        if (edit is null)
            return TypedResults.Problem(statusCode: 409, title: undo ? "Nothing to undo" : "Nothing to redo",
                detail: undo ? $"Plan {id} has no edit left to undo." : $"Plan {id} has no undone edit to make again (a new edit ends the redo line).");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new StepResponse(plan.Version, View(edit)));
    }

    private static async Task<IResult> History(long id, GridGovDb db, CancellationToken ct)
    {
        if (!await db.Plans.AnyAsync(p => p.Id == id, ct)) return PlanStore.NoPlan(id).Problem();
        var edits = await db.PlanEdits.AsNoTracking().Where(e => e.PlanId == id).OrderByDescending(e => e.Seq).ToListAsync(ct);
        return TypedResults.Ok(edits.Select(View).ToList());
    }

    private static async Task<IResult> Validate(long id, string? gapM, GridGovDb db, CancellationToken ct)
    {
        var gap = PlanValidation.GapWidthM;
        if (gapM is not null && (!double.TryParse(gapM, NumberStyles.Float, CultureInfo.InvariantCulture, out gap) || gap is < 0 or > 200))
            return Validation.Problem("gapM", $"'gapM' is a width in metres, 0 to 200, not '{gapM}'.");
        if (!await db.Plans.AnyAsync(p => p.Id == id, ct)) return PlanStore.NoPlan(id).Problem();
        return TypedResults.Ok(await PlanValidation.CheckAsync(db, id, gap, ct));
    }

    private static async Task<IResult> Balance(long id, GridGovDb db, TimeProvider clock, IncidentsSettings settings, CancellationToken ct)
    {
        if (!await db.Plans.AnyAsync(p => p.Id == id, ct)) return PlanStore.NoPlan(id).Problem();
        return TypedResults.Ok(await PlanReports.BalanceAsync(db, id, clock.GetUtcNow(), settings.NearestGridFallbackM, ct));
    }

    private static async Task<IResult> Compare(long id, string? with, GridGovDb db, IncidentsSettings settings, CancellationToken ct)
    {
        long other;
        if (string.IsNullOrWhiteSpace(with) || with.Trim() == "published")
        {
            if (await PlanStore.PublishedAsync(db, ct) is not { } published) return Validation.Problem("with", "There is no published plan to compare with.");
            other = published.Id;
        }
        else if (!long.TryParse(with, NumberStyles.None, CultureInfo.InvariantCulture, out other))
            return Validation.Problem("with", $"'with' is a plan id (or 'published'), not '{(with.Length > 30 ? with[..30] : with)}'.");
        if (!await db.Plans.AnyAsync(p => p.Id == id, ct)) return PlanStore.NoPlan(id).Problem();
        if (!await db.Plans.AnyAsync(p => p.Id == other, ct)) return Validation.Problem("with", $"There is no plan {other}.");
        return TypedResults.Ok(await PlanReports.CompareAsync(db, id, other, settings.NearestGridFallbackM, ct));
    }

    private static async Task<IResult> Publish(long id, StepRequest? body, ClaimsPrincipal user, PlanPublisher publisher, GridGovDb db, TimeProvider clock, CancellationToken ct)
    {
        var (result, refused) = await publisher.PublishAsync(id, body?.BaseVersion, IncidentsApi.ActorOf(user), clock.GetUtcNow(), ct);
        if (refused is not null) return Problem(refused);
        return TypedResults.Ok(new PublishResponse((await ViewAsync(db, id, ct))!, result!.Rerouted, result.TeamChanged, result.ArchivedPlanId));
    }

    private static async Task<IResult> Export(long id, string? level, string? format, GridGovDb db, CancellationToken ct)
    {
        var v = new Validation();
        if (!GridImportApi.TryLevel(level, out var gridLevel)) v.Add("level", $"'level' is county, street, community, large or unit{(level is null ? "" : $", not '{level}'")}.");
        if (!TryFormat(format ?? "geojson", out var f) || f is null) v.Add("format", $"'format' is geojson, shapefile or geopackage, not '{format}'.");
        if (!v.IsValid) return v.Problem();
        var plan = await db.Plans.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (plan is null) return PlanStore.NoPlan(id).Problem();
        var grids = await PlanStore.GridsAsync(db, id, gridLevel, ct);
        var levelName = GridImporter.Name(gridLevel);
        var buffer = new MemoryStream();
        BoundaryFiles.Write(buffer, f!.Value, $"{levelName}_grids", ["code", "name", "level", "parentCode", "teamId", "areaM2"],
            grids.Select(g => ((IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
            {
                ["code"] = g.Code, ["name"] = g.Name, ["level"] = levelName, ["parentCode"] = g.ParentCode, ["teamId"] = g.TeamId, ["areaM2"] = g.AreaM2,
            }, (NetTopologySuite.Geometries.Geometry)g.Geometry)));
        buffer.Position = 0;
        var (type, ext) = f.Value switch
        {
            BoundaryFormat.Shapefile => ("application/zip", "zip"),
            BoundaryFormat.GeoPackage => ("application/geopackage+sqlite3", "gpkg"),
            _ => ("application/geo+json", "geojson"),
        };
        return TypedResults.File(buffer, type, $"plan{id}-{levelName}.{ext}");
    }
}
