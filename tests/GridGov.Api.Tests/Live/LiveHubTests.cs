using System.Collections.Concurrent;
using System.Net.Http.Json;
using GridGov.Api.Live;
using GridGov.Api.Tests.Incidents;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace GridGov.Api.Tests.Live;

[Collection(ApiCollection.Name)]
public class LiveHubTests(GridGovFactory app)
{
    private static readonly double[] World = [-180, -90, 180, 90];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_dispatcher_sees_a_posted_position_arrive_in_a_batch_for_the_view(bool messagePack)
    {
        var subject = (await LiveKit.Crews(app)).First(c => c.TeamId == 5);
        await LiveKit.Reset(app, subject.Id);
        var spot = await Spots.Next(app, teamId: 5);
        var received = new ConcurrentQueue<PositionMessage>();
        await using var hub = LiveKit.Hub(app, await app.TokenFor("dispatcher"), messagePack);
        hub.On<PositionMessage[]>("positions", batch => { foreach (var p in batch) received.Enqueue(p); });
        await hub.StartAsync();
        var result = await hub.InvokeAsync<SubscribeResult>("Subscribe", new SubscribeRequest(World));
        // A view larger than the county is clipped to the county.
        Assert.NotNull(result.Bbox);
        Assert.True(result.Bbox![0] > -180 && result.Bbox[2] < 180 && result.Tiles is > 0 and < 100);

        using var admin = await app.ClientFor("admin");
        var t = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()); // the server keeps microseconds
        await LiveKit.Post(admin, LiveKit.Fix(subject.Id, spot.Lon, spot.Lat, t));
        await LiveKit.Eventually(() => Task.FromResult(received.Any(p => p.CrewId == subject.Id && Math.Abs(p.Lon - spot.Lon) < 1e-9)), "the fix on the hub");
        var got = received.First(p => p.CrewId == subject.Id);
        Assert.Equal(t.UtcDateTime, got.T.ToUniversalTime(), TimeSpan.FromMilliseconds(1));

        // Coalescing: three fixes within one tick arrive as the latest only, never as an older one after a newer.
        received.Clear();
        await LiveKit.Post(admin,
            LiveKit.Fix(subject.Id, spot.Lon + 0.00001, spot.Lat, t.AddSeconds(1)),
            LiveKit.Fix(subject.Id, spot.Lon + 0.00002, spot.Lat, t.AddSeconds(2)),
            LiveKit.Fix(subject.Id, spot.Lon + 0.00003, spot.Lat, t.AddSeconds(3)));
        await LiveKit.Eventually(() => Task.FromResult(received.Any(p => p.CrewId == subject.Id && p.T.ToUniversalTime() == t.AddSeconds(3).UtcDateTime)), "the latest fix");
        Assert.DoesNotContain(received, p => p.CrewId == subject.Id && p.T.ToUniversalTime() < t.AddSeconds(3).UtcDateTime);
    }

    [Fact]
    public async Task A_crew_sees_its_own_team_only_and_a_view_elsewhere_sees_nothing()
    {
        var crews = await LiveKit.Crews(app);
        var mate = crews.First(c => c.TeamId == 1 && c.Id != 1);
        var stranger = crews.First(c => c.TeamId == 6);
        await LiveKit.Reset(app, mate.Id, stranger.Id);
        var spot = await Spots.Next(app, teamId: 1);
        var received = new ConcurrentQueue<PositionMessage>();
        await using var hub = LiveKit.Hub(app, await app.TokenFor("crew"), messagePack: false);
        hub.On<PositionMessage[]>("positions", batch => { foreach (var p in batch) received.Enqueue(p); });
        await hub.StartAsync();
        await hub.InvokeAsync<SubscribeResult>("Subscribe", new SubscribeRequest(World));

        var elsewhere = new ConcurrentQueue<PositionMessage>();
        await using var far = LiveKit.Hub(app, await app.TokenFor("dispatcher"), messagePack: false);
        far.On<PositionMessage[]>("positions", batch => { foreach (var p in batch) elsewhere.Enqueue(p); });
        await far.StartAsync();
        var none = await far.InvokeAsync<SubscribeResult>("Subscribe", new SubscribeRequest([10, 10, 11, 11]));
        Assert.Equal(0, none.Tiles);

        using var admin = await app.ClientFor("admin");
        var t = DateTimeOffset.UtcNow;
        await LiveKit.Post(admin, LiveKit.Fix(stranger.Id, spot.Lon, spot.Lat, t), LiveKit.Fix(mate.Id, spot.Lon, spot.Lat, t));
        await LiveKit.Eventually(() => Task.FromResult(received.Any(p => p.CrewId == mate.Id)), "the team mate's fix");
        await app.Services.GetRequiredService<LiveNotifier>().FlushAsync();
        Assert.DoesNotContain(received, p => p.CrewId == stranger.Id);
        Assert.Empty(elsewhere);
    }

    [Fact]
    public async Task Bad_views_are_refused_with_a_reason_and_a_planner_may_not_connect()
    {
        await using var hub = LiveKit.Hub(app, await app.TokenFor("dispatcher"), messagePack: true);
        await hub.StartAsync();
        var missing = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscribeResult>("Subscribe", new SubscribeRequest(null)));
        Assert.Contains("bbox", missing.Message);
        var inverted = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscribeResult>("Subscribe", new SubscribeRequest([116, 26, 115, 25])));
        Assert.Contains("min <= max", inverted.Message);
        var outOfRange = await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync<SubscribeResult>("Subscribe", new SubscribeRequest([0, 0, 200, 10])));
        Assert.Contains("-180..180", outOfRange.Message);

        await using var planner = LiveKit.Hub(app, await app.TokenFor("planner"), messagePack: false);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => planner.StartAsync());
        Assert.Contains("403", refused.Message);
    }

    [Fact]
    public async Task A_disconnecting_client_leaves_nothing_behind()
    {
        var subscriptions = app.Services.GetRequiredService<LiveSubscriptions>();
        var before = subscriptions.Connections;
        var hubs = new List<HubConnection>();
        for (var i = 0; i < 5; i++)
        {
            var hub = LiveKit.Hub(app, await app.TokenFor("leader"), messagePack: i % 2 == 0);
            await hub.StartAsync();
            await hub.InvokeAsync<SubscribeResult>("Subscribe", new SubscribeRequest(World));
            hubs.Add(hub);
        }
        Assert.Equal(before + 5, subscriptions.Connections);
        foreach (var hub in hubs) await hub.DisposeAsync();
        await LiveKit.Eventually(() => Task.FromResult(subscriptions.Connections == before), "subscriptions forgotten");
    }

    [Fact]
    public async Task Incident_messages_go_out_on_create_and_on_every_transition()
    {
        var spot = await Spots.Next(app);
        var seen = new ConcurrentQueue<IncidentMessage>();
        await using var hub = LiveKit.Hub(app, await app.TokenFor("dispatcher"), messagePack: true);
        hub.On<IncidentMessage>("incident", m => seen.Enqueue(m));
        await hub.StartAsync();
        await hub.InvokeAsync<SubscribeResult>("Subscribe", new SubscribeRequest([spot.Lon - 0.001, spot.Lat - 0.001, spot.Lon + 0.001, spot.Lat + 0.001]));

        using var dispatcher = await app.ClientFor("dispatcher");
        var created = await (await dispatcher.Report("03001", "hotline", spot)).Json(System.Net.HttpStatusCode.Created);
        var id = created.GetProperty("id").GetInt64();
        await LiveKit.Eventually(() => Task.FromResult(seen.Any(m => m.Id == id && m.Status == "reported")), "the new incident on the hub");
        (await dispatcher.PostAsJsonAsync($"/api/incidents/{id}/transitions", new { action = "register" })).EnsureSuccessStatusCode();
        await LiveKit.Eventually(() => Task.FromResult(seen.Any(m => m.Id == id && m.Status == "registered")), "the transition on the hub");
    }

    [Fact]
    public async Task A_device_on_a_gcj02_map_names_it_on_the_connection_and_its_fixes_are_stored_in_wgs84()
    {
        await LiveKit.Reset(app, 1);
        var spot = await Spots.Next(app, teamId: 1);
        var (gLon, gLat) = GridGov.Geo.Coordinates.ChinaOffsets.Wgs84ToGcj02(spot.Lon, spot.Lat);
        var token = await app.TokenFor("crew");
        await using (var hub = LiveKit.Hub(app, token, messagePack: false, "/hubs/live?crs=gcj02"))
        {
            await hub.StartAsync();
            var answer = await hub.InvokeAsync<PositionsResponse>("Report",
                new[] { new PositionReport(1, gLon, gLat, DateTimeOffset.UtcNow.AddSeconds(-2), 6) });
            Assert.Equal(1, answer.Accepted);
        }
        await using (var cmd = app.DataSource.CreateCommand("SELECT ST_X(location), ST_Y(location) FROM crew_positions WHERE crew_id = 1"))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            Assert.True(await r.ReadAsync());
            Assert.True(Geodesy.Metres(r.GetDouble(0), r.GetDouble(1), spot.Lon, spot.Lat) < 1);
        }
        await using var wrong = LiveKit.Hub(app, token, messagePack: false, "/hubs/live?crs=foo");
        await wrong.StartAsync();
        var error = await Assert.ThrowsAsync<HubException>(() => wrong.InvokeAsync<PositionsResponse>("Report",
            new[] { new PositionReport(1, gLon, gLat, DateTimeOffset.UtcNow, 6) }));
        Assert.Contains("crs", error.Message);
    }
}
