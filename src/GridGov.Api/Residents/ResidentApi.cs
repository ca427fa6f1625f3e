using System.Globalization;
using GridGov.Api.Data;
using GridGov.Api.Incidents;
using GridGov.Api.Photos;
using GridGov.Api.Platform;
using GridGov.Api.Streetlights;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Residents;

public sealed record ResidentCategory(string Code, string Name, string? NameEn, bool Streetlight);
public sealed record ResidentMajor(string Code, string Name, string? NameEn, IReadOnlyList<ResidentCategory> Categories);
public sealed record ResidentLamp(string Code, double Lon, double Lat, double DistanceM, string Status);
public sealed record ResidentStep(DateTimeOffset At, string Action, IncidentStatus Status);

/// <summary>What a resident sees of their case: the state and its steps, never staff notes, names or the phone.</summary>
public sealed record ResidentCase(long Id, IncidentStatus Status, string Category, string CategoryName, string? Description, double Lon, double Lat,
    DateTimeOffset ReportedAt, DateTimeOffset? Deadline, bool Overdue, string? TeamName, IReadOnlyList<ResidentStep> History, IReadOnlyList<PhotoView> Photos);

/// <summary>
/// The resident's report page's own reads, all anonymous: the categories in plain words, the lamps near a spot, and
/// a case by its tracking token. (Filing is POST /api/incidents with source resident; photos go to
/// POST /api/incidents/{id}/photos?t=.)
/// </summary>
public static class ResidentApi
{
    private const double LampRadiusM = 150;
    private const int LampLimit = 8;

    /// <summary>The steps a resident is shown: the report and every change of state (offers, photos and notes stay inside).</summary>
    private static readonly HashSet<string> ShownActions = ["report", "register", "dispatch", "accept", "start", "handle", "verify", "close",
        "sendBack", "extend", "park", "void", "reopen", "reroute", "linked", "offerAccepted"];

    public static IEndpointRouteBuilder MapResidentApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/report").WithTags("Residents").AllowAnonymous();
        api.MapGet("/categories", Categories).WithSummary("What a resident can report: the active categories grouped by major, in plain names; streetlight marks the lamp matters.");
        api.MapGet("/lamps", Lamps).RequireRateLimiting(IncidentsApi.ResidentRateLimit)
            .WithSummary($"Streetlights within {LampRadiusM:0} m of a spot (lon, lat, crs?), nearest first, at most {LampLimit}: for a resident to tap the dark one.");
        api.MapGet("/{id:long}", Track).WithSummary("A resident's own case by its tracking token (t): status, steps and photos, without staff notes or names. A wrong token is 404.");
        return app;
    }

    private static IResult Categories(CategoryCatalog categories, StreetlightSettings lights)
    {
        var lamps = lights.LampCategories.Concat(lights.CabinetCategories).ToHashSet();
        var majors = categories.ByCode.Values.Where(c => c.Active).GroupBy(c => c.Major).OrderBy(g => g.Key)
            .Select(g => new ResidentMajor(g.Key, CategoryMajors.All.TryGetValue(g.Key, out var m) ? m.Name : g.Key, m.NameEn,
                g.OrderBy(c => c.Code).Select(c => new ResidentCategory(c.Code, c.Name, c.NameEn, lamps.Contains(c.Code))).ToList()))
            .ToList();
        return TypedResults.Ok(majors);
    }

    private static async Task<IResult> Lamps(string? lon, string? lat, string? crs, StreetlightIndex index, StreetlightStatus status, CancellationToken ct)
    {
        var v = new Validation();
        var point = v.LonLat(lon, lat, crs);
        if (!v.IsValid || point is null) return v.Problem();
        var near = await index.NearestLampsAsync(point.Value.Lon, point.Value.Lat, LampRadiusM, LampLimit, ct);
        var states = await status.CurrentAsync(ct);
        return TypedResults.Ok(near.Select(n => new ResidentLamp(n.Lamp.Code, n.Lamp.Lon, n.Lamp.Lat, Math.Round(n.DistanceM, 1), states.Of(n.Lamp.Code))).ToList());
    }

    private static async Task<IResult> Track(long id, string? t, GridGovDb db, CategoryCatalog categories, TrackingTokens tokens, TimeProvider clock, CancellationToken ct)
    {
        // One answer for a wrong token and for no such case: the link says nothing about cases it does not open.
        if (!tokens.Matches(id, t)) return PhotosApi.NoSuchCase();
        var i = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (i is null) return PhotosApi.NoSuchCase();
        var steps = await db.IncidentEvents.AsNoTracking().Where(e => e.IncidentId == id && ShownActions.Contains(e.Action)).OrderBy(e => e.Id)
            .Select(e => new ResidentStep(e.At, e.Action, e.ToStatus)).ToListAsync(ct);
        var team = i.TeamId is null ? null : await db.Teams.AsNoTracking().Where(x => x.Id == i.TeamId).Select(x => x.Name).FirstOrDefaultAsync(ct);
        var (lon, lat) = IncidentMapping.LonLat(i.Location);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new ResidentCase(i.Id, i.Status, i.CategoryCode, categories.NameOf(i.CategoryCode), i.Description, lon, lat, i.ReportedAt,
            i.Deadline, IncidentMapping.IsOverdue(i.Status, i.Deadline, now), team, steps, await PhotosApi.ViewsAsync(db, id, t, ct)));
    }
}
