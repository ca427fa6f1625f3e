using System.Diagnostics;
using GridGov.Api.LifeCircles;
using GridGov.Geo.Osm;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace GridGov.Api.Tests.LifeCircles;

/// <summary>
/// The service on a county of its own (GRIDGOV_TEST_OSM_DB, the demo loaded at start): the OpenStreetMap import
/// replaces its roads, buildings and facilities, which no other suite may see happen.
/// </summary>
public sealed class OsmTown : WebApplicationFactory<Program>
{
    public static string ConnectionString => Environment.GetEnvironmentVariable("GRIDGOV_TEST_OSM_DB") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException("GRIDGOV_TEST_OSM_DB is not set: run the tests with ./gridgov test, which creates the OpenStreetMap tests' database.");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:GridGov", ConnectionString);
        builder.UseSetting("Jwt:SigningKey", GridGovFactory.SigningKey);
        builder.UseSetting("GridGov:LoadDemo", "true");
        builder.UseEnvironment("Testing");
        builder.ConfigureTestServices(services => services.AddSingleton(new GridGov.Api.Live.LiveSettings
        {
            Shifts = new(StringComparer.OrdinalIgnoreCase) { ["Early"] = ["00:00-24:00"], ["Middle"] = ["00:00-24:00"], ["Late"] = [] },
        }));
    }

    public NpgsqlDataSource DataSource => Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>Runs the service's command line as ./gridgov does (dotnet GridGov.Api.dll ARGS) against this county.</summary>
    public static async Task<(int Code, string Out, string Err)> Command(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "GridGov.Api.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["ConnectionStrings__GridGov"] = ConnectionString;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    /// <summary>An .osm written by hand with <see cref="OsmXmlWriter"/>, as .osm.pbf through osmium cat.</summary>
    public static async Task<string> Pbf(string folder, string name, Action<OsmXmlWriter> write)
    {
        var xml = Path.Combine(folder, name + ".osm");
        await using (var stream = File.Create(xml))
        using (var writer = new OsmXmlWriter(stream, "GridGov tests")) write(writer);
        var pbf = Path.Combine(folder, name + ".osm.pbf");
        using var osmium = Process.Start(new ProcessStartInfo("osmium", ["cat", xml, "-O", "-o", pbf]) { RedirectStandardError = true })!;
        var err = await osmium.StandardError.ReadToEndAsync();
        await osmium.WaitForExitAsync();
        Assert.True(osmium.ExitCode == 0, $"osmium cat: {err}");
        return pbf;
    }

    public static KeyValuePair<string, string>[] Tags(params (string Key, string Value)[] tags) =>
        tags.Select(t => KeyValuePair.Create(t.Key, t.Value)).ToArray();
}

/// <summary>What the comparisons read from a county's database.</summary>
public sealed record CountyFacts(
    int Roads, int Junctions, double WalkM, double DriveM, IReadOnlyDictionary<string, int> RoadClasses,
    int Buildings, int Residential, int FacilityBuildings, long Households, long Floors, string BuildingsPerUnitGrid,
    IReadOnlyDictionary<string, int> FacilitiesByClass, string FacilitiesPerUnitGrid, int LampsOnRoads, double FarthestLampM)
{
    public static async Task<CountyFacts> ReadAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("""
            SELECT (SELECT count(*)::int FROM roads),
                   (SELECT count(*)::int FROM (SELECT source FROM roads UNION SELECT target FROM roads) j),
                   (SELECT coalesce(sum(length_m), 0) FROM roads WHERE walk), (SELECT coalesce(sum(length_m), 0) FROM roads WHERE drive),
                   (SELECT count(*)::int FROM buildings), (SELECT count(*)::int FROM buildings WHERE kind = 'residential'),
                   (SELECT count(*)::int FROM buildings WHERE kind = 'facility'),
                   (SELECT coalesce(sum(households), 0)::bigint FROM buildings), (SELECT coalesce(sum(floors), 0)::bigint FROM buildings),
                   (SELECT coalesce(string_agg(u, ',' ORDER BY u), '') FROM (SELECT coalesce(unit_grid_code, '-') || ':' || count(*) AS u FROM buildings GROUP BY unit_grid_code) b),
                   (SELECT coalesce(string_agg(u, ',' ORDER BY u), '') FROM (SELECT coalesce(unit_grid_code, '-') || ':' || kind || ':' || count(*) AS u FROM facilities GROUP BY unit_grid_code, kind) f),
                   (SELECT count(*)::int FROM streetlights WHERE component = '01037' AND road_id IS NOT NULL),
                   (SELECT coalesce(max(ST_Distance(r.geometry::geography, s.location::geography)), 0) FROM streetlights s JOIN roads r ON r.id = s.road_id)
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        var (roads, junctions, walk, drive) = (r.GetInt32(0), r.GetInt32(1), r.GetDouble(2), r.GetDouble(3));
        var (buildings, residential, facility, households, floors, perGrid) = (r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetInt64(7), r.GetInt64(8), r.GetString(9));
        var (facilitiesPerGrid, lamps, farthest) = (r.GetString(10), r.GetInt32(11), r.GetDouble(12));
        await r.CloseAsync();
        return new CountyFacts(roads, junctions, walk, drive, await CountsAsync(db, "SELECT class, count(*)::int FROM roads GROUP BY class"),
            buildings, residential, facility, households, floors, perGrid,
            await CountsAsync(db, "SELECT kind, count(*)::int FROM facilities GROUP BY kind"), facilitiesPerGrid, lamps, farthest);
    }

    private static async Task<SortedDictionary<string, int>> CountsAsync(NpgsqlDataSource db, string sql)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        await using var cmd = db.CreateCommand(sql);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) counts[r.GetString(0)] = r.GetInt32(1);
        return counts;
    }

    /// <summary>Everything the import may replace, as one fingerprint: equal before and after means nothing changed.</summary>
    public static async Task<string> FingerprintAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("""
            SELECT concat_ws('|',
              (SELECT md5(coalesce(string_agg(concat_ws(':', id, class, name, source, target, osm_id, md5(ST_AsBinary(geometry))), ',' ORDER BY id), '')) FROM roads),
              (SELECT md5(coalesce(string_agg(concat_ws(':', id, kind, floors, households, unit_grid_code, osm_id, md5(ST_AsBinary(geometry))), ',' ORDER BY id), '')) FROM buildings),
              (SELECT md5(coalesce(string_agg(concat_ws(':', id, kind, name, level_minutes, unit_grid_code, osm_ref, md5(ST_AsBinary(location))), ',' ORDER BY id), '')) FROM facilities),
              (SELECT md5(coalesce(string_agg(concat_ws(':', code, road_id), ',' ORDER BY code), '')) FROM streetlights),
              (SELECT count(*) FROM pg_namespace WHERE nspname = 'osm_stage'))
            """);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }
}
