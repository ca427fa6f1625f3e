using System.Security.Claims;
using GridGov.Api.Auth;
using GridGov.Api.Data;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace GridGov.Api.Live;

/// <summary>Configuration section <c>Simulator</c> (<c>./gridgov run --simulate</c> sets Enabled).</summary>
public sealed class SimulatorSettings
{
    public bool Enabled { get; set; }
    public double FixSeconds { get; set; } = 3;
    /// <summary>New incidents across the county per hour (a busy county sees a few hundred a day).</summary>
    public double IncidentsPerHour { get; set; } = 90;
    public double MinSpeedMps { get; set; } = 1.2;
    public double MaxSpeedMps { get; set; } = 4.5;
    /// <summary>Chance that a patrol keeps inside its own large grid at a junction.</summary>
    public double StayInGrid { get; set; } = 0.92;
    /// <summary>Simulated crews answer an offer after this long: 85% accept, the rest decline.</summary>
    public double AnswerSeconds { get; set; } = 12;
    public int Seed { get; set; } = 20261124;
}

/// <summary>
/// Moves the demo crews along the roads during their shifts (posting fixes through the same checks as phones),
/// raises incidents at a realistic rate through the same intake, and answers offers, so the demo map lives.
/// </summary>
public sealed partial class Simulator(
    SimulatorSettings settings, NpgsqlDataSource dataSource, CrewDirectory crews, ShiftSchedule shifts, PositionIngest ingest,
    GridCatalog grids, IncidentIntake intake, IncidentWriter writer, Incidents.IIncidentRollUp rollUp, CategoryCatalog categories, IServiceScopeFactory scopes,
    TimeProvider clock, ILogger<Simulator> logger) : BackgroundService
{
    private const double MetresPerDegLat = 110_574.0;
    private static readonly ClaimsPrincipal Robot = new(new ClaimsIdentity(
        [new Claim("sub", "simulator"), new Claim("role", Roles.Admin), new Claim("role", Roles.Dispatcher)], "simulator", "sub", "role"));
    private static readonly Actor RobotActor = new("simulator", [Roles.Admin], null, null);
    private static readonly PositionPoster Poster = new("simulator", null);

    private sealed record SimRoad(int Source, int Target, (double Lon, double Lat)[] Points, double[] Cumulative, string? LargeGrid)
    {
        public double Length => Cumulative[^1];
    }

    private sealed class Walker
    {
        public required int CrewId;
        public required int Road;
        public double At;
        public bool Forward = true;
        public double Speed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var random = new Random(settings.Seed);
        var roads = await LoadRoadsAsync(stoppingToken);
        if (roads.Count == 0)
        {
            LogNoRoads();
            return;
        }
        var byNode = new Dictionary<int, List<int>>();
        for (var i = 0; i < roads.Count; i++)
        {
            (byNode.TryGetValue(roads[i].Source, out var a) ? a : byNode[roads[i].Source] = []).Add(i);
            (byNode.TryGetValue(roads[i].Target, out var b) ? b : byNode[roads[i].Target] = []).Add(i);
        }
        var walkers = new Dictionary<int, Walker>();
        LogStarted(crews.All.Count, roads.Count, settings.IncidentsPerHour);

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.FixSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                var now = clock.GetUtcNow();
                var fixes = new List<PositionReport?>();
                foreach (var crew in crews.All)
                {
                    if (!shifts.IsOn(crew.Shift, now)) continue;
                    if (!walkers.TryGetValue(crew.Id, out var w))
                    {
                        var home = Enumerable.Range(0, roads.Count).Where(i => roads[i].LargeGrid == crew.LargeGridCode).ToList();
                        w = walkers[crew.Id] = new Walker
                        {
                            CrewId = crew.Id, Road = home.Count > 0 ? home[random.Next(home.Count)] : random.Next(roads.Count),
                            Speed = settings.MinSpeedMps + random.NextDouble() * (settings.MaxSpeedMps - settings.MinSpeedMps),
                        };
                        w.At = random.NextDouble() * roads[w.Road].Length;
                    }
                    Advance(w, w.Speed * settings.FixSeconds, roads, byNode, crew.LargeGridCode, random);
                    var (lon, lat) = PointAt(roads[w.Road], w.At);
                    var noise = 3.0 / MetresPerDegLat;
                    fixes.Add(new PositionReport(crew.Id, lon + (random.NextDouble() - 0.5) * noise, lat + (random.NextDouble() - 0.5) * noise, now, 5 + random.Next(10)));
                }
                if (fixes.Count > 0) await ingest.SubmitAsync(fixes, Poster, GridGov.Geo.Coordinates.InputCrs.Wgs84, stoppingToken);

                var expected = settings.IncidentsPerHour * settings.FixSeconds / 3600;
                for (var n = Poisson(expected, random); n > 0; n--) await RaiseIncidentAsync(roads, random, stoppingToken);
                await AnswerOffersAsync(random, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogTickFailed(ex);
            }
        }
    }

    private void Advance(Walker w, double metres, List<SimRoad> roads, Dictionary<int, List<int>> byNode, string? largeGrid, Random random)
    {
        while (metres > 0)
        {
            var road = roads[w.Road];
            var left = w.Forward ? road.Length - w.At : w.At;
            if (metres < left)
            {
                w.At += w.Forward ? metres : -metres;
                return;
            }
            metres -= left;
            var node = w.Forward ? road.Target : road.Source;
            var options = byNode[node].Where(r => r != w.Road).ToList();
            if (options.Count == 0) options = [w.Road];
            var home = options.Where(r => roads[r].LargeGrid == largeGrid).ToList();
            var pool = home.Count > 0 && random.NextDouble() < settings.StayInGrid ? home : options;
            w.Road = pool[random.Next(pool.Count)];
            w.Forward = roads[w.Road].Source == node;
            w.At = w.Forward ? 0 : roads[w.Road].Length;
        }
    }

    private static (double Lon, double Lat) PointAt(SimRoad road, double at)
    {
        var i = Array.BinarySearch(road.Cumulative, at);
        if (i >= 0) return road.Points[i];
        i = ~i;
        if (i <= 0) return road.Points[0];
        if (i >= road.Points.Length) return road.Points[^1];
        var f = (at - road.Cumulative[i - 1]) / (road.Cumulative[i] - road.Cumulative[i - 1]);
        var (a, b) = (road.Points[i - 1], road.Points[i]);
        return (a.Lon + f * (b.Lon - a.Lon), a.Lat + f * (b.Lat - a.Lat));
    }

    private async Task RaiseIncidentAsync(List<SimRoad> roads, Random random, CancellationToken ct)
    {
        var road = roads[random.Next(roads.Count)];
        var (lon, lat) = PointAt(road, random.NextDouble() * road.Length);
        var codes = categories.ActiveCodes.ToList();
        var code = codes[random.Next(codes.Count)];
        var source = random.NextDouble() switch { < 0.45 => "patrol", < 0.75 => "resident", < 0.92 => "hotline", _ => "community" };
        var offset = 8.0 / MetresPerDegLat;
        var request = new IncidentRequest($"sim-{Guid.NewGuid():N}", code, source, lon + (random.NextDouble() - 0.5) * offset,
            lat + (random.NextDouble() - 0.5) * offset, "模拟上报：" + categories.NameOf(code), null, null);
        var v = new Validation();
        if (await intake.PrepareAsync(request, Robot, "simulator", null, v, ct) is { } incident)
            await Incidents.IncidentsApi.StoreAsync(incident, writer, rollUp, ct);
    }

    private async Task AnswerOffersAsync(Random random, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<GridGovDb>();
        var desk = scope.ServiceProvider.GetRequiredService<OfferDesk>();
        var cutoff = clock.GetUtcNow().AddSeconds(-settings.AnswerSeconds);
        var due = await db.IncidentOffers.AsNoTracking().Where(o => o.Status == OfferStatus.Pending && o.OfferedAt < cutoff).Select(o => o.Id).ToListAsync(ct);
        foreach (var id in due)
        {
            db.ChangeTracker.Clear();
            if (random.NextDouble() < 0.85) await desk.AcceptAsync(db, id, RobotActor, ct);
            else await desk.DeclineAsync(db, id, "正在处理其他案件", RobotActor, ct);
        }
    }

    private async Task<List<SimRoad>> LoadRoadsAsync(CancellationToken ct)
    {
        var roads = new List<SimRoad>();
        await using var cmd = dataSource.CreateCommand("SELECT source, target, ST_AsBinary(geometry) FROM roads ORDER BY id");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var wkb = new NetTopologySuite.IO.WKBReader();
        while (await reader.ReadAsync(ct))
        {
            var points = wkb.Read(reader.GetFieldValue<byte[]>(2)).Coordinates.Select(c => (c.X, c.Y)).ToArray();
            var cumulative = new double[points.Length];
            for (var i = 1; i < points.Length; i++)
                cumulative[i] = cumulative[i - 1] + Geodesy.Metres(points[i - 1].X, points[i - 1].Y, points[i].X, points[i].Y);
            if (cumulative[^1] <= 0) continue;
            var mid = points[points.Length / 2];
            roads.Add(new SimRoad(reader.GetInt32(0), reader.GetInt32(1), points, cumulative, grids.LargeGridAt(mid.X, mid.Y)));
        }
        return roads;
    }

    private static int Poisson(double mean, Random random)
    {
        var limit = Math.Exp(-mean);
        var k = 0;
        for (var p = random.NextDouble(); p > limit; p *= random.NextDouble()) k++;
        return k;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Simulator: {Crews} crews on {Roads} road segments, about {Rate} incidents an hour")]
    private partial void LogStarted(int crews, int roads, double rate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulator: there are no roads to walk; it stays idle (load the demo county)")]
    private partial void LogNoRoads();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Simulator: a tick failed")]
    private partial void LogTickFailed(Exception exception);
}
