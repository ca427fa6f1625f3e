using System.Globalization;
using System.Text.RegularExpressions;
using GridGov.Api.Auth;
using GridGov.Api.Platform;
using Npgsql;

namespace GridGov.Api.Streetlights;

/// <summary>Streetlight lookups: the nearest lamps to a spot, a lamp with its circuit and cabinet, a circuit with its lamps.</summary>
public static partial class StreetlightsApi
{
    public sealed record NearLamp(string Code, double Lon, double Lat, string? CircuitCode, string Status, double DistanceM);
    public sealed record CabinetRef(string Code, double Lon, double Lat, string Status);
    public sealed record CircuitRef(string Code, int Lamps, int LampsFaulty);
    public sealed record LampView(string Code, string Component, double Lon, double Lat, string Status, string? UnitGridCode, CircuitRef? Circuit, CabinetRef? Cabinet);
    public sealed record CircuitLamp(string Code, double Lon, double Lat, string Status);
    public sealed record CircuitView(string Code, CabinetRef? Cabinet, IReadOnlyList<CircuitLamp> Lamps);

    public const double MaxRadiusM = 500;
    public const int MaxLimit = 50;

    [GeneratedRegex("^[0-9]{17}$")]
    private static partial Regex LampCode();

    [GeneratedRegex("^[0-9]{17}-[0-9]{1,2}$")]
    private static partial Regex CircuitCode();

    public static IEndpointRouteBuilder MapStreetlightsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/streetlights/nearest", Nearest).RequireAuthorization(Policies.Staff).WithTags("Streetlights")
            .WithSummary("The lamps nearest a spot within radiusM (default 50, at most 500), nearest first: the lamp a report is about.");
        app.MapGet("/api/streetlights/{code}", LampOf).RequireAuthorization(Policies.Staff).WithTags("Streetlights")
            .WithSummary("A lamp (or cabinet) by the 17-digit code painted on its pole, with its circuit and cabinet.");
        app.MapGet("/api/circuits/{code}", CircuitOf).RequireAuthorization(Policies.Staff).WithTags("Streetlights")
            .WithSummary("A circuit (回路) with its cabinet and its lamps.");
        return app;
    }

    private static async Task<IResult> Nearest(string? lon, string? lat, string? crs, string? radiusM, string? limit, StreetlightIndex index, CancellationToken ct)
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
        return TypedResults.Ok(near.Select(n => new NearLamp(n.Lamp.Code, n.Lamp.Lon, n.Lamp.Lat, n.Lamp.CircuitCode, n.Lamp.Status, Math.Round(n.DistanceM, 1))).ToList());
    }

    private static async Task<IResult> LampOf(string code, StreetlightIndex index, CancellationToken ct)
    {
        if (!LampCode().IsMatch(code))
            return Validation.Problem("code", $"A streetlight code is the 17 digits painted on the pole (county code, component 01037 or 01060, number); '{Validation.Clip(code)}' is not one.");
        var lamp = await index.FindAsync(code, ct);
        if (lamp is null) return NotFound($"There is no lamp or cabinet {code}.");
        var circuit = lamp.CircuitCode is not null && index.Current.Circuits.TryGetValue(lamp.CircuitCode, out var counts)
            ? new CircuitRef(lamp.CircuitCode, counts.Lamps, counts.Faulty) : null;
        return TypedResults.Ok(new LampView(lamp.Code, lamp.Component, lamp.Lon, lamp.Lat, lamp.Status, lamp.UnitGridCode, circuit, await CabinetAsync(index, lamp.CabinetCode, ct)));
    }

    private static async Task<CabinetRef?> CabinetAsync(StreetlightIndex index, string code, CancellationToken ct) =>
        await index.FindAsync(code, ct) is { } c ? new CabinetRef(c.Code, c.Lon, c.Lat, c.Status) : null;

    private static async Task<IResult> CircuitOf(string code, StreetlightIndex index, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!CircuitCode().IsMatch(code))
            return Validation.Problem("code", $"A circuit code is its cabinet's 17-digit code, a dash and the circuit's number (e.g. 36070301060000001-1); '{Validation.Clip(code)}' is not one.");
        // Lamps in order along the cable: by their road and position on it, as the cable runs.
        await using var cmd = db.CreateCommand("""
            SELECT s.code, ST_X(s.location), ST_Y(s.location), s.status FROM streetlights s LEFT JOIN roads r ON r.id = s.road_id
            WHERE s.circuit_code = @code AND s.component = '01037'
            ORDER BY s.road_id NULLS LAST, ST_LineLocatePoint(r.geometry, s.location), s.code
            """);
        cmd.Parameters.AddWithValue("code", code);
        var lamps = new List<CircuitLamp>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct)) lamps.Add(new CircuitLamp(r.GetString(0).Trim(), r.GetDouble(1), r.GetDouble(2), r.GetString(3)));
        if (lamps.Count == 0) return NotFound($"There is no circuit {code} (or it feeds no lamp).");
        return TypedResults.Ok(new CircuitView(code, await CabinetAsync(index, code[..17], ct), lamps));
    }

    private static IResult NotFound(string detail) => TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: detail);
}

public static class StreetlightsSetup
{
    public static IServiceCollection AddStreetlights(this IServiceCollection services)
    {
        services.AddSingleton<StreetlightIndex>();
        services.AddHostedService(sp => sp.GetRequiredService<StreetlightIndex>());
        return services;
    }
}
