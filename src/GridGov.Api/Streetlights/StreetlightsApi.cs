using System.Globalization;
using System.Text.RegularExpressions;
using GridGov.Api.Auth;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using System.Security.Claims;
using GridGov.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace GridGov.Api.Streetlights;

/// <summary>Streetlight lookups: the nearest lamps to a spot, a lamp with its circuit and cabinet, a circuit with its lamps.</summary>
public static partial class StreetlightsApi
{
    public sealed record NearLamp(string Code, double Lon, double Lat, string? CircuitCode, string Status, double DistanceM);
    public sealed record CabinetRef(string Code, double Lon, double Lat, string Status, int Circuits);
    public sealed record CircuitRef(string Code, int Lamps, int LampsFaulty, string Status);
    /// <summary>An open case about an asset, as a lamp's or circuit's panel lists it.</summary>
    public sealed record CaseRef(long Id, IncidentStatus Status, string Category, string? AssetKind, string? AssetCode, long? FaultId, DateTimeOffset ReportedAt, int? TeamId);
    public sealed record LampView(string Code, string Component, double Lon, double Lat, string Status, string? UnitGridCode, int? CircuitSeq,
        string? PoleCode, string? LampType, int? PowerW, DateOnly? InstalledOn, CircuitRef? Circuit, CabinetRef? Cabinet, IReadOnlyList<CaseRef> OpenReports);
    public sealed record CircuitLamp(string Code, int? Seq, double Lon, double Lat, string Status);
    /// <param name="Path">The lamps in cable order as a GeoJSON LineString, for drawing the circuit.</param>
    public sealed record CircuitView(string Code, string Status, CabinetRef? Cabinet, IReadOnlyList<CircuitLamp> Lamps, object Path, IReadOnlyList<CaseRef> OpenFaults, IReadOnlyList<CaseRef> OpenReports);
    public sealed record FaultView(long Id, IncidentStatus Status, string Level, string AssetCode, double Lon, double Lat, int? TeamId, DateTimeOffset ReportedAt,
        DateTimeOffset? Deadline, string Explanation, long? FaultId, IReadOnlyList<CaseRef> Absorbed);

    public const double MaxRadiusM = 500;
    public const int MaxLimit = 50;

    [GeneratedRegex("^[0-9]{17}$")]
    private static partial Regex LampCode();

    [GeneratedRegex("^[0-9]{17}-[0-9]{1,4}$")]
    private static partial Regex CircuitCode();

    public static IEndpointRouteBuilder MapStreetlightsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/streetlights/nearest", Nearest).RequireAuthorization(Policies.Staff).WithTags("Streetlights")
            .WithSummary("The lamps nearest a spot within radiusM (default 50, at most 500), nearest first: the lamp a report is about.");
        app.MapGet("/api/streetlights/faults", Faults).RequireAuthorization(Policies.Staff).WithTags("Streetlights")
            .WithSummary("Open circuit and cabinet faults (the line group's), each with the lamp reports (or circuit faults) it absorbed.");
        app.MapGet("/api/streetlights/{code}", LampOf).RequireAuthorization(Policies.Staff).WithTags("Streetlights")
            .WithSummary("A lamp (or cabinet) by the 17-digit code painted on its pole, with its circuit, cabinet and open reports.");
        app.MapGet("/api/circuits/{code}", CircuitOf).RequireAuthorization(Policies.Staff).WithTags("Streetlights")
            .WithSummary("A circuit (回路) with its cabinet, its lamps in cable order (and as a line), its open faults and reports.");
        return app;
    }

    private static async Task<IResult> Nearest(string? lon, string? lat, string? crs, string? radiusM, string? limit, StreetlightIndex index,
        StreetlightStatus status, CancellationToken ct)
    {
        var v = new Validation();
        var point = v.LonLat(lon, lat, crs);
        var radius = 50.0;
        if (radiusM is not null && (!double.TryParse(radiusM, NumberStyles.Float, CultureInfo.InvariantCulture, out radius) || !(radius > 0 && radius <= MaxRadiusM)))
            v.Add("radiusM", $"'radiusM' is metres, more than 0 and at most {MaxRadiusM:0}; got '{Validation.Clip(radiusM)}'.");
        var count = 10;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count is < 1 or > MaxLimit))
            v.Add("limit", $"'limit' is a whole number from 1 to {MaxLimit}; got '{Validation.Clip(limit)}'.");
        if (!v.IsValid || point is null) return v.Problem();
        var near = await index.NearestLampsAsync(point.Value.Lon, point.Value.Lat, radius, count, ct);
        var states = await status.CurrentAsync(ct);
        return TypedResults.Ok(near.Select(n => new NearLamp(n.Lamp.Code, n.Lamp.Lon, n.Lamp.Lat, n.Lamp.CircuitCode, states.Of(n.Lamp.Code), Math.Round(n.DistanceM, 1))).ToList());
    }

    private static async Task<IResult> LampOf(string code, ClaimsPrincipal user, StreetlightIndex index, StreetlightStatus status, GridGovDb db, CancellationToken ct)
    {
        if (!LampCode().IsMatch(code))
            return Validation.Problem("code", $"A streetlight code is the 17 digits painted on the pole (county code, component 01037 or 01060, number); '{Validation.Clip(code)}' is not one.");
        var lamp = await index.FindAsync(code, ct);
        if (lamp is null) return NotFound($"There is no lamp or cabinet {code}.");
        var snap = index.Current;
        var states = await status.CurrentAsync(ct);
        var row = await db.Streetlights.AsNoTracking().Where(s => s.Code == code)
            .Select(s => new { s.PoleCode, s.LampType, s.PowerW, s.InstalledOn, s.Status }).FirstAsync(ct);
        // The statuses a panel shows are read fresh: the one just reported must read faulty at once.
        var circuitStatus = lamp.CircuitCode is null ? null : await db.Circuits.AsNoTracking().Where(c => c.Code == lamp.CircuitCode).Select(c => c.Status).FirstOrDefaultAsync(ct);
        var circuit = lamp.CircuitCode is not null && snap.CircuitLamps.TryGetValue(lamp.CircuitCode, out var lamps)
            ? new CircuitRef(lamp.CircuitCode, lamps.Length, await db.Streetlights.CountAsync(s => s.CircuitCode == lamp.CircuitCode && s.Status != "normal", ct), circuitStatus ?? "normal") : null;
        var reports = await OpenCasesAsync(db, IncidentsApi.ActorOf(user), i => i.AssetCode == code, ct);
        return TypedResults.Ok(new LampView(lamp.Code, lamp.Component, lamp.Lon, lamp.Lat, row.Status, lamp.UnitGridCode, lamp.CircuitSeq,
            row.PoleCode, row.LampType, row.PowerW, row.InstalledOn, circuit, Cabinet(snap, states, lamp.CabinetCode), reports));
    }

    private static CabinetRef? Cabinet(StreetlightIndex.Snapshot snap, StreetlightStatus.Snapshot states, string code) =>
        snap.ByCode.TryGetValue(code, out var i) && snap.All[i] is var c
            ? new CabinetRef(c.Code, c.Lon, c.Lat, states.Of(c.Code), snap.CabinetCircuits.GetValueOrDefault(c.Code)?.Length ?? 0) : null;

    private static Task<List<CaseRef>> OpenCasesAsync(GridGovDb db, Actor actor, System.Linq.Expressions.Expression<Func<Incident, bool>> which, CancellationToken ct) =>
        db.Incidents.AsNoTracking().Visible(actor, db).Where(which).Where(i => IncidentWorkflow.OpenStates.Contains(i.Status) && i.DuplicateOf == null)
            .OrderBy(i => i.Id).Take(200)
            .Select(i => new CaseRef(i.Id, i.Status, i.CategoryCode, i.AssetKind, i.AssetCode, i.FaultId, i.ReportedAt, i.TeamId)).ToListAsync(ct);

    private static async Task<IResult> CircuitOf(string code, ClaimsPrincipal user, StreetlightIndex index, StreetlightStatus status, GridGovDb db, CancellationToken ct)
    {
        if (!CircuitCode().IsMatch(code))
            return Validation.Problem("code", $"A circuit code is its cabinet's 17-digit code, a dash and the circuit's number (e.g. 36070301060000001-1); '{Validation.Clip(code)}' is not one.");
        var snap = await index.CurrentAsync(ct);
        var states = await status.CurrentAsync(ct);
        // Lamps in order along the cable (lamps without a place on it last, by code), with their statuses read fresh.
        var rows = await db.Streetlights.AsNoTracking().Where(s => s.CircuitCode == code && s.Component == StreetlightIndex.LampComponent)
            .Select(s => new { s.Code, s.CircuitSeq, X = s.Location.X, Y = s.Location.Y, s.Status }).ToListAsync(ct);
        var lamps = rows.OrderBy(l => l.CircuitSeq ?? int.MaxValue).ThenBy(l => l.Code, StringComparer.Ordinal)
            .Select(l => new CircuitLamp(l.Code.Trim(), l.CircuitSeq, l.X, l.Y, l.Status)).ToList();
        if (lamps.Count == 0) return NotFound($"There is no circuit {code} (or it feeds no lamp).");
        var actor = IncidentsApi.ActorOf(user);
        var codes = lamps.Select(l => l.Code).ToList();
        var faults = await OpenCasesAsync(db, actor, i => i.AssetKind == "circuit" && i.AssetCode == code, ct);
        var reports = await OpenCasesAsync(db, actor, i => i.AssetKind == "lamp" && codes.Contains(i.AssetCode!), ct);
        var cabinet = Cabinet(snap, states, lamps.Count > 0 && snap.ByCode.TryGetValue(lamps[0].Code, out var first) ? snap.All[first].CabinetCode : code[..17]);
        var path = new { type = lamps.Count > 1 ? "LineString" : "Point", coordinates = lamps.Count > 1 ? (object)lamps.Select(l => new[] { l.Lon, l.Lat }).ToArray() : new[] { lamps[0].Lon, lamps[0].Lat } };
        var circuitStatus = await db.Circuits.AsNoTracking().Where(c => c.Code == code).Select(c => c.Status).FirstOrDefaultAsync(ct) ?? "normal";
        return TypedResults.Ok(new CircuitView(code, circuitStatus, cabinet, lamps, path, faults, reports));
    }

    private static async Task<IResult> Faults(ClaimsPrincipal user, GridGovDb db, CancellationToken ct)
    {
        var actor = IncidentsApi.ActorOf(user);
        var faults = await db.Incidents.AsNoTracking().Visible(actor, db)
            .Where(i => i.Channel == FaultDesk.Channel && IncidentWorkflow.OpenStates.Contains(i.Status)).OrderByDescending(i => i.Id).Take(500).ToListAsync(ct);
        var ids = faults.Select(f => f.Id).ToList();
        var absorbed = (await db.Incidents.AsNoTracking().Where(i => i.FaultId != null && ids.Contains(i.FaultId.Value)).OrderBy(i => i.Id)
                .Select(i => new CaseRef(i.Id, i.Status, i.CategoryCode, i.AssetKind, i.AssetCode, i.FaultId, i.ReportedAt, i.TeamId)).ToListAsync(ct))
            .ToLookup(c => c.FaultId);
        return TypedResults.Ok(faults.Select(f => new FaultView(f.Id, f.Status, f.AssetKind ?? "circuit", f.AssetCode ?? "", Math.Round(f.Location.X, 7), Math.Round(f.Location.Y, 7),
            f.TeamId, f.ReportedAt, f.Deadline, f.RoutingNote, f.FaultId, absorbed[f.Id].ToList())).ToList());
    }

    private static IResult NotFound(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);
}

public static class StreetlightsSetup
{
    public static IServiceCollection AddStreetlights(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Streetlights").Get<StreetlightSettings>() ?? new StreetlightSettings());
        services.AddSingleton<StreetlightIndex>();
        services.AddHostedService(sp => sp.GetRequiredService<StreetlightIndex>());
        services.AddSingleton<StreetlightStatus>();
        services.AddHostedService(sp => sp.GetRequiredService<StreetlightStatus>());
        services.AddSingleton<IIncidentAssets, StreetlightAssets>();
        services.AddSingleton<StreetlightTiles>();
        services.AddSingleton<FaultDesk>();
        services.AddSingleton<IIncidentRollUp>(sp => sp.GetRequiredService<FaultDesk>());
        services.AddSingleton<ICaseLinks>(sp => sp.GetRequiredService<FaultDesk>());
        return services;
    }
}
