using System.Collections.Concurrent;
using GridGov.Api.Incidents;
using GridGov.Api.Platform;
using MessagePack;
using Microsoft.AspNetCore.SignalR;

namespace GridGov.Api.Live;

/// <summary>A crew's position as the live map receives it.</summary>
[MessagePackObject]
public sealed record PositionMessage(
    [property: Key("crewId")] int CrewId,
    [property: Key("lon")] double Lon,
    [property: Key("lat")] double Lat,
    [property: Key("t")] DateTime T);

/// <summary>An incident created or moved through the workflow.</summary>
[MessagePackObject]
public sealed record IncidentMessage(
    [property: Key("id")] long Id,
    [property: Key("status")] string Status,
    [property: Key("categoryCode")] string CategoryCode,
    [property: Key("categoryName")] string? CategoryName,
    [property: Key("lon")] double Lon,
    [property: Key("lat")] double Lat,
    [property: Key("teamId")] int? TeamId,
    [property: Key("overdue")] bool Overdue,
    [property: Key("at")] DateTime At);

public static class IncidentMessages
{
    public static IncidentMessage Of(Incident i, DateTimeOffset now, CategoryCatalog categories) =>
        new(i.Id, JsonNames.Of(i.Status), i.CategoryCode, categories.NameOf(i.CategoryCode), i.Location.X, i.Location.Y, i.TeamId,
            IncidentMapping.IsOverdue(i.Status, i.Deadline, now), now.UtcDateTime);
}

/// <summary>A crew on shift left (or came back into) its team's large grid.</summary>
[MessagePackObject]
public sealed record GeofenceMessage(
    [property: Key("crewId")] int CrewId,
    [property: Key("crewName")] string CrewName,
    [property: Key("largeGridCode")] string LargeGridCode,
    [property: Key("lon")] double Lon,
    [property: Key("lat")] double Lat,
    [property: Key("t")] DateTime T,
    [property: Key("kind")] string Kind);

/// <summary>An incident offered to a crew (sent on the crew's own channel).</summary>
[MessagePackObject]
public sealed record OfferMessage(
    [property: Key("offerId")] long OfferId,
    [property: Key("incidentId")] long IncidentId,
    [property: Key("categoryCode")] string CategoryCode,
    [property: Key("categoryName")] string? CategoryName,
    [property: Key("lon")] double Lon,
    [property: Key("lat")] double Lat,
    [property: Key("expiresAt")] DateTime ExpiresAt,
    [property: Key("distanceM")] double? DistanceM,
    [property: Key("etaS")] double? EtaS,
    [property: Key("byRoad")] bool ByRoad);

/// <summary>
/// Pushes through <see cref="IHubContext{LiveHub}"/>: positions are coalesced to the latest fix per crew and each map
/// tile's group gets at most one batch per tick. A tile that sent nothing during the last tick sends at once (within one
/// check, a tenth of a tick, at most 50 ms), so a lone fix is not held back; a busy tile sends once per tick.
/// Incidents go out at the next check to the tile of their location; offers and geofence events go out at once.
/// Thread-safe.
/// </summary>
public sealed partial class LiveNotifier(IHubContext<LiveHub> hub, LiveSettings settings, ILogger<LiveNotifier> logger) : BackgroundService
{
    private ConcurrentDictionary<int, (int TeamId, LiveFix Fix)> _pending = new();
    private readonly ConcurrentQueue<IncidentMessage> _incidents = new();
    private readonly TileThrottle _throttle = new(Math.Max(10, settings.TickMs));

    public void Publish(CrewState crew, LiveFix fix) => Keep(crew.Id, crew.TeamId, fix);

    private void Keep(int crewId, int teamId, LiveFix fix) =>
        _pending.AddOrUpdate(crewId, (teamId, fix), (_, old) => fix.T > old.Fix.T ? (teamId, fix) : old);

    public void IncidentChanged(IncidentMessage message) => _incidents.Enqueue(message);

    public Task GeofenceAsync(GeofenceMessage message) =>
        hub.Clients.Group(LiveGroups.Dispatch).SendAsync("geofence", message);

    public Task OfferAsync(int crewId, OfferMessage message) =>
        hub.Clients.Group(LiveGroups.Crew(crewId)).SendAsync("offer", message);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Clamp(settings.TickMs / 10, 10, 50)));
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SendAsync(force: false, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogFlushFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sends everything pending now, whatever the tiles sent last (tests and shutdown call it).</summary>
    public Task FlushAsync(CancellationToken ct = default) => SendAsync(force: true, ct);

    private async Task SendAsync(bool force, CancellationToken ct)
    {
        var sends = new List<Task>();
        if (!_pending.IsEmpty)
        {
            var batch = Interlocked.Exchange(ref _pending, new ConcurrentDictionary<int, (int, LiveFix)>());
            var now = Environment.TickCount64;
            var byTile = new Dictionary<string, List<(int CrewId, int TeamId, LiveFix Fix)>>();
            foreach (var (crewId, (teamId, fix)) in batch)
            {
                var tile = LiveGroups.TileOf(fix.Lon, fix.Lat, settings.TileZoom);
                if (!byTile.TryGetValue(tile, out var list)) byTile[tile] = list = [];
                list.Add((crewId, teamId, fix));
            }
            foreach (var (tile, list) in byTile)
            {
                if (!_throttle.TryTake(tile, now, force))
                {
                    // The tile sent within the last tick: these wait for its next turn (a newer fix meanwhile wins).
                    foreach (var (crewId, teamId, fix) in list) Keep(crewId, teamId, fix);
                    continue;
                }
                var messages = list.Select(l => new PositionMessage(l.CrewId, l.Fix.Lon, l.Fix.Lat, l.Fix.T.UtcDateTime)).ToArray();
                sends.Add(hub.Clients.Group(LiveGroups.Tile(tile)).SendAsync("positions", messages, ct));
                foreach (var team in list.Select((l, i) => (l.TeamId, Message: messages[i])).GroupBy(l => l.TeamId))
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live: sending a tick failed")]
    private partial void LogFlushFailed(Exception ex);
}

/// <summary>
/// When each map tile last sent positions: a tile may send again once a whole tick has passed. Tiles are bounded by
/// the county (subscriptions are clipped to it), so the table stays small. Thread-safe.
/// </summary>
internal sealed class TileThrottle(long tickMs)
{
    private readonly Dictionary<string, long> _lastSent = new(StringComparer.Ordinal);

    /// <summary>True, and the tile counts as sending at <paramref name="nowMs"/>, if it may send (or must: force).</summary>
    public bool TryTake(string tile, long nowMs, bool force = false)
    {
        lock (_lastSent)
        {
            if (!force && _lastSent.TryGetValue(tile, out var last) && nowMs - last < tickMs) return false;
            _lastSent[tile] = nowMs;
            return true;
        }
    }
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
