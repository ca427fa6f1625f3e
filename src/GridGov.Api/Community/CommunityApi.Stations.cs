using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Community;

public sealed record StationProperties(string Code, string Name, string Community, string? CommunityName, string Address, string Hours, string? Phone,
    IReadOnlyList<string> Staff, double? DistanceM = null);

public sealed record StationRequest(string? Community, string? Name, string? Address, string? Hours, string? Phone, string[]? Staff, double? Lon, double? Lat);

/// <summary>Community work stations: the public list, the nearest one, and their upkeep.</summary>
public static partial class CommunityApi
{
    private static async Task<IResult> Stations(GridGovDb db, CancellationToken ct)
    {
        var rows = await StationRows(db).ToListAsync(ct);
        return TypedResults.Ok(new FeatureCollection<StationProperties>(rows.Select(r => new Feature<StationProperties>(r.S.Code, r.S.Location,
            Props(r.S, r.CommunityName, null))).ToList()));
    }

    private sealed record StationRow(Station S, string? CommunityName);

    private static IQueryable<StationRow> StationRows(GridGovDb db, string? code = null) =>
        db.Stations.AsNoTracking().Where(s => code == null || s.Code == code).OrderBy(s => s.Code)
            .Select(s => new StationRow(s, db.Grids.Where(g => g.Code == s.CommunityCode).Select(g => g.Name).FirstOrDefault()));

    private static StationProperties Props(Station s, string? communityName, double? distance) =>
        new(s.Code, s.Name, s.CommunityCode, communityName, s.Address, s.Hours, s.Phone, s.Staff, distance);

    private static async Task<IResult> Nearest(string? lon, string? lat, GridGovDb db, CancellationToken ct)
    {
        var v = new Validation();
        var x = v.Degrees("lon", lon, 180);
        var y = v.Degrees("lat", lat, 90);
        if (!v.IsValid) return v.Problem();
        // Nearest on the sphere (a few dozen stations: a scan is fine), not in degrees, which stretch east-west.
        var code = (await db.Database.SqlQuery<string>($"""
            SELECT code AS "Value" FROM stations ORDER BY ST_DistanceSphere(location, ST_SetSRID(ST_MakePoint({x!.Value}, {y!.Value}), 4490)), code LIMIT 1
            """).ToListAsync(ct)).FirstOrDefault();
        if (code is null) return OrderDesk.Problem(404, "No stations", "This county has no community work stations yet.");
        var row = await StationRows(db, code).FirstAsync(ct);
        var d = Math.Round(Live.Geodesy.Metres(x.Value, y.Value, row.S.Location.X, row.S.Location.Y));
        return TypedResults.Ok(new Feature<StationProperties>(row.S.Code, row.S.Location, Props(row.S, row.CommunityName, d)));
    }

    private static async Task<IResult> PutStation(string code, StationRequest? body, ClaimsPrincipal user, GridGovDb db, CancellationToken ct)
    {
        var actor = await CommunityActors.OfAsync(user, db, ct);
        if (body is null) return Validation.Problem("body", "Send { community, name, address, hours, phone?, staff[], lon, lat }.");
        var v = new Validation();
        code = code.Trim();
        if (code.Length is 0 or > 40 || !code.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) v.Add("code", "A station code is 1-40 letters, digits, '-' or '_'.");
        var station = await db.Stations.FirstOrDefaultAsync(s => s.Code == code, ct);
        var community = body.Community?.Trim() ?? station?.CommunityCode;
        if (community is null) v.Add("community", "'community' (a community grid code) is required for a new station.");
        else if (!await db.Grids.AnyAsync(g => g.Code == community && g.Level == GridLevel.Community, ct)) v.Add("community", $"There is no community '{Validation.Clip(community)}'.");
        var name = Text(body.Name, station?.Name, "name", 80, v);
        var address = Text(body.Address, station?.Address, "address", 200, v);
        var hours = Text(body.Hours, station?.Hours, "hours", 100, v);
        var phone = body.Phone is null ? station?.Phone : body.Phone.Trim() is { Length: > 0 } p ? IncidentIntake.CleanPhone(p, v) : null;
        var staff = (body.Staff ?? station?.Staff ?? []).Select(s => s.Trim()).Where(s => s.Length > 0).ToArray();
        if (staff.Length > 20 || staff.Any(s => s.Length > 40)) v.Add("staff", "'staff' is at most 20 names of at most 40 characters.");
        Point? location = station?.Location;
        if (body.Lon is { } lon && body.Lat is { } lat)
        {
            if (!double.IsFinite(lon) || !double.IsFinite(lat) || Math.Abs(lon) > 180 || Math.Abs(lat) > 90) v.Add("lon", "'lon' and 'lat' are decimal degrees.");
            else location = new Point(lon, lat) { SRID = 4490 };
        }
        else if (body.Lon is not null || body.Lat is not null) v.Add("lat", "Give both 'lon' and 'lat'.");
        if (location is null) v.Add("lon", "'lon' and 'lat' are required for a new station.");
        if (!v.IsValid) return v.Problem();
        foreach (var c in new[] { community!, station?.CommunityCode }.OfType<string>().Distinct())
            if (!actor.Is(Roles.Admin) && !actor.Communities.Contains(c))
                return OrderDesk.Problem(403, "Another community", $"Station {code} is community {c}'s; you serve {actor.CommunitiesText}.");
        if (!await db.Grids.AnyAsync(g => g.Code == community && g.Geometry.Intersects(location!), ct))
            return Validation.Problem("lon", $"The point lies outside community {community}.");
        var created = station is null;
        station ??= db.Stations.Add(new Station { Code = code, CommunityCode = community!, Name = name!, Address = address!, Hours = hours!, Location = location! }).Entity;
        (station.CommunityCode, station.Name, station.Address, station.Hours, station.Location, station.Staff) = (community!, name!, address!, hours!, location!, staff);
        station.Phone = phone;
        await db.SaveChangesAsync(ct);
        var communityName = await db.Grids.Where(g => g.Code == community).Select(g => g.Name).FirstOrDefaultAsync(ct);
        var feature = new Feature<StationProperties>(station.Code, station.Location, Props(station, communityName, null));
        return created ? TypedResults.Created($"/api/stations/{code}", feature) : TypedResults.Ok(feature);
    }

    private static string? Text(string? value, string? current, string field, int max, Validation v)
    {
        var text = value?.Trim() ?? current;
        if (string.IsNullOrEmpty(text)) v.Add(field, $"'{field}' is required.");
        else if (text.Length > max) v.Add(field, $"'{field}' is at most {max} characters.");
        return text;
    }
}
