using System.Collections.Concurrent;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using Microsoft.AspNetCore.SignalR;

namespace GridGov.Api.Live;

/// <summary>A crew's position as the live map receives it.</summary>
public sealed record PositionMessage(int CrewId, double Lon, double Lat, DateTime T);

/// <summary>An incident created or moved through the workflow.</summary>
public sealed record IncidentMessage(long Id, string Status, string CategoryCode, string? CategoryName, double Lon, double Lat, int? TeamId, bool Overdue, DateTime At);

public static class IncidentMessages
{
    public static IncidentMessage Of(Incident i, DateTimeOffset now, CategoryCatalog categories) =>
        new(i.Id, JsonNames.Of(i.Status), i.CategoryCode, categories.NameOf(i.CategoryCode), i.Location.X, i.Location.Y, i.TeamId,
            IncidentMapping.IsOverdue(i.Status, i.Deadline, now), now.UtcDateTime);
}

/// <summary>A crew on shift left (or came back into) its team's large grid.</summary>
public sealed record GeofenceMessage(int CrewId, string CrewName, string LargeGridCode, double Lon, double Lat, DateTime T, string Kind);

/// <summary>An incident offered to a crew (sent on the crew's own channel).</summary>
public sealed record OfferMessage(long OfferId, long IncidentId, string CategoryCode, string? CategoryName, double Lon, double Lat, DateTime ExpiresAt, double? DistanceM, double? EtaS, bool ByRoad);

/// <summary>
/// Pushes through <see cref="IHubContext{LiveHub}"/>: positions are coalesced to the latest fix per crew and sent as
/// one batch per map-tile group per tick; incidents go out on the next tick to the tile of their location; offers and
/// geofence events go out at once. Thread-safe.
/// </summary>
public sealed partial class LiveNotifier(IHubContext<LiveHub> hub, LiveSettings settings, ILogger<LiveNotifier> logger) : BackgroundService
{
    private ConcurrentDictionary<int, (int TeamId, LiveFix Fix)> _pending = new();
    private readonly ConcurrentQueue<IncidentMessage> _incidents = new();

    public void Publish(CrewState crew, LiveFix fix) =>
        _pending.AddOrUpdate(crew.Id, (crew.TeamId, fix), (_, old) => fix.T > old.Fix.T ? (crew.TeamId, fix) : old);

    public void IncidentChanged(IncidentMessage message) => _incidents.Enqueue(message);

    public Task GeofenceAsync(GeofenceMessage message) =>
        hub.Clients.Group(LiveGroups.Dispatch).SendAsync("geofence", message);

    public Task OfferAsync(int crewId, OfferMessage message) =>
        hub.Clients.Group(LiveGroups.Crew(crewId)).SendAsync("offer", message);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(10, settings.TickMs)));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await FlushAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFlushFailed(ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends everything pending now (the tick; tests and shutdown may call it directly).</summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var sends = new List<Task>();
        if (!_pending.IsEmpty)
        {
            var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<int, (int, LiveFix)>());
            var byTile = new Dictionary<string, List<(int TeamId, PositionMessage Message)>>();
            foreach (var (crewId, (teamId, fix)) in batch)
            {
                var tile = LiveGroups.TileOf(fix.Lon, fix.Lat, settings.TileZoom);
                if (!byTile.TryGetValue(tile, out var list)) byTile[tile] = list = [];
                list.Add((teamId, new PositionMessage(crewId, fix.Lon, fix.Lat, fix.T.UtcDateTime)));
            }
            foreach (var (tile, list) in byTile)
            {
                sends.Add(hub.Clients.Group(LiveGroups.Tile(tile)).SendAsync("positions", list.Select(l => l.Message).ToArray(), ct));
                foreach (var team in list.GroupBy(l => l.TeamId))
                    sends.Add(hub.Clients.Group(LiveGroups.TeamTile(tile, team.Key)).SendAsync("positions", team.Select(l => l.Message).ToArray(), ct));
            }
        }
        while (_incidents.TryDequeue(out var incident))
        {
            var tile = LiveGroups.TileOf(incident.Lon, incident.Lat, settings.TileZoom);
            sends.Add(hub.Clients.Group(LiveGroups.Tile(tile)).SendAsync("incident", incident, ct));
            if (incident.TeamId is { } team) sends.Add(hub.Clients.Group(LiveGroups.TeamTile(tile, team)).SendAsync("incident", incident, ct));
        }
        if (sends.Count == 0) return;
        await Task.WhenAll(sends);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live: sending a tick failed: {Reason}")]
    private partial void LogFlushFailed(string reason);
}

/// <summary>Names of the hub's groups: map tiles (all crews, or one team's), a crew's own channel, the dispatch center.</summary>
public static class LiveGroups
{
    public const string Dispatch = "dispatch";

    public static string Crew(int crewId) => $"crew:{crewId}";

    public static string Tile(string tile) => $"tile:{tile}";

    public static string TeamTile(string tile, int teamId) => $"tile:{tile}:team:{teamId}";

    /// <summary>The slippy-map tile "z/x/y" (Web Mercator) holding a lon/lat point.</summary>
    public static string TileOf(double lon, double lat, int zoom)
    {
        var (x, y) = TileXY(lon, lat, zoom);
        return $"{zoom}/{x}/{y}";
    }

    public static (int X, int Y) TileXY(double lon, double lat, int zoom)
    {
        var n = 1 << zoom;
        lat = Math.Clamp(lat, -85.05112878, 85.05112878);
        var x = (int)Math.Floor((lon + 180) / 360 * n);
        var rad = lat * Math.PI / 180;
        var y = (int)Math.Floor((1 - Math.Log(Math.Tan(rad) + 1 / Math.Cos(rad)) / Math.PI) / 2 * n);
        return (Math.Clamp(x, 0, n - 1), Math.Clamp(y, 0, n - 1));
    }
}
