using System.Globalization;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Platform;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;

namespace GridGov.Api.Grids;

public static class GridsApi
{
    public sealed record GridProperties(string Code, string Name, string Level, string? ParentCode, int? TeamId, string? TeamName, double AreaM2);
    public sealed record PostProperties(string Code, string Name, int RadiusM, int TeamId, string LargeGridCode);

    private static readonly Dictionary<string, GridLevel> Levels = new(StringComparer.OrdinalIgnoreCase)
    {
        ["county"] = GridLevel.County, ["street"] = GridLevel.Street, ["community"] = GridLevel.Community,
        ["large"] = GridLevel.Large, ["unit"] = GridLevel.Unit,
    };

    public static IEndpointRouteBuilder MapGridsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api").WithTags("Grids").RequireAuthorization(Policies.Staff);
        group.MapGet("/grids", ListGrids)
            .WithSummary("Grids of one level as GeoJSON (level = street, community, large or unit; default large).");
        group.MapGet("/grids/locate", Locate)
            .WithSummary("The unit grid, large grid, community, street and team at a point. On a shared edge the lowest code wins.");
        group.MapGet("/posts", ListPosts).WithSummary("Key grid posts (重点网格岗位点) as GeoJSON points.");
        return app;
    }

    private static async Task<Results<Ok<FeatureCollection<GridProperties>>, ValidationProblem>> ListGrids(
        string? level, GridGovDb db, CancellationToken ct)
    {
        var name = string.IsNullOrWhiteSpace(level) ? "large" : level.Trim();
        if (!Levels.TryGetValue(name, out var gridLevel))
        {
            var v = new Validation();
            v.Add("level", $"Unknown level '{(name.Length > 30 ? name[..30] : name)}'; use one of: {string.Join(", ", Levels.Keys)}.");
            return (ValidationProblem)v.Problem();
        }
        var rows = await db.Grids.AsNoTracking()
            .Where(g => g.Level == gridLevel)
            .OrderBy(g => g.Code)
            .Select(g => new
            {
                g.Code, g.Name, g.ParentCode, g.TeamId, g.AreaM2, g.Geometry,
                TeamName = db.Teams.Where(t => t.Id == g.TeamId).Select(t => t.Name).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var levelName = name.ToLowerInvariant();
        return TypedResults.Ok(new FeatureCollection<GridProperties>(rows.Select(r => new Feature<GridProperties>(
            r.Code, r.Geometry, new GridProperties(r.Code, r.Name, levelName, r.ParentCode, r.TeamId, r.TeamName, r.AreaM2))).ToList()));
    }

    private static Results<Ok<GridMap.Location>, ProblemHttpResult, ValidationProblem> Locate(
        string? lon, string? lat, string? crs, GridCatalog catalog)
    {
        var v = new Validation();
        var point = v.LonLat(lon, lat, crs);
        if (point is null) return (ValidationProblem)v.Problem();
        var location = catalog.Locate(point.Value.Lon, point.Value.Lat);
        return location is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Outside every grid",
                detail: string.Create(CultureInfo.InvariantCulture, $"The point [{point.Value.Lon:0.######}, {point.Value.Lat:0.######}] lies in no unit grid of this county. Coordinates are [lon, lat] in CGCS2000/WGS84 unless crs=gcj02 or crs=bd09 is given."))
            : TypedResults.Ok(location);
    }

    private static async Task<Ok<FeatureCollection<PostProperties>>> ListPosts(GridGovDb db, CancellationToken ct)
    {
        var posts = await db.KeyPosts.AsNoTracking().OrderBy(p => p.Code).ToListAsync(ct);
        return TypedResults.Ok(new FeatureCollection<PostProperties>(posts.Select(p => new Feature<PostProperties>(
            p.Code, (Geometry)p.Location, new PostProperties(p.Code, p.Name, p.RadiusM, p.TeamId, p.LargeGridCode))).ToList()));
    }
}
