using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using GridGov.Api.Auth;
using GridGov.Api.Grids;
using GridGov.Api.Incidents;
using GridGov.Geo.Coordinates;
using MessagePack;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace GridGov.Api.Live;

/// <summary>
/// The argument of Subscribe: the map view, [minLon, minLat, maxLon, maxLat]. Read leniently in both protocols
/// (<see cref="HubArguments"/>), so a malformed one reaches the hub and is refused with what is wrong.
/// </summary>
[JsonConverter(typeof(SubscribeRequestJson))]
[MessagePackFormatter(typeof(SubscribeRequestMessagePack))]
public sealed record SubscribeRequest(double[]? Bbox)
{
    /// <summary>What was wrong with the argument as sent; null when it was read as { bbox: [...] } (or was left out).</summary>
    public string? Malformed { get; init; }
}

/// <summary>How many tile groups the view joined, and the view as clipped to the county.</summary>
[MessagePackObject]
public sealed record SubscribeResult([property: Key("tiles")] int Tiles, [property: Key("bbox")] double[]? Bbox);

/// <summary>
/// /hubs/live: a thin hub that only manages subscriptions (and takes device fixes); <see cref="LiveNotifier"/> pushes.
/// Dispatchers, leaders and admins see every crew; a crew sees its own team and gets its offers on its own channel.
/// </summary>
[Authorize(Policy = Policies.Live)]
public sealed class LiveHub(LiveSubscriptions subscriptions, LiveConnections connections, GridCatalog grids, PositionIngest ingest, LiveSettings settings) : Hub
{
    public override async Task OnConnectedAsync()
    {
        connections.Add(Context);
        var actor = IncidentsApi.ActorOf(Context.User!);
        if (actor.ConfinedToTeam is null) await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.Dispatch);
        if (actor.CrewId is { } crewId) await Groups.AddToGroupAsync(Context.ConnectionId, LiveGroups.Crew(crewId));
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        // SignalR drops the connection's group memberships itself; this forgets our record of them.
        subscriptions.Forget(Context.ConnectionId);
        connections.Remove(Context);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>Receive positions and incidents for the view; replaces the previous subscription.</summary>
    public async Task<SubscribeResult> Subscribe(SubscribeRequest? request)
    {
        if (request?.Malformed is { } malformed) throw new HubException(malformed);
        var bbox = request?.Bbox;
        if (bbox is not { Length: 4 } || bbox.Any(v => !double.IsFinite(v)))
            throw new HubException("Subscribe needs { bbox: [minLon, minLat, maxLon, maxLat] } with four finite numbers.");
        if (bbox[0] < -180 || bbox[2] > 180 || bbox[1] < -90 || bbox[3] > 90 || bbox[0] > bbox[2] || bbox[1] > bbox[3])
            throw new HubException($"bbox [{string.Join(", ", bbox)}] is not [minLon, minLat, maxLon, maxLat] within lon -180..180, lat -90..90 with min <= max.");

        // A view larger than the county is clipped to it: there is nothing to see beyond.
        var county = grids.Extent;
        double[]? clipped = null;
        var tiles = new List<string>();
        if (!county.IsNull)
        {
            var m = settings.CountyMarginDeg;
            double minLon = Math.Max(bbox[0], county.MinX - m), minLat = Math.Max(bbox[1], county.MinY - m);
            double maxLon = Math.Min(bbox[2], county.MaxX + m), maxLat = Math.Min(bbox[3], county.MaxY + m);
            if (minLon <= maxLon && minLat <= maxLat)
            {
                clipped = [minLon, minLat, maxLon, maxLat];
                var (x0, y0) = LiveGroups.TileXY(minLon, maxLat, settings.TileZoom);
                var (x1, y1) = LiveGroups.TileXY(maxLon, minLat, settings.TileZoom);
                for (var x = x0; x <= x1; x++)
                    for (var y = y0; y <= y1; y++)
                        tiles.Add($"{settings.TileZoom}/{x}/{y}");
            }
        }

        var actor = IncidentsApi.ActorOf(Context.User!);
        var groups = tiles.Select(t => actor.ConfinedToTeam is { } team ? LiveGroups.TeamTile(t, team) : LiveGroups.Tile(t)).ToHashSet();
        var previous = subscriptions.Replace(Context.ConnectionId, groups);
        foreach (var g in previous.Except(groups)) await Groups.RemoveFromGroupAsync(Context.ConnectionId, g);
        foreach (var g in groups.Except(previous)) await Groups.AddToGroupAsync(Context.ConnectionId, g);
        return new SubscribeResult(tiles.Count, clipped);
    }

    /// <summary>A device's fixes, checked like POST /api/positions.</summary>
    public Task<PositionsResponse> Report(PositionReport?[]? fixes)
    {
        if (fixes is null) throw new HubException("Report needs an array of { crewId, lon, lat, t, accuracyM? }.");
        if (fixes.Length > settings.MaxBatch) throw new HubException($"At most {settings.MaxBatch} fixes per call; this one has {fixes.Length}.");
        var actor = IncidentsApi.ActorOf(Context.User!);
        var poster = LiveApi.PosterOf(actor);
        if (poster is null) throw new HubException("Only a crew (for itself) or an admin may report positions.");
        // A device names its coordinate system once, on the connection: /hubs/live?crs=gcj02.
        var crs = Context.GetHttpContext()?.Request.Query["crs"].ToString();
        if (!ChinaOffsets.TryParse(string.IsNullOrEmpty(crs) ? null : crs, out var inputCrs))
            throw new HubException($"The connection's crs '{crs}' is not one of wgs84, cgcs2000, gcj02, bd09; reconnect to /hubs/live?crs=gcj02 (or without crs for WGS84).");
        return ingest.SubmitAsync(fixes, poster, inputCrs, Context.ConnectionAborted);
    }
}

/// <summary>Which groups each connection joined through Subscribe, so a new view replaces the old and a disconnect leaves nothing.</summary>
public sealed class LiveSubscriptions
{
    private readonly ConcurrentDictionary<string, HashSet<string>> _byConnection = new();

    public int Connections => _byConnection.Count;

    public HashSet<string> Replace(string connectionId, HashSet<string> groups)
    {
        HashSet<string>? previous = null;
        _byConnection.AddOrUpdate(connectionId, groups, (_, old) =>
        {
            previous = old;
            return groups;
        });
        return previous ?? [];
    }

    public void Forget(string connectionId) => _byConnection.TryRemove(connectionId, out _);
}

/// <summary>
/// The open hub connections per user, so that disabling a user (or changing its roles, team or password) closes its
/// live connections at once instead of at the token's expiry. Thread-safe.
/// </summary>
public sealed class LiveConnections
{
    private readonly ConcurrentDictionary<int, ConcurrentDictionary<string, HubCallerContext>> _byUser = new();
    private readonly UserDirectory _users;

    public LiveConnections(UserDirectory users)
    {
        _users = users;
        users.Changed += id => _ = RecheckAsync(id);
    }

    public void Add(HubCallerContext context)
    {
        if (context.User?.ClaimInt("uid") is { } uid) _byUser.GetOrAdd(uid, _ => new())[context.ConnectionId] = context;
    }

    public void Remove(HubCallerContext context)
    {
        if (context.User?.ClaimInt("uid") is { } uid && _byUser.TryGetValue(uid, out var open)) open.TryRemove(context.ConnectionId, out _);
    }

    private async Task RecheckAsync(int userId)
    {
        if (!_byUser.TryGetValue(userId, out var open)) return;
        foreach (var context in open.Values)
        {
            var version = context.User?.ClaimInt(UserDirectory.VersionClaim) ?? -1;
            if (!await _users.IsCurrentAsync(userId, version, CancellationToken.None)) context.Abort();
        }
    }
}
